import { Pipeline } from '../../src/queue/pipeline.js';
import { JOBS } from '../../src/queue/jobs.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import type { Processor } from '../processor.js';

/** One exam: final objective scores, totals, analysis, then one report job per school. Superseded triggers skip. */
export const resultsProcessor: Processor<typeof JOBS.computeResults> = {
  job: JOBS.computeResults,
  run: async (app, payload) =>
    (await app.get(Pipeline).isLatest(JOBS.computeResults, payload))
      ? app.get(ResultsJobService).computeExam(payload.examId)
      : { superseded: true },
};
