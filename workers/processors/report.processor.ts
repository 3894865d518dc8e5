import { Pipeline } from '../../src/queue/pipeline.js';
import { JOBS } from '../../src/queue/jobs.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import type { Processor } from '../processor.js';

/** One exam × school: render the diagnostic PDF from the stored analysis. Superseded triggers skip. */
export const reportProcessor: Processor<typeof JOBS.renderReport> = {
  job: JOBS.renderReport,
  run: async (app, payload) =>
    (await app.get(Pipeline).isLatest(JOBS.renderReport, payload))
      ? app.get(ReportRenderService).renderSchoolReport(payload.examId, payload.schoolId)
      : { superseded: true },
};
