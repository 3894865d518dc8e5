import { JOBS } from '../../src/queue/jobs.js';
import { PageCopyService } from '../../src/scans/page-copies.js';
import type { Processor } from '../processor.js';

/** One page read for a student: its reduced copy for the students' notices. */
export const pageCopyProcessor: Processor<typeof JOBS.copyPage> = {
  job: JOBS.copyPage,
  run: (app, payload) => app.get(PageCopyService).copyPage(payload.pageId),
};
