import { JOBS } from '../../src/queue/jobs.js';
import { PageRereadService } from '../../src/scans/page-reread.service.js';
import type { Processor } from '../processor.js';

/** One page a person fixed: read it again, then the later pages of its sheet that waited for it. */
export const rereadProcessor: Processor<typeof JOBS.rereadPage> = {
  job: JOBS.rereadPage,
  run: (app, payload) => app.get(PageRereadService).reread(payload.pageId, payload.userId),
};
