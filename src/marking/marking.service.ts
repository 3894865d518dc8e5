import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  StreamableFile,
} from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../common/role.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Actor, assertScope } from '../common/actor.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { Pipeline } from '../queue/pipeline.js';
import { FinalItemScore, ScoreSource } from './entities/final-item-score.entity.js';
import { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';
import { BlobStore } from '../storage/blob-store.js';
import { type Sql, SqlPool, type SqlTx, writeLater } from '../database/sql-pool.js';
import { agrees, capReached, drawQc, marksToRequeue, shouldSuspend, trialVerdict } from './domain/quality-control.js';
import { isValidScore, MarkInput, MarkingRule, resolveFinalScore, Resolution } from './domain/resolve-final-score.js';
import {
  ArbitrateBody,
  NextTaskBody,
  NextTaskResponse,
  requiredId,
  SubmitMarkBody,
  SubmitMarkResponse,
} from './dto/marking.dto.js';
import { MarkEvent } from './entities/mark-event.entity.js';
import { MarkingTask, TaskKind, TaskStatus } from './entities/marking-task.entity.js';
import {
  ItemQcSetting,
  MarkerItemState,
  MarkerPhase,
  MarkSupersession,
  ReferenceAnswer,
  ReferenceKind,
} from './entities/qc.entities.js';
import { QcRandom } from './qc-random.js';
import { type ItemFacts, ItemFactsCache } from './item-facts.cache.js';

/** A lease is how long a marker may hold a task before it goes back to the pool. */
export const LEASE_MINUTES = 10;
/**
 * The subject lead's arbitration is recorded like any mark: an immutable MarkEvent on a task of this round
 * (created already done, so it is never handed out). Rounds 1–3 are markers' rounds.
 */
export const ARBITRATION_ROUND = 9;
/** 自评: an answer comes back only after the marker has marked at least this many others since. */
export const SELF_REMARK_GAP = 3;
/** 回评: how many of the marker's last marks are listed when the item sets nothing. */
export const DEFAULT_REVIEW_SIZE = 10;
/** How many task → snippet pairs of leased tasks one API process remembers (the oldest are forgotten first). */
const TASK_SNIPPETS_MAX = 100_000;

/** Whether any live task of an exam is still open (nearly always, during marking): then it cannot be complete. */
const EXAM_OPEN_SQL = `SELECT 1 FROM marking_task WHERE exam_id = ? AND status IN ('pending', 'leased') AND kind = 'live' LIMIT 1`;

/** A marking_task row as the hot path reads it (raw SQL: numbers may come back as strings). */
interface TaskRow {
  id: number;
  item_id?: number;
  exam_id?: number;
  snippet_id?: number;
  round: number;
  status: string;
  kind: string;
  leased_by?: number | null;
  attempt: number;
  ref_event_id?: number | null;
}

/** A task just leased (or already held): enough to show it. */
interface LeasedTask {
  id: number;
  item_id: number;
  snippet_id: number;
  lease_expires_at: Date;
  /** The snippet's token when the lease read it already. */
  token?: string;
}

interface SnippetContext {
  snippet: AnswerSnippet;
  item: Item;
  paper: Paper;
  exam: Exam;
}

const num = (v: unknown) => Number(v ?? 0);
const isDupEntry = (e: unknown) => {
  const err = e as { code?: string; driverError?: { code?: string } };
  return err?.code === 'ER_DUP_ENTRY' || err?.driverError?.code === 'ER_DUP_ENTRY';
};

@Injectable()
export class MarkingService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(QcRandom) private readonly random: QcRandom,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  /** The clock, in one place (tests move leases by editing rows, not the clock). */
  protected now(): Date {
    return new Date();
  }

  // ───────────────────────────── leasing ─────────────────────────────

  async next(actor: Actor, body: NextTaskBody): Promise<NextTaskResponse | null> {
    const grants = actor.grants.filter((g) => g.role === Role.Marker);
    assertScope(grants.length > 0, '您不是阅卷教师');
    const me = actor.userId;
    const now = this.now();
    const expires = new Date(now.getTime() + LEASE_MINUTES * 60_000);

    // On the hot path's pool: its sessions are READ COMMITTED (SqlPool), the level every marking transaction uses.
    // Statements that need not wait for each other's answers share a round trip (later): on this machine a statement's
    // own cost is often smaller than its round trip's.
    const lease = () =>
      this.sql.transaction(
        async (
          m,
        ): Promise<{ task: LeasedTask | null; facts: Map<number, ItemFacts>; live: number[] } | 'unassigned'> => {
          // 题块: a marker marks only the items it is assigned to; with no assignment it gets nothing. One read gives the
          // assignments and the marker's standing on each (suspended, trial or live).
          let assigned: { item_id: number; phase: string | null; suspended: number | null }[] = [];
          m.later(
            'SELECT a.item_id, s.phase, s.suspended FROM marker_assignment a LEFT JOIN marker_item_state s ON s.item_id = a.item_id AND s.marker_id = a.marker_id WHERE a.marker_id = ?',
            [me],
            (rows) => (assigned = rows),
          );
          // Locking the marker's user row serialises one marker's concurrent calls (a prefetch racing a reload), so one
          // person never leases two rounds of the same snippet; different markers do not wait for each other here. The
          // same statement reads every task the marker holds (a QC task stays theirs past the lease, so a trial answer is
          // never lost), whatever its item: filtered below, and their snippets are the ones this marker may not be given
          // another round of. (Filtering by item here made MariaDB weigh every item index: 3× the statement's CPU.)
          const mine: {
            id: number | null;
            item_id: number;
            snippet_id: number;
            lease_expires_at: Date;
            qc_for: number;
          }[] = await m.query(
            `SELECT t.id, t.item_id, t.snippet_id, t.lease_expires_at, t.qc_for FROM \`user\` u
         LEFT JOIN marking_task t FORCE INDEX (idx_marking_task_leased_by) ON t.leased_by = u.id AND t.status = 'leased'
         WHERE u.id = ? FOR UPDATE`,
            [me],
          );
          const facts = await this.items.get(assigned.map((a) => num(a.item_id)));
          // Scope is checked again on every call (a revoked grant takes effect at once): the item's alliance and subject.
          const eligible = assigned.filter((a) => {
            const f = facts.get(num(a.item_id));
            return (
              f !== undefined &&
              actor.isMarkerIn(f.exam.allianceId, f.paper.subject) &&
              (body.examId === undefined || f.exam.id === body.examId) &&
              (body.itemId === undefined || f.item.id === body.itemId)
            );
          });
          if (!eligible.length) return 'unassigned';
          const itemIds = eligible.map((a) => num(a.item_id));
          const gate = await this.markerGate(m, me, eligible, facts, now);
          const live = itemIds.filter((id) => !gate.blocked.has(id));
          const result = (task: LeasedTask | null) => {
            // The snippet's token rides with the COMMIT when the lease did not read it.
            if (task && task.token === undefined)
              m.later(
                'SELECT token FROM answer_snippet WHERE id = ?',
                [task.snippet_id],
                (rows: { token: string }[]) => (task.token = rows[0]?.token),
              );
            return { task, facts, live };
          };

          const eligibleIds = new Set(itemIds);
          const held = mine
            .filter(
              (t) =>
                t.id !== null &&
                eligibleIds.has(num(t.item_id)) &&
                num(t.id) !== body.exceptTaskId &&
                (new Date(t.lease_expires_at).getTime() > now.getTime() || num(t.qc_for) === me),
            )
            .sort((x, y) => num(x.id) - num(y.id))[0];
          if (held)
            return result({
              id: num(held.id),
              item_id: num(held.item_id),
              snippet_id: num(held.snippet_id),
              lease_expires_at: held.lease_expires_at,
            });
          // Answers of which this marker holds a round (leased, lapsed or not): never a second round of one of them.
          const heldSnippets = mine.filter((t) => t.id !== null).map((t) => num(t.snippet_id));
          const heldIds = mine.filter((t) => t.id !== null).map((t) => num(t.id));

          // 试评 first: a marker in trial on an item gets its trial answers, one each, before any live answer of it.
          if (gate.trial.length) {
            const trials: { snippet_id: number; item_id: number; exam_id: number }[] = await m.query(
              `SELECT r.snippet_id, r.item_id, s.exam_id FROM reference_answer r JOIN answer_snippet s ON s.id = r.snippet_id
           WHERE r.kind = 'trial' AND r.item_id IN (?)
             AND NOT EXISTS (SELECT 1 FROM marking_task q WHERE q.snippet_id = r.snippet_id AND q.kind = 'trial' AND q.qc_for = ?)
           ORDER BY r.item_id, r.id LIMIT 1`,
              [gate.trial, me],
            );
            if (trials.length) return result(await this.insertQcTask(m, TaskKind.Trial, me, trials[0], expires, null));
          }

          // Live answers, one item after another from a random start (markers of several items spread over them). Each
          // probe walks one index from its start and locks the first free row: lapsed leases by expiry, then the pool in
          // shuffle order. A row another marker is leasing right now is skipped, not waited for; one this marker has
          // marked, or whose other round it holds, is passed over.
          const start = live.length > 1 ? randomInt(0, live.length) : 0;
          // "Not marked by me" is a scalar count, not NOT EXISTS: MariaDB turns that NOT EXISTS into NOT IN over a
          // materialised subquery that reads the whole mark_event index (every mark of every marker) on each call; the
          // count is one index lookup per candidate row.
          const notMarked = (t: string) =>
            `(SELECT COUNT(*) FROM mark_event e FORCE INDEX (idx_mark_event_snippet_marker) WHERE e.snippet_id = ${t}.snippet_id AND e.marker_id = ?) = 0`;
          const notHeld = heldSnippets.length ? heldSnippets : [0];
          for (let k = 0; k < live.length; k++) {
            const itemId = live[(start + k) % live.length];
            // Lapsed leases are rare: read without locking (a locking range scan would also lock the first pending row
            // after the range, which the leasing UPDATE of another marker needs: a deadlock), then lock the row itself; the
            // read rides with the pool's, whose row is then left unused (locked until the commit, skipped by others).
            // The probe reads the lease index only (no per-row subquery: most calls find nothing, and planning one cost
            // more than the probe); whether this marker marked the answer is asked when a row is locked.
            let lapsed: { id: number }[] = [];
            m.later(
              `SELECT t.id FROM marking_task t FORCE INDEX (idx_marking_task_item_lease)
           WHERE t.item_id = ? AND t.status = 'leased' AND t.lease_expires_at <= ? AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
             AND (t.snippet_id NOT IN (?) OR t.id IN (?))
           ORDER BY t.lease_expires_at LIMIT 20`,
              [itemId, now, notHeld, heldIds.length ? heldIds : [0]],
              (r) => (lapsed = r),
            );
            // (Not joined with answer_snippet for the token: that would lock the snippet's row as well, and another
            // round of an answer being leased by someone else would look taken, a 204 at the end of a pool.)
            // "Not marked by me" as an anti-join here (a third less of MariaDB's CPU than the scalar count): it locks
            // nothing of anyone else (only this marker's own marks are read), and this marker's mark still being written
            // by a submit cannot be skipped as locked: that submit holds the answer's tasks, which the read of the marker's
            // own tasks above waited for.
            let rows: { id: number; snippet_id: number; exam_id: number }[] = await m.query(
              `SELECT STRAIGHT_JOIN t.id, t.snippet_id, t.exam_id FROM marking_task t FORCE INDEX (idx_marking_task_item_pool)
           LEFT JOIN mark_event e FORCE INDEX (idx_mark_event_snippet_marker) ON e.snippet_id = t.snippet_id AND e.marker_id = ?
           WHERE t.item_id = ? AND t.status = 'pending' AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND} AND t.snippet_id NOT IN (?) AND e.id IS NULL
           ORDER BY t.shuffle_key, t.id LIMIT 1 FOR UPDATE SKIP LOCKED`,
              [me, itemId, notHeld],
            );
            for (const l of lapsed) {
              const got: typeof rows = await m.query(
                `SELECT id, snippet_id, exam_id FROM marking_task t WHERE id = ? AND status = 'leased' AND lease_expires_at <= ? AND ${notMarked('t')} FOR UPDATE SKIP LOCKED`,
                [l.id, now, me],
              );
              if (got.length) {
                rows = got;
                break;
              }
            }
            if (!rows.length) continue;
            const c = rows[0];
            // Seeds and self re-marking are mixed in here, in place of this live answer, looking exactly like one.
            const qc = await this.drawQcTask(m, me, itemId, facts.get(itemId)!.qc);
            if (qc)
              return result(
                await this.insertQcTask(
                  m,
                  qc.kind,
                  me,
                  { snippet_id: qc.snippetId, item_id: itemId, exam_id: num(c.exam_id) },
                  expires,
                  qc.refEventId,
                ),
              );
            // Sent with the COMMIT (one round trip): nothing here reads its result.
            m.later(`UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE id = ?`, [
              me,
              expires,
              c.id,
            ]);
            return result({ id: num(c.id), item_id: itemId, snippet_id: num(c.snippet_id), lease_expires_at: expires });
          }
          return result(null);
        },
      );
    // SKIP LOCKED hides a task that someone is leasing or submitting at this instant (a submit locks every round of
    // its answer). At the end of a pool that would be a 204 while work is left: look again, without locks, first.
    let leased = await lease();
    if (leased === 'unassigned') {
      await this.checkNextFilters(actor, body);
      return null;
    }
    for (let retry = 0; leased.task === null && retry < 5 && (await this.anyLeft(me, leased.live)); retry++) {
      await new Promise((r) => setTimeout(r, 20 * (retry + 1)));
      const again = await lease();
      if (again === 'unassigned') return null;
      leased = again;
    }
    const task = leased.task;
    if (task === null) return null;
    this.rememberSnippet(num(task.id), num(task.snippet_id));
    return this.taskView(task, leased.facts.get(num(task.item_id))!);
  }

  /** Task → snippet of tasks this process leased (immutable facts), so a submit need not look it up. Bounded. */
  private readonly taskSnippets = new Map<number, number>();

  private rememberSnippet(taskId: number, snippetId: number): void {
    if (this.taskSnippets.size >= TASK_SNIPPETS_MAX) this.taskSnippets.delete(this.taskSnippets.keys().next().value!);
    this.taskSnippets.set(taskId, snippetId);
  }

  /** Whether any pending task of these items is one this marker could take, ignoring row locks (no locks taken). */
  private async anyLeft(me: number, itemIds: number[]): Promise<boolean> {
    if (!itemIds.length) return false;
    const rows = await this.sql.query(
      `SELECT 1 FROM marking_task t WHERE t.item_id IN (?) AND t.status = 'pending' AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
         AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = t.snippet_id AND o.id <> t.id AND o.leased_by = ? AND o.status = 'leased')
         AND (SELECT COUNT(*) FROM mark_event e FORCE INDEX (idx_mark_event_snippet_marker) WHERE e.snippet_id = t.snippet_id AND e.marker_id = ?) = 0 LIMIT 1`,
      [itemIds, me, me],
    );
    return rows.length > 0;
  }

  /** With nothing assigned that matches: an unknown exam or item is a 404, one outside the caller's scope a 403. */
  private async checkNextFilters(actor: Actor, body: NextTaskBody): Promise<void> {
    if (body.examId !== undefined) {
      const exam = await this.ds.getRepository(Exam).findOneBy({ id: body.examId });
      if (!exam) throw new NotFoundException('考试不存在');
      assertScope(actor.isMarkerIn(exam.allianceId), '您不是该考试的阅卷教师');
    }
    if (body.itemId !== undefined) {
      const f = await this.items.one(body.itemId);
      if (!f) throw new NotFoundException('题目不存在');
      assertScope(actor.isMarkerIn(f.exam.allianceId, f.paper.subject), '您没有该题的阅卷权限');
    }
  }

  /**
   * What stands between this marker and live answers, item by item: suspended, still in trial, or the daily cap
   * reached (blocked); and the items whose trial answers are due.
   */
  private async markerGate(
    m: Sql,
    me: number,
    eligible: { item_id: number; phase: string | null; suspended: number | null }[],
    facts: Map<number, ItemFacts>,
    now: Date,
  ) {
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
      const counts: { item_id: number; n: number }[] = await m.query(
        'SELECT item_id, COUNT(*) AS n FROM mark_event WHERE marker_id = ? AND item_id IN (?) AND created_at >= ? GROUP BY item_id',
        [me, capped.map((c) => c.itemId), dayStart],
      );
      const byItem = new Map(counts.map((c) => [num(c.item_id), num(c.n)]));
      for (const c of capped) if (capReached(byItem.get(c.itemId) ?? 0, c.cap)) blocked.add(c.itemId);
    }
    return { blocked, trial };
  }

  /** A seed or a self re-mark to hand out instead of a live answer of this item, by the item's rates; or null. */
  private async drawQcTask(m: Sql, me: number, itemId: number, setting: ItemQcSetting | null) {
    if (!setting || (setting.seedRate <= 0 && setting.selfRate <= 0)) return null;
    const r = this.random.next();
    const want = drawQc(r, setting, { seed: true, self: true });
    if (want === 'live') return null;
    if (want === 'seed') {
      const seeds: { snippet_id: number }[] = await m.query(
        `SELECT r.snippet_id FROM reference_answer r
         WHERE r.kind = 'seed' AND r.item_id = ?
           AND NOT EXISTS (SELECT 1 FROM mark_event e WHERE e.snippet_id = r.snippet_id AND e.marker_id = ?)
           AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = r.snippet_id AND (o.qc_for = ? OR (o.leased_by = ? AND o.status = 'leased')))
         ORDER BY r.id LIMIT 200`,
        [itemId, me, me, me],
      );
      if (!seeds.length) return null;
      const pick = seeds[Math.floor(this.random.next() * seeds.length) % seeds.length];
      return { kind: TaskKind.Seed, snippetId: num(pick.snippet_id), refEventId: null };
    }
    // 自评: one of the marker's own earlier live marks comes back, never one of the last few (it must be "later").
    const own: { id: number; snippet_id: number }[] = await m.query(
      `SELECT e.id, e.snippet_id FROM mark_event e
       WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
         AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = e.snippet_id AND o.kind = 'self' AND o.qc_for = ?)
       ORDER BY e.id DESC LIMIT 200`,
      [me, itemId, me],
    );
    const older = own.slice(SELF_REMARK_GAP);
    if (!older.length) return null;
    const pick = older[Math.floor(this.random.next() * older.length) % older.length];
    return { kind: TaskKind.Self, snippetId: num(pick.snippet_id), refEventId: num(pick.id) };
  }

  private async insertQcTask(
    m: Sql,
    kind: TaskKind,
    me: number,
    at: { snippet_id: number; item_id: number; exam_id: number },
    expires: Date,
    refEventId: number | null,
  ): Promise<LeasedTask> {
    const ins = await m.query(
      `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, leased_by, lease_expires_at, shuffle_key, kind, qc_for, attempt, ref_event_id)
       VALUES (?, ?, ?, 0, 'leased', ?, ?, 0, ?, ?, 0, ?)`,
      [num(at.exam_id), num(at.item_id), num(at.snippet_id), me, expires, kind, me, refEventId],
    );
    return {
      id: num(ins.insertId),
      item_id: num(at.item_id),
      snippet_id: num(at.snippet_id),
      lease_expires_at: expires,
    };
  }

  private async taskView(task: LeasedTask, f: ItemFacts): Promise<NextTaskResponse> {
    const [snippet]: { token: string }[] = task.token
      ? [{ token: task.token }]
      : await this.sql.query('SELECT token FROM answer_snippet WHERE id = ?', [task.snippet_id]);
    // Blind marking: nothing here names the student, the school, the class or the other markers.
    return {
      taskId: num(task.id),
      examId: f.exam.id,
      itemId: f.item.id,
      itemLabel: f.item.label,
      maxScore: f.item.maxScore,
      scoreStep: f.item.scoreStep,
      snippetUrl: `/api/marking/snippets/${snippet.token}`,
      leaseExpiresAt: new Date(task.lease_expires_at).toISOString(),
    };
  }

  // ───────────────────────────── snippet images ─────────────────────────────

  async snippetImage(actor: Actor, token: string): Promise<StreamableFile> {
    const ctx = await this.snippetContext(token);
    const me = actor.userId;
    let allowed = actor.isSubjectLeadOf(ctx.exam.allianceId, ctx.paper.subject);
    if (!allowed && actor.isMarkerIn(ctx.exam.allianceId, ctx.paper.subject)) {
      // A marker sees a snippet only while holding its task, or after marking it (to review own marks).
      const rows = await this.ds.query(
        `SELECT 1 AS ok FROM marking_task WHERE snippet_id = ? AND leased_by = ? AND status = 'leased' AND lease_expires_at > ?
         UNION ALL SELECT 1 FROM mark_event WHERE snippet_id = ? AND marker_id = ? LIMIT 1`,
        [ctx.snippet.id, me, new Date(), ctx.snippet.id, me],
      );
      allowed = rows.length > 0;
    }
    assertScope(allowed, '您无权查看该答卷');
    let data: Buffer;
    try {
      data = await this.blobs.get(ctx.snippet.blobKey);
    } catch {
      throw new NotFoundException('答卷图片缺失，请联系扫描员');
    }
    return new StreamableFile(data, { type: imageType(data), length: data.length });
  }

  private async snippetContext(token: string): Promise<SnippetContext> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(token)) throw new NotFoundException('答卷不存在');
    const snippet = await this.ds.getRepository(AnswerSnippet).findOneBy({ token });
    if (!snippet) throw new NotFoundException('答卷不存在');
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: snippet.itemId });
    const paper = await this.ds.getRepository(Paper).findOneByOrFail({ id: item.paperId });
    const exam = await this.ds.getRepository(Exam).findOneByOrFail({ id: snippet.examId });
    return { snippet, item, paper, exam };
  }

  // ───────────────────────────── submitting ─────────────────────────────

  async submit(actor: Actor, taskIdRaw: unknown, body: SubmitMarkBody): Promise<SubmitMarkResponse> {
    const taskId = requiredId(taskIdRaw, '任务编号');
    const me = actor.userId;
    let result:
      | {
          event: SubmitMarkResponse;
          added: { eventId: number };
          task: TaskRow;
          facts: ItemFacts;
          resolution: Resolution | null;
          examOpen: () => boolean;
        }
      | { duplicateId: number };
    try {
      result = await this.sql.transaction(async (m) => {
        // Lock every task of the snippet: submits of round 1 and round 2 of one answer are serialised,
        // so whichever comes second sees both marks and resolves the final score.
        // (Two statements: locking through a join would lock this task's row first, out of the snippet's order.) Every
        // statement that locks a snippet's tasks walks the same index, uq_marking_task_slot (snippet first), so they lock
        // in one order; without the hint, stale statistics make MariaDB walk the primary key (ORDER BY id): the whole
        // table read, and every row locked by someone else waited for, on each submit.
        // Which snippet a task is of never changes: this process remembers it for the tasks it leased.
        const known = this.taskSnippets.get(taskId);
        const [of]: { snippet_id: number }[] =
          known !== undefined
            ? [{ snippet_id: known }]
            : await m.query('SELECT snippet_id FROM marking_task WHERE id = ?', [taskId]);
        if (!of) throw new NotFoundException('阅卷任务不存在');
        const locked: TaskRow[] = await m.query(
          `SELECT id, item_id, exam_id, snippet_id, round, status, kind, leased_by, attempt, ref_event_id FROM marking_task FORCE INDEX (uq_marking_task_slot)
           WHERE snippet_id = ? ORDER BY id FOR UPDATE`,
          [of.snippet_id],
        );
        const task = locked.find((r) => num(r.id) === taskId);
        if (!task || num(task.round) >= ARBITRATION_ROUND) throw new NotFoundException('阅卷任务不存在');
        // (A miss is read on TypeORM's pool, not this pool: holding this connection never waits for a second one of it.)
        const facts = await this.items.one(num(task.item_id));
        if (!facts) throw new NotFoundException('阅卷任务不存在');
        const item = facts.item;
        if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep)) {
          throw new BadRequestException(`分数应为 0–${fmt(item.maxScore)} 之间、步长 ${fmt(item.scoreStep)} 的整数倍`);
        }
        if (task.status !== TaskStatus.Leased || num(task.leased_by) !== me) {
          // A repeated submit (flaky network, double Enter) gets the first answer back and writes nothing.
          const [same]: { id: number }[] = await m.query('SELECT id FROM mark_event WHERE client_id = ?', [
            body.clientId,
          ]);
          if (same) return { duplicateId: num(same.id) };
          // An expired lease that nobody else has taken is still honoured (status stays leased): the work was done.
          if (task.status === TaskStatus.Done && num(task.leased_by) === me)
            throw new ConflictException('该题已提交过评分');
          throw new ConflictException('该任务已不在您名下（可能已超时被收回），请领取新任务');
        }
        const kind = task.kind as TaskKind;
        const refEventId = task.ref_event_id === null ? null : num(task.ref_event_id);
        const agreed =
          kind === TaskKind.Live
            ? null
            : await this.qcAgreement(m, { kind, snippetId: num(task.snippet_id), refEventId }, item, body);
        // The task is done, and the mark inserted: both ride with the next statement (the answer's marks, when this
        // mark may settle it) or the COMMIT (the update first; both or neither commit). A clientId used before makes
        // the insert fail on its unique key: handled below, nothing is written.
        m.later(`UPDATE marking_task SET status = 'done', lease_expires_at = NULL WHERE id = ?`, [taskId]);
        const added = {
          taskId,
          round: num(task.round),
          score: body.score ?? null,
          problem: body.problem ?? null,
          markerId: me,
          eventId: 0,
        };
        m.later(
          `INSERT INTO mark_event (exam_id, task_id, snippet_id, item_id, marker_id, round, score, problem, seconds_spent, client_id, kind, ref_event_id, agreed)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            num(task.exam_id),
            taskId,
            num(task.snippet_id),
            item.id,
            me,
            num(task.round),
            body.score ?? null,
            body.problem ?? null,
            body.secondsSpent ?? 0,
            body.clientId,
            kind,
            refEventId,
            agreed,
          ],
          (ok: { insertId: number }) => (added.eventId = num(ok.insertId)),
        );
        task.status = TaskStatus.Done;
        const resolution =
          kind === TaskKind.Live
            ? await this.resolveSnippet(m, num(task.snippet_id), { tasks: locked, added, facts })
            : null;
        // Results can only become due when this mark settled an answer: whether any task of the exam is still open is
        // read right after the COMMIT, in its round trip (a read inside the transaction could miss the last two
        // answers of an exam settled at the same instant).
        let examOpen = true;
        if (resolution?.state === 'final')
          m.afterCommit(EXAM_OPEN_SQL, [num(task.exam_id)], (rows: unknown[]) => (examOpen = rows.length > 0));
        const event = { markEventId: 0, taskId, score: body.score ?? null, problem: body.problem ?? null };
        return { event, added, task, facts, resolution, examOpen: () => examOpen };
      });
    } catch (e) {
      // Two identical submits racing, or a clientId already used: the unique clientId lets exactly one in.
      if (!isDupEntry(e)) throw e;
      const winner = await this.ds.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
      if (!winner) throw e;
      return this.answerFor(winner, me, taskId);
    }
    if ('duplicateId' in result)
      return this.answerFor(
        await this.ds.getRepository(MarkEvent).findOneByOrFail({ id: result.duplicateId }),
        me,
        taskId,
      );
    this.taskSnippets.delete(taskId);
    // The insert's id arrived with the round trip that carried it.
    result.event.markEventId = result.added.eventId;
    const kind = result.task.kind as TaskKind;
    if (kind === TaskKind.Seed) await this.afterSeed(me, result.facts.item);
    else if (kind === TaskKind.Trial) await this.afterTrial(me, result.facts.item);
    if (result.resolution?.state === 'final' && !result.examOpen())
      await this.triggerResultsIfComplete(num(result.task.exam_id));
    return result.event;
  }

  private answerFor(event: MarkEvent, me: number, taskId: number): SubmitMarkResponse {
    if (event.markerId !== me || event.taskId !== taskId) throw new ConflictException('该 clientId 已用于另一次提交');
    return toAnswer(event);
  }

  /**
   * Applies the rule engine to every mark of a snippet and writes what follows: a final score, a third-round
   * task, or nothing (waiting for a mark, for arbitration, or for the subject lead to look at a problem answer).
   * Callers hold the locks on the snippet's tasks; a caller that read them passes them in (`tasks`), and submit says
   * which mark it just added (its event id is known once the read below has carried the deferred insert), so that a
   * final score is only deleted where one can exist.
   */
  private async resolveSnippet(
    m: SqlTx | EntityManager,
    snippetId: number,
    known: {
      tasks?: TaskRow[];
      added?: {
        taskId: number;
        round: number;
        score: number | null;
        problem: string | null;
        markerId: number;
        eventId: number;
      };
      facts?: ItemFacts;
    } = {},
  ): Promise<Resolution> {
    // The first counting mark of an answer (no other live task of it done: every counting mark sits on a done task)
    // resolves from itself alone; unless that makes it final, there is nothing to read or write.
    if (
      known.tasks &&
      known.added &&
      known.facts &&
      !known.tasks.some(
        (t) => t.kind === TaskKind.Live && t.status === TaskStatus.Done && num(t.id) !== known.added!.taskId,
      )
    ) {
      const { round, score, problem, markerId } = known.added;
      const alone = resolveFinalScore(ruleOf(known.facts.item), [{ round, score, problem, markerId }]);
      if (alone.state !== 'final') return alone;
    }
    const rows: {
      exam_id: number;
      student_id: number;
      item_id: number;
      id: number | null;
      round: number;
      score: string | null;
      problem: string | null;
      marker_id: number;
    }[] = await m.query(
      `SELECT s.exam_id, s.student_id, s.item_id, e.id, e.round, e.score, e.problem, e.marker_id
       FROM answer_snippet s LEFT JOIN mark_event e ON e.snippet_id = s.id AND e.kind = 'live'
         AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)
       WHERE s.id = ? ORDER BY e.id`,
      [snippetId],
    );
    if (!rows.length) throw new NotFoundException('答卷不存在');
    const snippet = { examId: num(rows[0].exam_id), studentId: num(rows[0].student_id), itemId: num(rows[0].item_id) };
    const facts = await this.items.one(snippet.itemId, m instanceof EntityManager ? m : undefined);
    if (!facts) throw new NotFoundException('题目不存在');
    const item = facts.item;
    const events = rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: num(r.id),
        round: num(r.round),
        score: r.score === null ? null : num(r.score),
        problem: r.problem,
        markerId: num(r.marker_id),
      }));
    const resolve = (evs: typeof events) =>
      resolveFinalScore(
        ruleOf(item),
        evs
          .filter((e) => e.round < ARBITRATION_ROUND)
          .map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId })),
        evs.filter((e) => e.round === ARBITRATION_ROUND).at(-1)?.score ?? undefined,
      );
    const resolution = resolve(events);
    const tasks: TaskRow[] =
      known.tasks ??
      (await m.query('SELECT id, round, status, kind, attempt FROM marking_task WHERE snippet_id = ?', [snippetId]));
    const open = (round: (r: number) => boolean) =>
      tasks.filter(
        (t) =>
          t.kind === TaskKind.Live &&
          round(num(t.round)) &&
          (t.status === TaskStatus.Pending || t.status === TaskStatus.Leased),
      );
    const voidOpen = async (list: TaskRow[]) => {
      if (!list.length) return;
      await writeLater(m, `UPDATE marking_task SET status = 'void' WHERE id IN (?)`, [list.map((t) => num(t.id))]);
      for (const t of list) t.status = TaskStatus.Void;
    };
    if (resolution.state === 'final') {
      // Update, else insert: not INSERT … ON DUPLICATE KEY UPDATE, whose next-key locks on the unique index make
      // concurrent submits of neighbouring answers deadlock. After a new mark on an answer that was not final
      // before, there is no row to update.
      const before = known.added === undefined ? null : resolve(events.filter((e) => e.id !== known.added!.eventId));
      const updated =
        before && before.state !== 'final'
          ? 0
          : num(
              (
                await m.query(
                  'UPDATE final_item_score SET score = ?, source = ?, rule_version = ? WHERE student_id = ? AND item_id = ?',
                  [resolution.score, ScoreSource.Marking, resolution.ruleVersion, snippet.studentId, snippet.itemId],
                )
              ).affectedRows,
            );
      if (!updated) {
        await writeLater(
          m,
          'INSERT INTO final_item_score (exam_id, paper_id, student_id, item_id, score, source, rule_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            snippet.examId,
            item.paperId,
            snippet.studentId,
            snippet.itemId,
            resolution.score,
            ScoreSource.Marking,
            resolution.ruleVersion,
          ],
        );
      }
      // Open rounds no longer needed: a third round once the first two agree (e.g. after a re-queue), and every
      // open round once the subject lead's score is final.
      if (resolution.basis === 'arbitration') await voidOpen(open((r) => r < ARBITRATION_ROUND));
      else if (resolution.basis === 'mean_1_2' || resolution.basis === 'single') await voidOpen(open((r) => r === 3));
    } else {
      // Not final (any more): a score resting on superseded marks is withdrawn until the answer is re-marked. After a
      // new mark on an answer that was not final before, there is none to withdraw.
      const before = known.added === undefined ? null : resolve(events.filter((e) => e.id !== known.added!.eventId));
      if (!before || before.state === 'final') {
        await writeLater(m, 'DELETE FROM final_item_score WHERE student_id = ? AND item_id = ? AND source = ?', [
          snippet.studentId,
          snippet.itemId,
          ScoreSource.Marking,
        ]);
      }
      // Rounds 1 and 2 incomplete again (a re-queued mark): a third round waits until they are both in and disagree.
      if (resolution.state === 'pending') await voidOpen(open((r) => r === 3));
      if (resolution.state === 'need_third') {
        const thirds = tasks.filter((t) => t.kind === TaskKind.Live && num(t.round) === 3);
        if (!thirds.some((t) => t.status !== TaskStatus.Void)) {
          await writeLater(
            m,
            `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key, kind, qc_for, attempt) VALUES (?, ?, ?, 3, 'pending', ?, 'live', 0, ?)`,
            [
              snippet.examId,
              snippet.itemId,
              snippetId,
              randomInt(0, 2 ** 31 - 1),
              thirds.reduce((a, t) => Math.max(a, num(t.attempt) + 1), 0),
            ],
          );
        }
      }
    }
    return resolution;
  }

  /** The marks that count towards a score: live, not superseded (回评 change, re-queued work), oldest first. */
  private async countingEvents(m: EntityManager, snippetIds: number | number[]): Promise<MarkEvent[]> {
    const ids = Array.isArray(snippetIds) ? snippetIds : [snippetIds];
    if (!ids.length) return [];
    return m
      .getRepository(MarkEvent)
      .createQueryBuilder('e')
      .where('e.snippetId IN (:...ids)', { ids })
      .andWhere("e.kind = 'live'")
      .andWhere('NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)')
      .orderBy('e.id', 'ASC')
      .getMany();
  }

  // ───────────────────────────── quality control (marker side) ─────────────────────────────

  /** Trial and seed marks against the lead's definitive score; a self re-mark against the marker's own earlier mark. */
  private async qcAgreement(
    m: Sql,
    task: { kind: string; snippetId: number; refEventId: number | null },
    item: Item,
    body: SubmitMarkBody,
  ): Promise<boolean> {
    // Raw SQL (submit runs on SqlPool): DECIMAL columns come back as strings, parsed here as the entities' transformer does.
    const dec = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
    const score = body.score ?? null;
    if (task.kind === TaskKind.Self) {
      const [earlier]: { score: string | null; problem: string | null }[] = task.refEventId
        ? await m.query('SELECT score, problem FROM mark_event WHERE id = ?', [task.refEventId])
        : [];
      if (!earlier) return false;
      const earlierScore = dec(earlier.score);
      if (earlierScore === null || score === null)
        return (earlier.problem ?? null) === (body.problem ?? null) && earlierScore === score;
      return agrees(score, earlierScore, item.tolerance);
    }
    const kind = task.kind === TaskKind.Trial ? ReferenceKind.Trial : ReferenceKind.Seed;
    const [ref]: { score: string }[] = await m.query(
      'SELECT score FROM reference_answer WHERE snippet_id = ? AND kind = ? LIMIT 1',
      [task.snippetId, kind],
    );
    if (!ref) return false;
    const [setting]: { seed_tolerance: string | null }[] = await m.query(
      'SELECT seed_tolerance FROM item_qc_setting WHERE item_id = ?',
      [item.id],
    );
    return agrees(score, dec(ref.score)!, dec(setting?.seed_tolerance) ?? item.tolerance);
  }

  /** After a seed: K misses within the window suspend the marker and re-queue their live marks since the last good seed. */
  private async afterSeed(me: number, item: Item): Promise<void> {
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
    if (!setting) return;
    const state = await this.ds.getRepository(MarkerItemState).findOneBy({ itemId: item.id, markerId: me });
    if (state?.suspended) return;
    // After the lead restores a marker, only the seeds marked since count: the misses that suspended them are settled.
    const seeds = (await this.qcEvents(me, item.id, 'seed')).filter(
      (e) => !state?.restoredAfter || e.id > state.restoredAfter,
    );
    if (
      !shouldSuspend(
        seeds.map((e) => e.agreed),
        { misses: setting.seedMisses, window: setting.seedWindow },
      )
    )
      return;
    const misses = seeds.slice(-setting.seedWindow).filter((e) => !e.agreed).length;
    await this.setSuspended(
      item.id,
      me,
      true,
      `测评卷最近 ${Math.min(seeds.length, setting.seedWindow)} 份中有 ${misses} 份超出误差，自动暂停`,
      null,
    );
    const live = await this.liveMarksOf(me, item.id);
    await this.requeueEvents(marksToRequeue(live, seeds), 'suspended', null);
  }

  /** After a trial answer: every trial answer marked → automatic pass when the lead set a pass rate and it is met. */
  private async afterTrial(me: number, item: Item): Promise<void> {
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
    const refs = await this.ds.getRepository(ReferenceAnswer).countBy({ itemId: item.id, kind: ReferenceKind.Trial });
    const outcomes = (await this.qcEvents(me, item.id, 'trial')).map((e) => e.agreed);
    if (trialVerdict(outcomes, refs, setting?.trialPassRate ?? null) === 'pass')
      await this.setPhase(item.id, me, MarkerPhase.Live, null);
  }

  /** The marker's QC events of one kind on an item, latest per snippet (a 回评 change counts, not the first try). */
  async qcEvents(
    markerId: number,
    itemId: number,
    kind: 'seed' | 'trial' | 'self',
  ): Promise<{ id: number; agreed: boolean }[]> {
    const rows: { id: number; agreed: number | null }[] = await this.ds.query(
      `SELECT e.id, e.agreed FROM mark_event e WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = ?
         AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id) ORDER BY e.id`,
      [markerId, itemId, kind],
    );
    return rows.map((r) => ({ id: num(r.id), agreed: num(r.agreed) === 1 }));
  }

  /** The marker's counting live marks on an item (rounds 1–3), oldest first. */
  async liveMarksOf(markerId: number, itemId: number): Promise<{ id: number }[]> {
    const rows: { id: number }[] = await this.ds.query(
      `SELECT e.id FROM mark_event e WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
         AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id) ORDER BY e.id`,
      [markerId, itemId],
    );
    return rows.map((r) => ({ id: num(r.id) }));
  }

  async setSuspended(
    itemId: number,
    markerId: number,
    suspended: boolean,
    reason: string | null,
    by: number | null,
  ): Promise<void> {
    const repo = this.ds.getRepository(MarkerItemState);
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId });
    const existing = await repo.findOneBy({ itemId, markerId });
    // On restore, remember the last mark event so far: seed misses before it no longer count towards suspension.
    const restoredAfter = suspended
      ? (existing?.restoredAfter ?? null)
      : num(
          (
            await this.ds.query('SELECT MAX(id) AS id FROM mark_event WHERE marker_id = ? AND item_id = ?', [
              markerId,
              itemId,
            ])
          )[0]?.id,
        ) || null;
    await repo.upsert(
      {
        itemId,
        markerId,
        suspended,
        reason,
        changedBy: by,
        restoredAfter,
        phase: existing?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
      },
      ['itemId', 'markerId'],
    );
    if (suspended) {
      // A suspended marker's open leases on the item go back to the pool at once.
      await this.ds.query(
        `UPDATE marking_task SET status = 'pending', leased_by = NULL, lease_expires_at = NULL WHERE item_id = ? AND leased_by = ? AND status = 'leased' AND kind = 'live'`,
        [itemId, markerId],
      );
    }
    await this.ds.getRepository(AuditLog).insert({
      userId: by,
      action: suspended ? 'marking.suspend' : 'marking.restore',
      entity: 'marker_item_state',
      entityId: `${itemId}:${markerId}`,
      detail: { itemId, markerId, reason },
    });
  }

  async setPhase(itemId: number, markerId: number, phase: MarkerPhase, by: number | null): Promise<void> {
    const repo = this.ds.getRepository(MarkerItemState);
    const existing = await repo.findOneBy({ itemId, markerId });
    await repo.upsert(
      {
        itemId,
        markerId,
        phase,
        suspended: existing?.suspended ?? false,
        reason: existing?.reason ?? null,
        changedBy: by,
      },
      ['itemId', 'markerId'],
    );
    await this.ds.getRepository(AuditLog).insert({
      userId: by,
      action: by === null ? 'marking.trial_auto_pass' : 'marking.approve',
      entity: 'marker_item_state',
      entityId: `${itemId}:${markerId}`,
      detail: { itemId, markerId, phase },
    });
  }

  /**
   * Re-queues live marks: each event is superseded (a row in mark_supersession; the event itself is untouched), its
   * task is void, and a new task of the same round goes to the pool for another marker. The snippet is resolved
   * again, so a final score that rested on the mark is withdrawn until the new mark arrives.
   */
  async requeueEvents(eventIds: number[], reason: 'suspended' | 'requeue', by: number | null): Promise<number> {
    let requeued = 0;
    for (const eventId of eventIds) {
      const event = await this.ds.getRepository(MarkEvent).findOneBy({ id: eventId });
      if (!event || event.kind !== TaskKind.Live || event.round >= ARBITRATION_ROUND) continue;
      const done = await this.ds.transaction('READ COMMITTED', async (m) => {
        await m.query(
          'SELECT id FROM marking_task FORCE INDEX (uq_marking_task_slot) WHERE snippet_id = ? ORDER BY id FOR UPDATE',
          [event.snippetId],
        );
        if (await m.getRepository(MarkSupersession).findOneBy({ markEventId: event.id })) return false;
        const before = await m.getRepository(FinalItemScore).findOneBy({
          studentId: (await m.getRepository(AnswerSnippet).findOneByOrFail({ id: event.snippetId })).studentId,
          itemId: event.itemId,
        });
        await m
          .getRepository(MarkSupersession)
          .insert({ markEventId: event.id, reason, byUserId: by, replacementEventId: null });
        const task = await m.getRepository(MarkingTask).findOneByOrFail({ id: event.taskId });
        await m.query(`UPDATE marking_task SET status = 'void' WHERE id = ?`, [task.id]);
        const siblings = await m
          .getRepository(MarkingTask)
          .findBy({ snippetId: event.snippetId, round: event.round, kind: TaskKind.Live });
        await m.getRepository(MarkingTask).insert({
          examId: event.examId,
          itemId: event.itemId,
          snippetId: event.snippetId,
          round: event.round,
          status: TaskStatus.Pending,
          shuffleKey: randomInt(0, 2 ** 31 - 1),
          kind: TaskKind.Live,
          qcFor: 0,
          attempt: siblings.reduce((a, t) => Math.max(a, t.attempt + 1), 0),
        });
        const res = await this.resolveSnippet(m, event.snippetId);
        await m.getRepository(AuditLog).insert({
          userId: by,
          action: 'marking.requeue',
          entity: 'mark_event',
          entityId: String(event.id),
          detail: {
            reason,
            markerId: event.markerId,
            snippetId: event.snippetId,
            round: event.round,
            previousScore: before?.score ?? null,
            state: res.state,
          },
        });
        return true;
      });
      if (done) requeued++;
    }
    return requeued;
  }

  // ───────────────────────────── 回评 ─────────────────────────────

  /** The marker's last marks (newest first), each changeable while its answer has no final score. */
  async review(actor: Actor, itemIdRaw: unknown, limitRaw: unknown) {
    assertScope(actor.has(Role.Marker), '您不是阅卷教师');
    const itemId = itemIdRaw === undefined || itemIdRaw === '' ? undefined : requiredId(itemIdRaw, '题目编号');
    let limit = DEFAULT_REVIEW_SIZE;
    if (itemId !== undefined)
      limit = (await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId }))?.reviewSize ?? DEFAULT_REVIEW_SIZE;
    if (limitRaw !== undefined && limitRaw !== '') limit = Math.min(requiredId(limitRaw, '条数'), 50);
    // Seeds and self re-marks are listed like any mark: a marker must not be able to tell them apart.
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT e.id, e.item_id, e.score, e.problem, e.created_at, s.token, i.label, i.max_score, i.score_step,
         EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id) AS final
       FROM mark_event e JOIN answer_snippet s ON s.id = e.snippet_id JOIN item i ON i.id = e.item_id
       WHERE e.marker_id = ? AND e.kind IN ('live', 'seed', 'self') AND e.round < ${ARBITRATION_ROUND}
         AND NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)
         ${itemId !== undefined ? 'AND e.item_id = ?' : ''}
       ORDER BY e.id DESC LIMIT ${limit}`,
      itemId !== undefined ? [actor.userId, itemId] : [actor.userId],
    );
    return {
      marks: rows.map((r) => ({
        markEventId: num(r.id),
        itemId: num(r.item_id),
        itemLabel: String(r.label),
        maxScore: num(r.max_score),
        scoreStep: num(r.score_step),
        score: r.score === null ? null : num(r.score),
        problem: (r.problem as string | null) ?? null,
        markedAt: new Date(r.created_at as string).toISOString(),
        snippetUrl: `/api/marking/snippets/${String(r.token)}`,
        changeable: num(r.final) === 0,
      })),
    };
  }

  /** 回评 change: a new mark event on the same task and round that supersedes the earlier one (never an update). */
  async revise(actor: Actor, eventIdRaw: unknown, body: SubmitMarkBody): Promise<SubmitMarkResponse> {
    const eventId = requiredId(eventIdRaw, '评分记录编号');
    const me = actor.userId;
    const earlier = await this.ds.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
    if (earlier) {
      if (earlier.markerId !== me || earlier.refEventId !== eventId)
        throw new ConflictException('该 clientId 已用于另一次提交');
      return toAnswer(earlier);
    }
    const old = await this.ds.getRepository(MarkEvent).findOneBy({ id: eventId });
    if (!old || old.markerId !== me || old.kind === TaskKind.Trial || old.round >= ARBITRATION_ROUND)
      throw new NotFoundException('评分记录不存在');
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: old.itemId });
    if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep)) {
      throw new BadRequestException(`分数应为 0–${fmt(item.maxScore)} 之间、步长 ${fmt(item.scoreStep)} 的整数倍`);
    }
    const task = await this.ds.getRepository(MarkingTask).findOneByOrFail({ id: old.taskId });
    let event: MarkEvent;
    try {
      event = await this.ds.transaction('READ COMMITTED', async (m) => {
        await m.query(
          'SELECT id FROM marking_task FORCE INDEX (uq_marking_task_slot) WHERE snippet_id = ? ORDER BY id FOR UPDATE',
          [old.snippetId],
        );
        if (await m.getRepository(MarkSupersession).findOneBy({ markEventId: old.id }))
          throw new ConflictException('该评分已被修改或已收回，请刷新回评列表');
        const snippet = await m.getRepository(AnswerSnippet).findOneByOrFail({ id: old.snippetId });
        if (await m.getRepository(FinalItemScore).findOneBy({ studentId: snippet.studentId, itemId: snippet.itemId }))
          throw new ConflictException('该答卷已出分，不能再修改');
        const created = await m.getRepository(MarkEvent).save(
          m.getRepository(MarkEvent).create({
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
            agreed: old.kind === TaskKind.Live ? null : await this.qcAgreement(m, task, item, body),
          }),
        );
        await m
          .getRepository(MarkSupersession)
          .insert({ markEventId: old.id, reason: 'review', byUserId: me, replacementEventId: created.id });
        if (old.kind === TaskKind.Live) await this.resolveSnippet(m, old.snippetId);
        return created;
      });
    } catch (e) {
      if (!isDupEntry(e)) throw e;
      const winner = await this.ds.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
      if (!winner) throw new ConflictException('该评分已被修改，请刷新回评列表');
      return toAnswer(winner);
    }
    if (old.kind === TaskKind.Seed) await this.afterSeed(me, item);
    await this.triggerResultsIfComplete(old.examId);
    return toAnswer(event);
  }

  /** When every task of the exam is done and every snippet has a final score, results can be computed. */
  private async triggerResultsIfComplete(examId: number): Promise<boolean> {
    // Cheap first: while any live task is open (nearly always, during marking) the exam cannot be complete.
    const anyOpen = await this.sql.query(EXAM_OPEN_SQL, [examId]);
    if (anyOpen.length) return false;
    const [row] = await this.ds.query(
      `SELECT
         (SELECT COUNT(*) FROM marking_task WHERE exam_id = ? AND kind = 'live' AND status IN ('pending', 'leased')) AS open_tasks,
         (SELECT COUNT(*) FROM answer_snippet s WHERE s.exam_id = ?
            AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS unresolved,
         (SELECT COUNT(*) FROM answer_snippet WHERE exam_id = ?) AS snippets`,
      [examId, examId, examId],
    );
    if (num(row.open_tasks) > 0 || num(row.unresolved) > 0 || num(row.snippets) === 0) return false;
    await this.pipeline.scoresChanged(examId);
    return true;
  }

  // ───────────────────────────── arbitration ─────────────────────────────

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
    mode: 'arbitrate' | 'override' | 'reference' = body.override ? 'override' : 'arbitrate',
  ) {
    const ctx = await this.snippetContext(token);
    assertScope(actor.isSubjectLeadOf(ctx.exam.allianceId, ctx.paper.subject), '只有本学科的学科组长或管理员可以仲裁');
    if (!isValidScore(body.score, ctx.item.maxScore, ctx.item.scoreStep)) {
      throw new BadRequestException(
        `分数应为 0–${fmt(ctx.item.maxScore)} 之间、步长 ${fmt(ctx.item.scoreStep)} 的整数倍`,
      );
    }
    const reason = body.reason?.trim() ?? '';
    if (mode !== 'arbitrate' && !reason)
      throw new BadRequestException(
        mode === 'override' ? '改判已出分的答卷必须填写原因' : '将标准分定为最终得分必须填写原因',
      );
    const snippetId = ctx.snippet.id;
    const resolution = await this.ds.transaction('READ COMMITTED', async (m) => {
      await m.query(
        'SELECT id FROM marking_task FORCE INDEX (uq_marking_task_slot) WHERE snippet_id = ? ORDER BY id FOR UPDATE',
        [snippetId],
      );
      const previous = await m
        .getRepository(FinalItemScore)
        .findOneBy({ studentId: ctx.snippet.studentId, itemId: ctx.item.id });
      const events = await this.countingEvents(m, snippetId);
      const current = resolveFinalScore(
        ruleOf(ctx.item),
        events
          .filter((e) => e.round < ARBITRATION_ROUND)
          .map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId })),
        events.filter((e) => e.round === ARBITRATION_ROUND).at(-1)?.score ?? undefined,
      ).state;
      if (mode === 'arbitrate' && current === 'final')
        throw new ConflictException('该答卷已出分，无需仲裁；如需改判，请选择改判并填写原因');
      if (mode === 'arbitrate' && current !== 'need_arbitration' && current !== 'problem')
        throw new ConflictException('该答卷尚在评阅中，未到仲裁环节');
      if (mode === 'override' && current !== 'final') throw new ConflictException('该答卷尚未出分，不能改判');
      let task = await m.getRepository(MarkingTask).findOneBy({ snippetId, round: ARBITRATION_ROUND });
      if (!task) {
        const ins = await m.getRepository(MarkingTask).insert({
          examId: ctx.exam.id,
          itemId: ctx.item.id,
          snippetId,
          round: ARBITRATION_ROUND,
          status: TaskStatus.Done,
          leasedBy: actor.userId,
          shuffleKey: 0,
        });
        task = await m.getRepository(MarkingTask).findOneByOrFail({ id: ins.identifiers[0].id });
      }
      const ins = await m.getRepository(MarkEvent).insert({
        examId: ctx.exam.id,
        taskId: task.id,
        snippetId,
        itemId: ctx.item.id,
        markerId: actor.userId,
        round: ARBITRATION_ROUND,
        score: body.score,
        problem: null,
        secondsSpent: 0,
        clientId: randomUUID(),
      });
      const res = await this.resolveSnippet(m, snippetId);
      // Every change of a final score is traceable to who and why.
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action:
          mode === 'arbitrate'
            ? 'marking.arbitrate'
            : mode === 'override'
              ? 'marking.override'
              : 'marking.reference_final',
        entity: 'answer_snippet',
        entityId: String(snippetId),
        detail: {
          itemId: ctx.item.id,
          score: body.score,
          markEventId: num(ins.identifiers[0].id),
          stateBefore: current,
          previousScore: previous?.score ?? null,
          previousRule: previous?.ruleVersion ?? null,
          reason: reason || null,
        },
      });
      return res;
    });
    await this.triggerResultsIfComplete(ctx.exam.id);
    if (resolution.state !== 'final') throw new Error('arbitration did not resolve the snippet');
    return {
      token,
      itemId: ctx.item.id,
      score: resolution.score,
      ruleVersion: resolution.ruleVersion,
      basis: resolution.basis,
    };
  }

  /** Answers waiting for the subject lead: every round marked, no final score (arbitration needed or a problem flag). */
  async arbitrationQueue(actor: Actor, examIdRaw: unknown) {
    const exam = await this.examOr404(requiredId(examIdRaw, '考试'));
    const subjects = this.leadSubjects(actor, exam.allianceId);
    assertScope(subjects !== null, '只有学科组长或管理员可以查看待仲裁答卷');
    const rows: { id: number; token: string; item_id: number }[] = await this.ds.query(
      `SELECT s.id, s.token, s.item_id FROM answer_snippet s JOIN item i ON i.id = s.item_id JOIN paper p ON p.id = i.paper_id
       WHERE s.exam_id = ? ${subjects === 'all' ? '' : 'AND p.subject IN (?)'}
         AND EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live')
         AND NOT EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live' AND t.status IN ('pending', 'leased'))
         AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)
       ORDER BY s.item_id, s.id LIMIT 500`,
      subjects === 'all' ? [exam.id] : [exam.id, subjects],
    );
    if (!rows.length) return { examId: exam.id, snippets: [] };
    const items = new Map(
      (await this.ds.getRepository(Item).findBy({ id: In([...new Set(rows.map((r) => num(r.item_id)))]) })).map((i) => [
        i.id,
        i,
      ]),
    );
    const events = await this.countingEvents(
      this.ds.manager,
      rows.map((r) => num(r.id)),
    );
    return {
      examId: exam.id,
      snippets: rows.map((r) => {
        const item = items.get(num(r.item_id))!;
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
      }),
    };
  }

  // ───────────────────────────── progress ─────────────────────────────

  async progress(actor: Actor, examIdRaw: unknown) {
    const exam = await this.examOr404(requiredId(examIdRaw, '考试'));
    // Which subjects the caller may watch: all for the alliance's admin, else its lead and marker subjects.
    let subjects: string[] | 'all' | null = this.leadSubjects(actor, exam.allianceId);
    if (subjects !== 'all') {
      for (const g of actor.grants.filter((g) => g.role === Role.Marker && g.allianceId === exam.allianceId)) {
        if (g.subject === null) subjects = 'all';
        else if (subjects !== 'all') subjects = [...(subjects ?? []), g.subject];
      }
    }
    assertScope(subjects !== null, '无权查看该考试的阅卷进度');
    const now = this.now();
    const me = actor.userId;
    const rows = await this.ds.query(
      `SELECT i.id, i.label, i.max_score, i.marking_mode, p.subject,
         (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id) AS snippets,
         (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id
            AND EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS finals,
         (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id
            AND EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live')
            AND NOT EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live' AND t.status IN ('pending', 'leased'))
            AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS awaiting_lead,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
            AND (t.status = 'pending' OR (t.status = 'leased' AND t.lease_expires_at <= ?))) AS pending,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.status = 'leased' AND t.lease_expires_at > ?) AS leased,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND} AND t.status = 'done') AS done,
         (SELECT COUNT(*) FROM mark_event m WHERE m.item_id = i.id AND m.marker_id = ? AND m.round < ${ARBITRATION_ROUND}) AS mine
       FROM item i JOIN paper p ON p.id = i.paper_id
       WHERE p.exam_id = ? AND i.type NOT IN (?) ${subjects === 'all' ? '' : 'AND p.subject IN (?)'}
       ORDER BY p.subject, i.seq`,
      [now, now, me, exam.id, [...OBJECTIVE_TYPES], ...(subjects === 'all' ? [] : [subjects])],
    );
    const items = rows.map((r: Record<string, unknown>) => ({
      itemId: num(r.id),
      label: String(r.label),
      subject: String(r.subject),
      maxScore: num(r.max_score),
      markingMode: String(r.marking_mode),
      snippets: num(r.snippets),
      final: num(r.finals),
      awaitingLead: num(r.awaiting_lead),
      tasks: { pending: num(r.pending), leased: num(r.leased), done: num(r.done) },
      mine: num(r.mine),
    }));
    return {
      examId: exam.id,
      examName: exam.name,
      items,
      mine: items.reduce((s: number, i: { mine: number }) => s + i.mine, 0),
    };
  }

  private async examOr404(id: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /** 'all' for the alliance's admin, the lead's subjects, or null when the caller leads nothing there. */
  private leadSubjects(actor: Actor, allianceId: number): string[] | 'all' | null {
    if (actor.isAdminOf(allianceId)) return 'all';
    const subjects = actor.grants
      .filter((g) => g.role === Role.SubjectLead && g.allianceId === allianceId && g.subject)
      .map((g) => g.subject!);
    return subjects.length ? [...new Set(subjects)] : null;
  }
}

function ruleOf(item: Item): MarkingRule {
  return { mode: item.markingMode, tolerance: item.tolerance, step: item.scoreStep, rounding: item.roundingMode };
}

function toAnswer(e: MarkEvent): SubmitMarkResponse {
  return { markEventId: e.id, taskId: e.taskId, score: e.score, problem: e.problem };
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The content type from the bytes themselves (snippets are JPEG; PNG tolerated). */
function imageType(data: Buffer): string {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length > 8 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
  return 'application/octet-stream';
}
