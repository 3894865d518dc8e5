// The subject lead's side of marking (题组长): assignments, QC settings, reference answers, marker standing,
// and the console figures. Scope: the subject lead of the item's subject in its alliance, or the alliance's admin.
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Role } from '../common/role.js';
import { User } from '../auth/entities/user.entity.js';
import { Actor, assertScope } from '../common/actor.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';
import { isValidScore } from './domain/resolve-final-score.js';
import { estimateMinutesLeft, markerFigures, StatsMark } from './domain/marker-stats.js';
import { trialVerdict } from './domain/quality-control.js';
import { AssignmentsBody, QcSettingsBody, ReferenceBody } from './dto/marking-lead.dto.js';
import { requiredId } from './dto/marking.dto.js';
import {
  ItemQcSetting,
  MarkerAssignment,
  MarkerItemState,
  MarkerPhase,
  ReferenceAnswer,
  ReferenceKind,
} from './entities/qc.entities.js';
import { ItemFactsCache } from './item-facts.cache.js';
import { ARBITRATION_ROUND, MarkingService } from './marking.service.js';

/** The pace behind the time-left estimate: marks of the last this many minutes. */
export const PACE_WINDOW_MINUTES = 30;

const num = (v: unknown) => Number(v ?? 0);

interface ItemContext {
  item: Item;
  paper: Paper;
  exam: Exam;
}

