// Quality control on the marker's side (DESIGN.md §4): what stands between a marker and live answers (suspension,
// trial marking, the daily cap), the seeds and self re-marks mixed into live marking, whether a QC mark agreed, and
// what follows one (automatic suspension, automatic trial pass).
import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import type { Item } from '../exams/entities/item.entity.js';
import type { Assignment, LeasedTask } from './domain/leasing.js';
import { agrees, capReached, drawQc, marksToRequeue, shouldSuspend, trialVerdict } from './domain/quality-control.js';
import type { SubmitMarkBody } from './dto/marking.dto.js';
import { TaskKind } from './entities/marking-task.entity.js';
import { type ItemQcSetting, MarkerPhase, ReferenceKind } from './entities/qc.entities.js';
import type { ItemFacts } from './item-facts.cache.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkerItemStateRepository } from './marker-item-state.repository.js';
import { MarkerStandingService } from './marker-standing.service.js';
import { MarkingTaskRepository } from './marking-task.repository.js';
import { QcRandom } from './qc-random.js';
import { ReferenceAnswerRepository } from './reference-answer.repository.js';
import { RequeueService } from './requeue.service.js';

/** 自评: an answer comes back only after the marker has marked at least this many others since. */
export const SELF_REMARK_GAP = 3;

const num = (v: unknown) => Number(v ?? 0);
/** Raw SQL: DECIMAL columns come back as strings, parsed here as the entities' transformer does. */
const dec = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** Where a QC task goes: the answer, its item and exam. */
interface QcAt {
  snippet_id: number;
  item_id: number;
  exam_id: number;
}

@Injectable()
export class QualityControlService {
  constructor(
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(ReferenceAnswerRepository) private readonly references: ReferenceAnswerRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(MarkerItemStateRepository) private readonly states: MarkerItemStateRepository,
    @Inject(MarkerStandingService) private readonly standing: MarkerStandingService,
    @Inject(RequeueService) private readonly requeue: RequeueService,
    @Inject(QcRandom) private readonly random: QcRandom,
  ) {}

