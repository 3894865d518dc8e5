import { PageScanner } from '../../src/scans/page-scan.pool.js';
import { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { JOBS } from '../../src/queue/jobs.js';
import type { Processor } from '../processor.js';

/** One page image: read it, record responses, snippets and tasks, or an exception. */
export const scanIngestProcessor: Processor<typeof JOBS.ingestPage> = {
  job: JOBS.ingestPage,
  run: (app, payload) => app.get(ScanIngestService).ingestPage(payload.pageId),
  // the scan threads started, their modules loaded and snippet cutters assembled before the first page arrives
  prepare: (app) => app.get(PageScanner).warmUp(),
};
