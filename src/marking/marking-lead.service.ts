// The subject lead's side of marking (题组长): assignments, QC settings, reference answers, marker standing.
// Scope: the subject lead of the item's subject in its alliance, or the alliance's admin.
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import type { User } from '../auth/entities/user.entity.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { type Item, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { isValidScore } from './domain/resolve-final-score.js';
import { AssignmentsBody, QcSettingsBody, ReferenceBody } from './dto/marking-lead.dto.js';
import { requiredId } from './dto/marking.dto.js';
import { MarkerPhase, ReferenceKind } from './entities/qc.entities.js';
import { ArbitrationService } from './arbitration.service.js';
import { ItemFactsCache } from './item-facts.cache.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkerDirectoryRepository } from './marker-directory.repository.js';
import { MarkerStandingService } from './marker-standing.service.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { ReferenceAnswerRepository } from './reference-answer.repository.js';
import { RequeueService } from './requeue.service.js';

export interface ItemContext {
  item: Item;
  paper: Paper;
  exam: Exam;
}

@Injectable()
export class MarkingLeadService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ItemFactsRepository) private readonly itemReads: ItemFactsRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(MarkerDirectoryRepository) private readonly directory: MarkerDirectoryRepository,
    @Inject(MarkerAssignmentRepository) private readonly assignmentRows: MarkerAssignmentRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(ReferenceAnswerRepository) private readonly referenceRows: ReferenceAnswerRepository,
    @Inject(MarkingSnippetRepository) private readonly snippets: MarkingSnippetRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
    @Inject(ArbitrationService) private readonly arbitration: ArbitrationService,
    @Inject(MarkerStandingService) private readonly standing: MarkerStandingService,
    @Inject(RequeueService) private readonly requeue: RequeueService,
  ) {}

  /** The item (subjective) with its paper and exam, when the caller leads its subject (or is the admin). */
  async leadItem(actor: Actor, itemIdRaw: unknown): Promise<ItemContext> {
    const item = await this.itemReads.item(requiredId(itemIdRaw, '题目编号'));
    if (!item) throw new NotFoundException('题目不存在');
    const paper = await this.papers.findById(item.paperId);
    const exam = paper && (await this.exams.findById(paper.examId));
    if (!paper || !exam) throw new Error('paper or exam not found');
    assertScope(actor.isSubjectLeadOf(exam.allianceId, paper.subject), '只有本学科的学科组长或管理员可以管理该题阅卷');
    if (OBJECTIVE_TYPES.includes(item.type)) throw new BadRequestException('客观题由机器评分，无需人工阅卷');
    return { item, paper, exam };
  }

  /** The marker must mark this subject in this alliance. */
  private async markerOr400(ctx: ItemContext, markerIdRaw: unknown): Promise<User> {
    const markerId = requiredId(markerIdRaw, '阅卷教师编号');
    const marks = await this.directory.isMarkerOf(markerId, ctx.exam.allianceId, ctx.paper.subject);
    const user = await this.directory.user(markerId);
    if (!user || !marks) throw new BadRequestException(`用户 ${markerId} 不是本联盟${ctx.paper.subject}学科的阅卷教师`);
    return user;
  }

  // ───────────────────────────── assignments (题块) ─────────────────────────────

  async assignments(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    return this.assignmentView(ctx.item.id);
  }

  private async assignmentView(itemId: number) {
    const rows = await this.assignmentRows.ofItem(itemId);
    const users = rows.length ? await this.directory.users(rows.map((r) => r.markerId)) : [];
    return {
      itemId,
      markers: rows.map((r) => ({
        markerId: r.markerId,
        displayName: users.find((u) => u.id === r.markerId)?.displayName ?? '',
      })),
    };
  }

  /** Replaces the item's set of markers. Markers then mark only the items they hold (a marker can hold several). */
  async setAssignments(actor: Actor, itemIdRaw: unknown, body: AssignmentsBody) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    for (const id of body.markerIds) await this.markerOr400(ctx, id);
    await this.uow.run(async (tx) => {
      const current = await this.assignmentRows.ofItemIn(tx, ctx.item.id);
      const drop = current.filter((a) => !body.markerIds.includes(a.markerId)).map((a) => a.id);
      if (drop.length) this.assignmentRows.remove(tx, drop);
      const add = body.markerIds.filter((id) => !current.some((a) => a.markerId === id));
      if (add.length) this.assignmentRows.add(tx, ctx.item.id, add, actor.userId);
    });
    return this.assignmentView(ctx.item.id);
  }

  // ───────────────────────────── QC settings and reference answers ─────────────────────────────

  async qcSettings(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    return this.settingsView(ctx.item);
  }

  private async settingsView(item: Item) {
    const s = await this.settings.find(item.id);
    return {
      itemId: item.id,
      tolerance: item.tolerance,
      trialRequired: s?.trialRequired ?? false,
      trialPassRate: s?.trialPassRate ?? null,
      seedRate: s?.seedRate ?? 0,
      seedTolerance: s?.seedTolerance ?? null,
      seedMisses: s?.seedMisses ?? 3,
      seedWindow: s?.seedWindow ?? 10,
      selfRate: s?.selfRate ?? 0,
      dailyCap: s?.dailyCap ?? null,
      reviewSize: s?.reviewSize ?? 10,
    };
  }

  async setQcSettings(actor: Actor, itemIdRaw: unknown, body: QcSettingsBody) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const merged = { ...(await this.settingsView(ctx.item)), ...body };
    if (merged.seedRate + merged.selfRate > 1) throw new BadRequestException('测评卷比例与自评比例之和不能超过 1');
    if (merged.seedMisses > merged.seedWindow) throw new BadRequestException('暂停所需超差次数不能大于统计窗口');
    const { tolerance: _t, ...row } = merged;
    await this.settings.save(row);
    this.items.invalidate(ctx.item.id);
    return this.settingsView(ctx.item);
  }

  async references(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const rows = await this.referenceRows.ofItem(ctx.item.id);
    return {
      itemId: ctx.item.id,
      references: rows.map((r) => ({ ...r, snippetUrl: `/api/marking/snippets/${r.token}` })),
    };
  }

  /** Sets (or changes) the definitive score of an answer of this item used as a trial answer or a seed. */
  async setReference(actor: Actor, itemIdRaw: unknown, body: ReferenceBody) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const snippet = await this.snippets.byToken(body.token);
    if (!snippet || snippet.itemId !== ctx.item.id) throw new BadRequestException('该答卷不属于本题');
    if (!isValidScore(body.score, ctx.item.maxScore, ctx.item.scoreStep)) {
      throw new BadRequestException(`标准分应为 0–${ctx.item.maxScore} 之间、步长 ${ctx.item.scoreStep} 的整数倍`);
    }
    // The definitive score is for quality control only: the answer's own final score still comes from its marks by the
    // rules (a marker never meets it both live and as a seed: next and the seed draw skip answers the marker has had).
    // Only when the lead asks for it, with a reason, does it become the final score: an audited lead decision.
    if (body.asFinal)
      await this.arbitration.arbitrate(actor, body.token, { score: body.score, reason: body.reason }, 'reference');
    await this.referenceRows.save({
      itemId: ctx.item.id,
      snippetId: snippet.id,
      kind: body.kind as ReferenceKind,
      score: body.score,
      createdBy: actor.userId,
    });
    return this.references(actor, ctx.item.id);
  }

  // ───────────────────────────── marker standing ─────────────────────────────

  async approve(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.standing.setPhase(ctx.item.id, marker.id, MarkerPhase.Live, actor.userId);
    return this.standing.of(ctx.item.id, marker.id);
  }

  async suspend(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown, reason: string | null) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.standing.setSuspended(ctx.item.id, marker.id, true, reason ?? '学科组长暂停', actor.userId);
    return this.standing.of(ctx.item.id, marker.id);
  }

  async restore(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.standing.setSuspended(ctx.item.id, marker.id, false, null, actor.userId);
    return this.standing.of(ctx.item.id, marker.id);
  }

  /** Re-queues every counting live mark of the marker on the item, for other markers to mark again. */
  async requeueAll(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const markerId = requiredId(markerIdRaw, '阅卷教师编号');
    const live = await this.events.liveOf(markerId, ctx.item.id);
    const requeued = await this.requeue.requeueEvents(
      live.map((e) => e.id),
      'requeue',
      actor.userId,
    );
    return { itemId: ctx.item.id, markerId, requeued };
  }
}
