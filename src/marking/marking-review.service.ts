// 回评: a marker looks back over their own recent marks and may change one while its answer has no final score.
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { Role } from '../common/role.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import type { Item } from '../exams/entities/item.entity.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';
import { isValidScore } from './domain/resolve-final-score.js';
import { requiredId, SubmitMarkBody, SubmitMarkResponse } from './dto/marking.dto.js';
import type { MarkEvent } from './entities/mark-event.entity.js';
import { type MarkingTask, TaskKind } from './entities/marking-task.entity.js';
import { FinalScoreRepository } from './final-score.repository.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { MarkEventRepository, type NewMark, type RecentMarkRow } from './mark-event.repository.js';
import { MarkResolutionService } from './mark-resolution.service.js';
import { isDupEntry, scoreError, toAnswer } from './mark-responses.js';
import { MarkSupersessionRepository } from './mark-supersession.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';
import { QualityControlService } from './quality-control.service.js';

/** 回评: how many of the marker's last marks are listed when the item sets nothing. */
export const DEFAULT_REVIEW_SIZE = 10;

const num = (v: unknown) => Number(v ?? 0);

@Injectable()
export class MarkingReviewService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkSupersessionRepository) private readonly supersessions: MarkSupersessionRepository,
    @Inject(FinalScoreRepository) private readonly scores: FinalScoreRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(ItemFactsRepository) private readonly items: ItemFactsRepository,
    @Inject(QualityControlService) private readonly qc: QualityControlService,
    @Inject(MarkResolutionService) private readonly resolution: MarkResolutionService,
  ) {}

  /** The marker's last marks (newest first), each changeable while its answer has no final score. */
  async review(actor: Actor, itemIdRaw: unknown, limitRaw: unknown) {
    assertScope(actor.has(Role.Marker), '您不是阅卷教师');
    const itemId = itemIdRaw === undefined || itemIdRaw === '' ? undefined : requiredId(itemIdRaw, '题目编号');
    let limit = DEFAULT_REVIEW_SIZE;
    if (itemId !== undefined) limit = (await this.settings.find(itemId))?.reviewSize ?? DEFAULT_REVIEW_SIZE;
    if (limitRaw !== undefined && limitRaw !== '') limit = Math.min(requiredId(limitRaw, '条数'), 50);
    // Seeds and self re-marks are listed like any mark: a marker must not be able to tell them apart.
    const rows = await this.events.recent(actor.userId, itemId, limit);
    return { marks: rows.map(reviewEntry) };
  }

  /** 回评 change: a new mark event on the same task and round that supersedes the earlier one (never an update). */
  async revise(actor: Actor, eventIdRaw: unknown, body: SubmitMarkBody): Promise<SubmitMarkResponse> {
    const eventId = requiredId(eventIdRaw, '评分记录编号');
    const me = actor.userId;
    const earlier = await this.events.findByClientId(body.clientId);
    if (earlier) {
      if (earlier.markerId !== me || earlier.refEventId !== eventId)
        throw new ConflictException('该 clientId 已用于另一次提交');
      return toAnswer(earlier);
    }
    const old = await this.events.findById(eventId);
    if (!old || old.markerId !== me || old.kind === TaskKind.Trial || old.round >= ARBITRATION_ROUND)
      throw new NotFoundException('评分记录不存在');
    const item = await this.items.item(old.itemId);
    if (!item) throw new Error('item not found');
    if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep))
      throw scoreError(item.maxScore, item.scoreStep);
    const task = await this.tasks.findById(old.taskId);
    if (!task) throw new Error('marking task not found');
    let answer: SubmitMarkResponse;
    try {
      answer = await this.uow.run((tx) => this.replace(tx, old, task, item, me, body));
    } catch (e) {
      if (!isDupEntry(e)) throw e;
      const winner = await this.events.findByClientId(body.clientId);
      if (!winner) throw new ConflictException('该评分已被修改，请刷新回评列表');
      return toAnswer(winner);
    }
    if (old.kind === TaskKind.Seed) await this.qc.afterSeed(me, item);
    await this.resolution.triggerResultsIfComplete(old.examId);
    return answer;
  }

  /** The new mark and the earlier one's supersession, with the answer's tasks locked; the answer resolved again. */
  private async replace(
    tx: Tx,
    old: MarkEvent,
    task: MarkingTask,
    item: Item,
    me: number,
    body: SubmitMarkBody,
  ): Promise<SubmitMarkResponse> {
    await this.tasks.lockSnippet(tx, old.snippetId);
    if (await this.supersessions.isSuperseded(tx, old.id))
      throw new ConflictException('该评分已被修改或已收回，请刷新回评列表');
    if (await this.scores.ofSnippet(tx, old.snippetId)) throw new ConflictException('该答卷已出分，不能再修改');
    const agreed = old.kind === TaskKind.Live ? null : await this.qc.agreement(tx, task, item, body);
    const mark: NewMark = {
      examId: old.examId,
      taskId: old.taskId,
      snippetId: old.snippetId,
      itemId: old.itemId,
      markerId: me,
      round: old.round,
      score: body.score ?? null,
      problem: body.problem ?? null,
      secondsSpent: body.secondsSpent ?? 0,
      clientId: body.clientId,
      kind: old.kind,
      refEventId: old.id,
      agreed,
      eventId: 0,
    };
    const id = await this.events.recordMarkNow(tx, mark);
    this.supersessions.supersede(tx, old.id, 'review', me, id);
    if (old.kind === TaskKind.Live) await this.resolution.resolveSnippet(tx, old.snippetId);
    return { markEventId: id, taskId: old.taskId, score: mark.score, problem: mark.problem };
  }
}

function reviewEntry(r: RecentMarkRow) {
  return {
    markEventId: num(r.id),
    itemId: num(r.item_id),
    itemLabel: String(r.label),
    maxScore: num(r.max_score),
    scoreStep: num(r.score_step),
    score: r.score === null ? null : num(r.score),
    problem: r.problem ?? null,
    markedAt: new Date(r.created_at).toISOString(),
    snippetUrl: `/api/marking/snippets/${String(r.token)}`,
    changeable: num(r.final) === 0,
  };
}
