import type { Processor } from './processor.js';
import { pageCopyProcessor } from './processors/page-copy.processor.js';
import { reportProcessor } from './processors/report.processor.js';
import { resultsProcessor } from './processors/results.processor.js';
import { rereadProcessor } from './processors/reread.processor.js';
import { scanIngestProcessor } from './processors/scan-ingest.processor.js';

/** Every processor the worker runs. Start-up fails if a job name has no processor or two. */
export const PROCESSORS: Processor<any>[] = [
  resultsProcessor,
  reportProcessor,
  scanIngestProcessor,
  rereadProcessor,
  pageCopyProcessor,
];
