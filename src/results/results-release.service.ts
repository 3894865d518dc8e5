import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';
import { ExamAccess, examChecks } from '../exams/exam-access.js';
import { examState, needsReason, unfinishedLines } from './domain/exam-state.js';
import { ExamStateService } from './exam-state.service.js';
import { ResultsReleaseRepository } from './results-release.repository.js';

const REASON_MAX = 500;

/** 成绩发布: what is unfinished, and the release (or re-issue) of the computed results to principals, audited. */
@Injectable()
export class ResultsReleaseService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ExamStateService) private readonly states: ExamStateService,
    @Inject(ResultsReleaseRepository) private readonly releases: ResultsReleaseRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** GET /api/exams/:id/release: what releasing now would release, and what is unfinished (admin). */
  async preview(actor: Actor, examId: number) {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, '只有本联盟的管理员可以发布成绩');
    const state = examState(await this.states.facts(exam, true));
    const release = await this.releases.of(examId);
    return {
      examId,
      computed: state.computed,
      resultsOutdated: state.resultsOutdated,
      released: state.released,
      releaseOutdated: state.releaseOutdated,
      releasedAt: release?.releasedAt ?? null,
      reason: release?.reason ?? null,
      unfinished: state.unfinished,
      unfinishedLines: unfinishedLines(state.unfinished),
      needsReason: needsReason(state.unfinished),
    };
  }

  /**
   * POST /api/exams/:id/release { reason }: releases the results as last computed (their score version). Refused
   * before results are computed or while they are older than the scores; with work unfinished, only with a reason.
   */
  async release(actor: Actor, examId: number, body: { reason?: unknown } | undefined) {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, '只有本联盟的管理员可以发布成绩');
    if (exam.status === ExamStatus.Imported) throw new BadRequestException('导入的历史成绩无需发布');
    const state = examState(await this.states.facts(exam, true));
    if (!state.computed) throw new ConflictException('尚未计算成绩：请先计算成绩与报告，再发布');
    if (state.resultsOutdated)
      throw new ConflictException('成绩计算后分数又有变动：请先重新计算成绩与报告，完成后再发布');
    const reason = typeof body?.reason === 'string' ? body.reason.trim().slice(0, REASON_MAX) : '';
    const lines = unfinishedLines(state.unfinished);
    if (needsReason(state.unfinished) && !reason)
      throw new ConflictException({
        statusCode: 409,
        message: `尚有未完成的工作：${lines.join('；')}。如仍要发布，请填写发布理由`,
        unfinishedLines: lines,
      });
    const action = state.released ? 'reissue_results' : 'release_results';
    await this.uow.runOrm(async (tx) => {
      await this.releases.release(tx, examId, state.computedVersion!, actor.userId, reason || null);
      await this.audit.record(
        {
          userId: actor.userId,
          action,
          entity: 'exam',
          entityId: String(examId),
          detail: { scoreVersion: state.computedVersion, reason: reason || null, unfinished: lines },
        },
        tx,
      );
    });
    return { examId, released: true, reissued: action === 'reissue_results', scoreVersion: state.computedVersion };
  }
}
