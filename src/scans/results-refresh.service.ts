import { Inject, Injectable } from '@nestjs/common';
import { Pipeline } from '../queue/pipeline.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';

@Injectable()
export class ResultsRefreshService {
  constructor(
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
  ) {}

  /**
   * A fix changes what the results say (a student's scores, who sat): once the exam's results have been computed,
   * the results job runs again (debounced, idempotent), so pages and reports never show figures from before a fix.
   */
  async afterFix(examId: number): Promise<void> {
    if (await this.analyses.computedFor(examId)) await this.pipeline.scoresChangedAfterCommit(examId);
  }
}
