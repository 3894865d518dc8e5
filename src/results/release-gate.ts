// 成绩发布 as a gate: the one place that says whether an actor may see an exam's results yet. Every route that
// serves results, exports or reports to someone other than the alliance's admin asks it (results-queries,
// exports and reports services). Provided with the repositories (results/repositories.ts) so every feature can ask.
import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { ReleaseMark } from './api-types.js';
import { type Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { ResultsReleaseRepository } from './results-release.repository.js';
import { ScoreVersionRepository } from './score-version.repository.js';

export const NOT_RELEASED = '成绩尚未发布：联盟管理员发布成绩后，学校、教师和教育局才能查看成绩和报告';

/** What a page shows beside released results (declared with the answers the pages import: api-types.ts). */
export type { ReleaseMark };

@Injectable()
export class ReleaseGate {
  constructor(
    @Inject(ResultsReleaseRepository) private readonly releases: ResultsReleaseRepository,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /**
   * The alliance's admin sees results at any time (computing them is its check before release); everyone else only
   * once they are released. An imported exam's results (历史成绩导入) were released when they were first given out.
   */
  async assertVisible(actor: Actor, exam: Exam): Promise<void> {
    if (actor.isAdminOf(exam.allianceId) || exam.status === ExamStatus.Imported) return;
    if (!(await this.releases.of(exam.id))) throw new ForbiddenException(NOT_RELEASED);
  }

  /** Whether the exam's results are released, and outdated by a later change of scores. */
  async markOf(examId: number): Promise<ReleaseMark> {
    const r = await this.releases.of(examId);
    if (!r) return { released: false, releasedAt: null, outdated: false };
    const current = await this.versions.current(examId);
    return { released: true, releasedAt: r.releasedAt, outdated: r.scoreVersion < current };
  }
}