@Injectable()
export class MarkingLeadService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(MarkingService) private readonly marking: MarkingService,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
  ) {}

  private async leadItem(actor: Actor, itemIdRaw: unknown): Promise<ItemContext> {
    const item = await this.ds.getRepository(Item).findOneBy({ id: requiredId(itemIdRaw, '题目编号') });
    if (!item) throw new NotFoundException('题目不存在');
    const paper = await this.ds.getRepository(Paper).findOneByOrFail({ id: item.paperId });
    const exam = await this.ds.getRepository(Exam).findOneByOrFail({ id: paper.examId });
    assertScope(actor.isSubjectLeadOf(exam.allianceId, paper.subject), '只有本学科的学科组长或管理员可以管理该题阅卷');
    if (OBJECTIVE_TYPES.includes(item.type)) throw new BadRequestException('客观题由机器评分，无需人工阅卷');
    return { item, paper, exam };
  }

  /** The marker must mark this subject in this alliance. */
  private async markerOr400(ctx: ItemContext, markerIdRaw: unknown): Promise<User> {
    const markerId = requiredId(markerIdRaw, '阅卷教师编号');
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM user_role WHERE user_id = ? AND role = ? AND alliance_id = ? AND (subject IS NULL OR subject = ?) LIMIT 1`,
      [markerId, Role.Marker, ctx.exam.allianceId, ctx.paper.subject],
    );
    const user = await this.ds.getRepository(User).findOneBy({ id: markerId });
    if (!user || !rows.length)
      throw new BadRequestException(`用户 ${markerId} 不是本联盟${ctx.paper.subject}学科的阅卷教师`);
    return user;
  }

  // ───────────────────────────── assignments (题块) ─────────────────────────────

  async assignments(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    return this.assignmentView(ctx.item.id);
  }

  private async assignmentView(itemId: number) {
    const rows = await this.ds.getRepository(MarkerAssignment).find({ where: { itemId }, order: { markerId: 'ASC' } });
    const users = rows.length ? await this.ds.getRepository(User).findBy({ id: In(rows.map((r) => r.markerId)) }) : [];
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
    await this.ds.transaction(async (m) => {
      const repo = m.getRepository(MarkerAssignment);
      const current = await repo.findBy({ itemId: ctx.item.id });
      const drop = current.filter((a) => !body.markerIds.includes(a.markerId)).map((a) => a.id);
      if (drop.length) await repo.delete({ id: In(drop) });
      const add = body.markerIds.filter((id) => !current.some((a) => a.markerId === id));
      if (add.length)
        await repo.insert(add.map((markerId) => ({ itemId: ctx.item.id, markerId, assignedBy: actor.userId })));
    });
    return this.assignmentView(ctx.item.id);
  }

  // ───────────────────────────── QC settings and reference answers ─────────────────────────────

  async qcSettings(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    return this.settingsView(ctx.item);
  }

  private async settingsView(item: Item) {
    const s = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
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
    await this.ds.getRepository(ItemQcSetting).upsert(row, ['itemId']);
    this.items.invalidate(ctx.item.id);
    return this.settingsView(ctx.item);
  }

  async references(actor: Actor, itemIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT r.id, r.kind, r.score, s.token FROM reference_answer r JOIN answer_snippet s ON s.id = r.snippet_id WHERE r.item_id = ? ORDER BY r.kind, r.id`,
      [ctx.item.id],
    );
    return {
      itemId: ctx.item.id,
      references: rows.map((r) => ({
        id: num(r.id),
        kind: String(r.kind),
        score: num(r.score),
        token: String(r.token),
        snippetUrl: `/api/marking/snippets/${String(r.token)}`,
      })),
    };
  }

  /** Sets (or changes) the definitive score of an answer of this item used as a trial answer or a seed. */
  async setReference(actor: Actor, itemIdRaw: unknown, body: ReferenceBody) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const snippet = await this.ds.getRepository(AnswerSnippet).findOneBy({ token: body.token });
    if (!snippet || snippet.itemId !== ctx.item.id) throw new BadRequestException('该答卷不属于本题');
    if (!isValidScore(body.score, ctx.item.maxScore, ctx.item.scoreStep)) {
      throw new BadRequestException(`标准分应为 0–${ctx.item.maxScore} 之间、步长 ${ctx.item.scoreStep} 的整数倍`);
    }
    // The definitive score is for quality control only: the answer's own final score still comes from its marks by the
    // rules (a marker never meets it both live and as a seed: next and the seed draw skip answers the marker has had).
    // Only when the lead asks for it, with a reason, does it become the final score: an audited lead decision.
    if (body.asFinal)
      await this.marking.arbitrate(actor, body.token, { score: body.score, reason: body.reason }, 'reference');
    await this.ds.getRepository(ReferenceAnswer).upsert(
      {
        itemId: ctx.item.id,
        snippetId: snippet.id,
        kind: body.kind as ReferenceKind,
        score: body.score,
        createdBy: actor.userId,
      },
      ['snippetId', 'kind'],
    );
    return this.references(actor, ctx.item.id);
  }

  // ───────────────────────────── marker standing ─────────────────────────────

  async approve(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.marking.setPhase(ctx.item.id, marker.id, MarkerPhase.Live, actor.userId);
    return this.standing(ctx.item.id, marker.id);
  }

  async suspend(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown, reason: string | null) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.marking.setSuspended(ctx.item.id, marker.id, true, reason ?? '学科组长暂停', actor.userId);
    return this.standing(ctx.item.id, marker.id);
  }

  async restore(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const marker = await this.markerOr400(ctx, markerIdRaw);
    await this.marking.setSuspended(ctx.item.id, marker.id, false, null, actor.userId);
    return this.standing(ctx.item.id, marker.id);
  }

  /** Re-queues every counting live mark of the marker on the item, for other markers to mark again. */
  async requeueAll(actor: Actor, itemIdRaw: unknown, markerIdRaw: unknown) {
    const ctx = await this.leadItem(actor, itemIdRaw);
    const markerId = requiredId(markerIdRaw, '阅卷教师编号');
    const live = await this.marking.liveMarksOf(markerId, ctx.item.id);
    const requeued = await this.marking.requeueEvents(
      live.map((e) => e.id),
      'requeue',
      actor.userId,
    );
    return { itemId: ctx.item.id, markerId, requeued };
  }

  private async standing(itemId: number, markerId: number) {
    const st = await this.ds.getRepository(MarkerItemState).findOneBy({ itemId, markerId });
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId });
    return {
      itemId,
      markerId,
      phase: st?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
      suspended: st?.suspended ?? false,
      reason: st?.reason ?? null,
    };
  }

  // ───────────────────────────── console ─────────────────────────────

  /** Everything the subject-lead console shows for one exam: items, markers, arbitration and problem queues. */
  async console(actor: Actor, examIdRaw: unknown) {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: requiredId(examIdRaw, '考试') });
    if (!exam) throw new NotFoundException('考试不存在');
    const leadOf = actor.isAdminOf(exam.allianceId)
      ? 'all'
      : [
          ...new Set(
            actor.grants
              .filter((g) => g.role === Role.SubjectLead && g.allianceId === exam.allianceId && g.subject)
              .map((g) => g.subject!),
          ),
        ];
    assertScope(leadOf === 'all' || leadOf.length > 0, '只有学科组长或管理员可以查看阅卷管理');
    const progress = await this.marking.progress(actor, exam.id);
    const items = progress.items.filter((i: { subject: string }) => leadOf === 'all' || leadOf.includes(i.subject));
    const queue = await this.marking.arbitrationQueue(actor, exam.id);
    const since = new Date(Date.now() - PACE_WINDOW_MINUTES * 60_000);
    const out = [];
    for (const it of items) {
      const itemId = it.itemId;
      const marks: StatsMark[] = (
        await this.ds.query(
          `SELECT e.marker_id, e.snippet_id, e.round, e.score, e.seconds_spent FROM mark_event e
           WHERE e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
             AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)`,
          [itemId],
        )
      ).map((r: Record<string, unknown>) => ({
        markerId: num(r.marker_id),
        snippetId: num(r.snippet_id),
        round: num(r.round),
        score: r.score === null ? null : num(r.score),
        secondsSpent: num(r.seconds_spent),
      }));
      const thirds = new Set<number>(
        (
          await this.ds.query(
            `SELECT DISTINCT snippet_id FROM marking_task WHERE item_id = ? AND kind = 'live' AND round = 3 AND status <> 'void'`,
            [itemId],
          )
        ).map((r: { snippet_id: number }) => num(r.snippet_id)),
      );
      const arbitrated = new Set<number>(
        (
          await this.ds.query(
            `SELECT DISTINCT snippet_id FROM marking_task WHERE item_id = ? AND round = ${ARBITRATION_ROUND}`,
            [itemId],
          )
        ).map((r: { snippet_id: number }) => num(r.snippet_id)),
      );
      const waiting = new Set(
        queue.snippets.filter((s) => s.itemId === itemId && s.state === 'need_arbitration').map((s) => s.token),
      );
      const waitingIds = waiting.size
        ? (await this.ds.getRepository(AnswerSnippet).findBy({ token: In([...waiting]) })).map((s) => s.id)
        : [];
      for (const id of waitingIds) arbitrated.add(id);
      const outcomes = new Map<number, { third: boolean; arbitration: boolean }>();
      for (const mk of marks)
        outcomes.set(mk.snippetId, { third: thirds.has(mk.snippetId), arbitration: arbitrated.has(mk.snippetId) });
      const qcRows: { marker_id: number; kind: string; agreed: number | null }[] = await this.ds.query(
        `SELECT e.marker_id, e.kind, e.agreed FROM mark_event e WHERE e.item_id = ? AND e.kind IN ('seed', 'self', 'trial')
           AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id) ORDER BY e.id`,
        [itemId],
      );
      const qc = new Map<number, { seeds: boolean[]; selfChecks: boolean[] }>();
      const trials = new Map<number, boolean[]>();
      for (const r of qcRows) {
        const id = num(r.marker_id);
        if (r.kind === 'trial') {
          trials.set(id, [...(trials.get(id) ?? []), num(r.agreed) === 1]);
          continue;
        }
        const q = qc.get(id) ?? { seeds: [], selfChecks: [] };
        (r.kind === 'seed' ? q.seeds : q.selfChecks).push(num(r.agreed) === 1);
        qc.set(id, q);
      }
      const states = await this.ds.getRepository(MarkerItemState).findBy({ itemId });
      const assigned = await this.ds.getRepository(MarkerAssignment).findBy({ itemId });
      for (const id of [...states.map((s) => s.markerId), ...assigned.map((a) => a.markerId), ...trials.keys()])
        if (!qc.has(id)) qc.set(id, { seeds: [], selfChecks: [] });
      const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId });
      const trialRefs = await this.ds.getRepository(ReferenceAnswer).countBy({ itemId, kind: ReferenceKind.Trial });
      const figures = markerFigures(marks, outcomes, qc);
      const users = figures.length
        ? await this.ds.getRepository(User).findBy({ id: In(figures.map((f) => f.markerId)) })
        : [];
      const [recent] = await this.ds.query(
        `SELECT COUNT(*) AS n FROM mark_event WHERE item_id = ? AND kind = 'live' AND created_at >= ?`,
        [itemId, since],
      );
      const open = it.tasks.pending + it.tasks.leased;
      out.push({
        ...it,
        openTasks: open,
        marksLastWindow: num(recent.n),
        paceWindowMinutes: PACE_WINDOW_MINUTES,
        minutesLeft: estimateMinutesLeft(open, num(recent.n), PACE_WINDOW_MINUTES),
        markers: figures.map((f) => {
          const st = states.find((s) => s.markerId === f.markerId);
          const t = trials.get(f.markerId) ?? [];
          return {
            ...f,
            displayName: users.find((u) => u.id === f.markerId)?.displayName ?? '',
            assigned: assigned.some((a) => a.markerId === f.markerId),
            phase: st?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
            suspended: st?.suspended ?? false,
            reason: st?.reason ?? null,
            trial: {
              marked: t.length,
              agreed: t.filter(Boolean).length,
              references: trialRefs,
              verdict: trialVerdict(t, trialRefs, setting?.trialPassRate ?? null),
            },
          };
        }),
      });
    }
    const inScope = new Set(items.map((i: { itemId: number }) => i.itemId));
    return {
      examId: exam.id,
      examName: exam.name,
      items: out,
      arbitration: queue.snippets.filter((s) => inScope.has(s.itemId) && s.state === 'need_arbitration'),
      problems: queue.snippets.filter((s) => inScope.has(s.itemId) && s.state === 'problem'),
    };
  }
}
