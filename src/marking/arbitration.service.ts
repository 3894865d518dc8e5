// The subject lead's scores (仲裁, 改判, a reference answer made final) and the queue of answers waiting for them.
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ARBITRATION_ROUND, resolveAnswer, ruleOf } from './domain/answer-state.js';
import { isValidScore, resolveFinalScore, type Resolution } from './domain/resolve-final-score.js';
import { ArbitrateBody, requiredId } from './dto/marking.dto.js';
import { TaskKind } from './entities/marking-task.entity.js';
import { FinalScoreRepository } from './final-score.repository.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { leadSubjects } from './lead-scope.js';
import { MarkEventRepository, type NewMark, type SnippetMark } from './mark-event.repository.js';
import { MarkResolutionService } from './mark-resolution.service.js';
import { scoreError } from './mark-responses.js';
import { MarkingOverviewRepository } from './marking-overview.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';
import { type SnippetContext, SnippetService } from './snippet.service.js';

/** 'arbitrate': an answer waiting for the lead. 'override': a final score replaced. 'reference': a seed's score made final. */
export type LeadScoreMode = 'arbitrate' | 'override' | 'reference';

const AUDIT_ACTION: Record<LeadScoreMode, string> = {
  arbitrate: 'marking.arbitrate',
  override: 'marking.override',
  reference: 'marking.reference_final',
};

const num = (v: unknown) => Number(v ?? 0);

