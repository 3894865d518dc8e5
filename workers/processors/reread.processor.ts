import { JOBS } from '../../src/queue/jobs.js';
import { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import type { Processor } from '../processor.js';

/** One page a person fixed: read it again. */
export const rereadProcessor: Processor<typeof JOBS.rereadPage> = {
  job: JOBS.rereadPage,
  run: (app, payload) => app.get(ScanIngestService).ingestPage(payload.pageId),
};