  /**
   * What stands between this marker and live answers, item by item: suspended, still in trial, or the daily cap
   * reached (blocked); and the items whose trial answers are due.
   */
  async gate(tx: Tx, me: number, eligible: Assignment[], facts: Map<number, ItemFacts>, now: Date) {
    const blocked = new Set<number>();
    const trial: number[] = [];
    const capped: { itemId: number; cap: number }[] = [];
    for (const a of eligible) {
      const itemId = num(a.item_id);
      const qc = facts.get(itemId)?.qc;
      const suspended = num(a.suspended) === 1;
      if (suspended) blocked.add(itemId);
      if (qc?.trialRequired && a.phase !== MarkerPhase.Live) {
        blocked.add(itemId);
        if (!suspended) trial.push(itemId);
      }
      if (qc && qc.dailyCap !== null) capped.push({ itemId, cap: qc.dailyCap });
    }
    if (capped.length) {
      const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate());
      const counts = await this.events.markedToday(
        tx,
        me,
        capped.map((c) => c.itemId),
        dayStart,
      );
      const byItem = new Map(counts.map((c) => [num(c.item_id), num(c.n)]));
      for (const c of capped) if (capReached(byItem.get(c.itemId) ?? 0, c.cap)) blocked.add(c.itemId);
    }
    return { blocked, trial };
  }

  /** 试评: the marker's next trial answer of these items, leased to them; null when every one is done. */
  async trialTask(tx: Tx, me: number, itemIds: number[], expires: Date): Promise<LeasedTask | null> {
    const trials = await this.references.nextTrial(tx, itemIds, me);
    return trials.length ? this.leaseQcTask(tx, TaskKind.Trial, me, trials[0], expires, null) : null;
  }

  /** A seed or a self re-mark to hand out instead of a live answer of this item, by the item's rates; or null. */
  async draw(tx: Tx, me: number, itemId: number, setting: ItemQcSetting | null) {
    if (!setting || (setting.seedRate <= 0 && setting.selfRate <= 0)) return null;
    const r = this.random.next();
    const want = drawQc(r, setting, { seed: true, self: true });
    if (want === 'live') return null;
    if (want === 'seed') {
      const seeds = await this.references.seedCandidates(tx, itemId, me);
      if (!seeds.length) return null;
      const pick = seeds[Math.floor(this.random.next() * seeds.length) % seeds.length];
      return { kind: TaskKind.Seed, snippetId: num(pick.snippet_id), refEventId: null };
    }
    // 自评: one of the marker's own earlier live marks comes back, never one of the last few (it must be "later").
    const own = await this.events.selfCandidates(tx, me, itemId);
    const older = own.slice(SELF_REMARK_GAP);
    if (!older.length) return null;
    const pick = older[Math.floor(this.random.next() * older.length) % older.length];
    return { kind: TaskKind.Self, snippetId: num(pick.snippet_id), refEventId: num(pick.id) };
  }

  /** A QC task for this marker on the answer, leased to them at once. */
  async leaseQcTask(
    tx: Tx,
    kind: TaskKind,
    me: number,
    at: QcAt,
    expires: Date,
    refEventId: number | null,
  ): Promise<LeasedTask> {
    const { exam_id, item_id, snippet_id } = at;
    const ins = await this.tasks.insertQcTask(
      tx,
      kind,
      me,
      num(exam_id),
      num(item_id),
      num(snippet_id),
      expires,
      refEventId,
    );
    return { id: num(ins.insertId), item_id: num(item_id), snippet_id: num(snippet_id), lease_expires_at: expires };
  }

  /** Trial and seed marks against the lead's definitive score; a self re-mark against the marker's own earlier mark. */
  async agreement(
    tx: Tx,
    task: { kind: string; snippetId: number; refEventId: number | null },
    item: Item,
    body: SubmitMarkBody,
  ): Promise<boolean> {
    const score = body.score ?? null;
    if (task.kind === TaskKind.Self) {
      const [earlier] = task.refEventId ? await this.events.scoreOf(tx, task.refEventId) : [];
      if (!earlier) return false;
      const earlierScore = dec(earlier.score);
      if (earlierScore === null || score === null)
        return (earlier.problem ?? null) === (body.problem ?? null) && earlierScore === score;
      return agrees(score, earlierScore, item.tolerance);
    }
    const kind = task.kind === TaskKind.Trial ? ReferenceKind.Trial : ReferenceKind.Seed;
    const [ref] = await this.references.definitiveScore(tx, task.snippetId, kind);
    if (!ref) return false;
    const [setting] = await this.settings.seedTolerance(tx, item.id);
    return agrees(score, dec(ref.score)!, dec(setting?.seed_tolerance) ?? item.tolerance);
  }

  /** After a seed: K misses within the window suspend the marker and re-queue their live marks since the last good seed. */
  async afterSeed(me: number, item: Item): Promise<void> {
    const setting = await this.settings.find(item.id);
    if (!setting) return;
    const state = await this.states.find(item.id, me);
    if (state?.suspended) return;
    // After the lead restores a marker, only the seeds marked since count: the misses that suspended them are settled.
    const seeds = (await this.events.qcOutcomes(me, item.id, 'seed')).filter(
      (e) => !state?.restoredAfter || e.id > state.restoredAfter,
    );
    const rule = { misses: setting.seedMisses, window: setting.seedWindow };
    if (
      !shouldSuspend(
        seeds.map((e) => e.agreed),
        rule,
      )
    )
      return;
    const misses = seeds.slice(-setting.seedWindow).filter((e) => !e.agreed).length;
    const shown = Math.min(seeds.length, setting.seedWindow);
    await this.standing.setSuspended(
      item.id,
      me,
      true,
      `测评卷最近 ${shown} 份中有 ${misses} 份超出误差，自动暂停`,
      null,
    );
    const live = await this.events.liveOf(me, item.id);
    await this.requeue.requeueEvents(marksToRequeue(live, seeds), 'suspended', null);
  }

  /** After a trial answer: every trial answer marked → automatic pass when the lead set a pass rate and it is met. */
  async afterTrial(me: number, item: Item): Promise<void> {
    const setting = await this.settings.find(item.id);
    const refs = await this.references.countTrials(item.id);
    const outcomes = (await this.events.qcOutcomes(me, item.id, 'trial')).map((e) => e.agreed);
    if (trialVerdict(outcomes, refs, setting?.trialPassRate ?? null) === 'pass')
      await this.standing.setPhase(item.id, me, MarkerPhase.Live, null);
  }
}