@Injectable()
export class ArbitrationService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(FinalScoreRepository) private readonly scores: FinalScoreRepository,
    @Inject(MarkingOverviewRepository) private readonly overview: MarkingOverviewRepository,
    @Inject(ItemFactsRepository) private readonly items: ItemFactsRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(SnippetService) private readonly snippets: SnippetService,
    @Inject(MarkResolutionService) private readonly resolution: MarkResolutionService,
  ) {}

  /**
   * The subject lead's score for an answer. 'arbitrate': only an answer waiting for the lead (marks disagree beyond
   * arbitration, or a problem flag). 'override': an answer that already has a final score, explicitly, with a reason.
   * 'reference': the lead makes a reference answer's definitive score final, explicitly, with a reason. Each is a mark
   * event of the lead and an audit row naming the previous score, so every change of a final score is traceable.
   */
  async arbitrate(
    actor: Actor,
    token: string,
    body: ArbitrateBody,
    mode: LeadScoreMode = body.override ? 'override' : 'arbitrate',
  ) {
    const ctx = await this.snippets.context(token);
    assertScope(actor.isSubjectLeadOf(ctx.exam.allianceId, ctx.paper.subject), '只有本学科的学科组长或管理员可以仲裁');
    if (!isValidScore(body.score, ctx.item.maxScore, ctx.item.scoreStep))
      throw scoreError(ctx.item.maxScore, ctx.item.scoreStep);
    const reason = body.reason?.trim() ?? '';
    if (mode !== 'arbitrate' && !reason)
      throw new BadRequestException(
        mode === 'override' ? '改判已出分的答卷必须填写原因' : '将标准分定为最终得分必须填写原因',
      );
    const resolution = await this.uow.run((tx) => this.leadScore(tx, actor.userId, ctx, body.score, mode, reason));
    await this.resolution.triggerResultsIfComplete(ctx.exam.id);
    if (resolution.state !== 'final') throw new Error('arbitration did not resolve the snippet');
    return {
      token,
      itemId: ctx.item.id,
      score: resolution.score,
      ruleVersion: resolution.ruleVersion,
      basis: resolution.basis,
    };
  }

  /** The lead's mark, on the answer's arbitration task, with the answer's tasks locked; audited with what it replaced. */
  private async leadScore(
    tx: Tx,
    leadId: number,
    ctx: SnippetContext,
    score: number,
    mode: LeadScoreMode,
    reason: string,
  ): Promise<Resolution> {
    const snippetId = ctx.snippet.id;
    await this.tasks.lockSnippet(tx, snippetId);
    const previous = await this.scores.ofSnippet(tx, snippetId);
    const current = resolveAnswer(ruleOf(ctx.item), await this.events.counting([snippetId], tx)).state;
    if (mode === 'arbitrate' && current === 'final')
      throw new ConflictException('该答卷已出分，无需仲裁；如需改判，请选择改判并填写原因');
    if (mode === 'arbitrate' && current !== 'need_arbitration' && current !== 'problem')
      throw new ConflictException('该答卷尚在评阅中，未到仲裁环节');
    if (mode === 'override' && current !== 'final') throw new ConflictException('该答卷尚未出分，不能改判');
    const taskId = await this.tasks.arbitrationTask(tx, ctx.exam.id, ctx.item.id, snippetId, leadId);
    const mark = leadMark(ctx, taskId, leadId, score);
    // The mark rides with the resolution's first read; its id arrives with it.
    this.events.recordMark(tx, mark);
    const res = await this.resolution.resolveSnippet(tx, snippetId);
    // Every change of a final score is traceable to who and why.
    const detail = {
      itemId: ctx.item.id,
      score,
      markEventId: mark.eventId,
      stateBefore: current,
      previousScore: previous?.score ?? null,
      previousRule: previous?.ruleVersion ?? null,
      reason: reason || null,
    };
    const entry = { userId: leadId, action: AUDIT_ACTION[mode], entity: 'answer_snippet', entityId: String(snippetId) };
    await this.audit.record({ ...entry, detail }, tx);
    return res;
  }

  /** Answers waiting for the subject lead: every round marked, no final score (arbitration needed or a problem flag). */
  async arbitrationQueue(actor: Actor, examIdRaw: unknown) {
    return this.queueOf(actor, await this.exams.get(requiredId(examIdRaw, '考试')));
  }

  /** The exam's answers waiting for the lead, in the caller's subjects. */
  async queueOf(actor: Actor, exam: Exam) {
    const subjects = leadSubjects(actor, exam.allianceId);
    assertScope(subjects !== null, '只有学科组长或管理员可以查看待仲裁答卷');
    const rows = await this.overview.awaitingLead(exam.id, subjects!);
    if (!rows.length) return { examId: exam.id, snippets: [] };
    const items = new Map(
      (await this.items.items([...new Set(rows.map((r) => num(r.item_id)))])).map((i) => [i.id, i]),
    );
    const events = await this.events.counting(rows.map((r) => num(r.id)));
    return {
      examId: exam.id,
      snippets: rows.map((r) => queueEntry(r, items.get(num(r.item_id))!, events)),
    };
  }
}

/** The lead's mark: round 9, on the arbitration task, always counted. */
function leadMark(ctx: SnippetContext, taskId: number, leadId: number, score: number): NewMark {
  return {
    examId: ctx.exam.id,
    taskId,
    snippetId: ctx.snippet.id,
    itemId: ctx.item.id,
    markerId: leadId,
    round: ARBITRATION_ROUND,
    score,
    problem: null,
    secondsSpent: 0,
    clientId: randomUUID(),
    kind: TaskKind.Live,
    refEventId: null,
    agreed: null,
    eventId: 0,
  };
}

/** An answer in the lead's queue: its state and the markers' marks, round by round. */
function queueEntry(r: { id: number; token: string }, item: Item, events: SnippetMark[]) {
  const marks = events
    .filter((e) => e.snippetId === num(r.id) && e.round < ARBITRATION_ROUND)
    .sort((x, y) => x.round - y.round || x.id - y.id);
  const state = resolveFinalScore(
    ruleOf(item),
    marks.map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId })),
  ).state;
  return {
    token: r.token,
    itemId: item.id,
    itemLabel: item.label,
    maxScore: item.maxScore,
    scoreStep: item.scoreStep,
    state,
    marks: marks.map((e) => ({ round: e.round, score: e.score, problem: e.problem })),
    snippetUrl: `/api/marking/snippets/${r.token}`,
  };
}
