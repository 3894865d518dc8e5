import { JobProducer } from '../../src/queue/job-producer.js';
import { JOBS } from '../../src/queue/jobs.js';
import { ReportsService } from '../../src/reports/reports.service.js';
import type { Processor } from '../processor.js';

/** One exam × school: render the diagnostic PDF from the stored analysis. Superseded triggers skip. */
export const reportProcessor: Processor<typeof JOBS.renderReport> = {
  job: JOBS.renderReport,
  run: async (app, payload) =>
    (await app.get(JobProducer).isLatest(JOBS.renderReport, payload))
      ? app.get(ReportsService).renderSchoolReport(payload.examId, payload.schoolId)
      : { superseded: true },
};
