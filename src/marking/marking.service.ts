import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../auth/entities/user-role.entity.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Actor, assertScope } from '../common/actor.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { JobProducer } from '../queue/job-producer.js';
import { FinalItemScore, ScoreSource } from '../results/entities/final-item-score.entity.js';
import { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';
import { BlobStore } from '../storage/blob-store.js';
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
import { ItemQcSetting, MarkerItemState, MarkerPhase, MarkSupersession, ReferenceAnswer, ReferenceKind } from './entities/qc.entities.js';
import { QcRandom } from './qc-random.js';

/** A lease is how long a marker may hold a task before it goes back to the pool. */
export const LEASE_MINUTES = 10;
/**
 * The subject lead's arbitration is recorded like any mark: an immutable MarkEvent on a task of this round
 * (created already done, so it is never handed out). Rounds 1–3 are markers' rounds.
 */
export const ARBITRATION_ROUND = 9;
/** Candidates read per attempt when leasing; each is then tried with SKIP LOCKED. */
const CANDIDATES = 30;
/** 自评: an answer comes back only after the marker has marked at least this many others since. */
export const SELF_REMARK_GAP = 3;
/** 回评: how many of the marker's last marks are listed when the item sets nothing. */
export const DEFAULT_REVIEW_SIZE = 10;

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
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(QcRandom) private readonly random: QcRandom,
  ) {}

  /** The clock, in one place (tests move leases by editing rows, not the clock). */
  protected now(): Date {
    return new Date();
  }

  // ───────────────────────────── leasing ─────────────────────────────

  async next(actor: Actor, body: NextTaskBody): Promise<NextTaskResponse | null> {
    const grants = actor.grants.filter((g) => g.role === Role.Marker);
    assertScope(grants.length > 0, '您不是阅卷教师');
    if (body.examId !== undefined) {
      const exam = await this.ds.getRepository(Exam).findOneBy({ id: body.examId });
      if (!exam) throw new NotFoundException('考试不存在');
      assertScope(actor.isMarkerIn(exam.allianceId), '您不是该考试的阅卷教师');
    }
    if (body.itemId !== undefined) {
      const item = await this.ds.getRepository(Item).findOneBy({ id: body.itemId });
      if (!item) throw new NotFoundException('题目不存在');
      const paper = await this.ds.getRepository(Paper).findOneByOrFail({ id: item.paperId });
      const exam = await this.ds.getRepository(Exam).findOneByOrFail({ id: paper.examId });
      assertScope(actor.isMarkerIn(exam.allianceId, paper.subject), '您没有该题的阅卷权限');
    }

    // Scope: an exam of an alliance where the caller marks, of the caller's subject when the grant names one.
    const scope: string[] = [];
    const scopeParams: unknown[] = [];
    for (const g of grants) {
      if (g.subject) {
        scope.push('(e.alliance_id = ? AND p.subject = ?)');
        scopeParams.push(g.allianceId, g.subject);
      } else {
        scope.push('(e.alliance_id = ?)');
        scopeParams.push(g.allianceId);
      }
    }
    const me = actor.userId;
    // 题块: a marker with assignments marks only those items; one with none marks every item of its scope.
    const filters: string[] = [
      `(${scope.join(' OR ')})`,
      '(NOT EXISTS (SELECT 1 FROM marker_assignment a WHERE a.marker_id = ?) OR EXISTS (SELECT 1 FROM marker_assignment a WHERE a.marker_id = ? AND a.item_id = t.item_id))',
    ];
    const filterParams: unknown[] = [...scopeParams, me, me];
    if (body.examId !== undefined) {
      filters.push('t.exam_id = ?');
      filterParams.push(body.examId);
    }
    if (body.itemId !== undefined) {
      filters.push('t.item_id = ?');
      filterParams.push(body.itemId);
    }
    const joins = 'FROM marking_task t JOIN exam e ON e.id = t.exam_id JOIN item i ON i.id = t.item_id JOIN paper p ON p.id = i.paper_id';
    // The same filters over answer_snippet (alias t too: it has exam_id and item_id), for trial answers.
    const snippetJoins = 'FROM reference_answer r JOIN answer_snippet t ON t.id = r.snippet_id JOIN exam e ON e.id = t.exam_id JOIN item i ON i.id = t.item_id JOIN paper p ON p.id = i.paper_id';

    const taskId = await this.ds.transaction('READ COMMITTED', async (m) => {
      // Serialises one marker's concurrent calls (a prefetch racing a reload), so one person never
      // leases two rounds of the same snippet. Different markers do not wait for each other here.
      await m.query('SELECT id FROM `user` WHERE id = ? FOR UPDATE', [me]);
      const now = this.now();

      // A QC task is the marker's own: it stays theirs past the lease, so a trial answer is never lost.
      const held = await m.query(
        `SELECT t.id ${joins} WHERE t.status = 'leased' AND t.leased_by = ? AND (t.lease_expires_at > ? OR t.qc_for = ?) AND ${filters.join(' AND ')}` +
          (body.exceptTaskId ? ' AND t.id <> ?' : '') +
          ' ORDER BY t.id LIMIT 1',
        [me, now, me, ...filterParams, ...(body.exceptTaskId ? [body.exceptTaskId] : [])],
      );
      if (held.length) return num(held[0].id);

      const gate = await this.markerGate(m, me, now);
      const expires = new Date(now.getTime() + LEASE_MINUTES * 60_000);

      // 试评 first: a marker in trial on an item gets its trial answers, one each, before any live answer of it.
      if (gate.trial.length) {
        const trials: { snippet_id: number; item_id: number; exam_id: number }[] = await m.query(
          `SELECT r.snippet_id, r.item_id, t.exam_id ${snippetJoins}
           WHERE r.kind = 'trial' AND r.item_id IN (?) AND ${filters.join(' AND ')}
             AND NOT EXISTS (SELECT 1 FROM marking_task q WHERE q.snippet_id = r.snippet_id AND q.kind = 'trial' AND q.qc_for = ?)
           ORDER BY r.item_id, r.id LIMIT 1`,
          [gate.trial, ...filterParams, me],
        );
        if (trials.length) return this.insertQcTask(m, TaskKind.Trial, me, trials[0], expires, null);
      }

      const blocked = [...gate.blocked];
      const tried: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        // Pending tasks and lapsed leases are read apart: each half then walks the (exam, status, shuffle) index in
        // order and stops at the limit, instead of sorting the whole pool on every call.
        // With an exam given, the walk starts at the task index (STRAIGHT_JOIN keeps marking_task first); left alone,
        // the optimiser starts from the items and sorts every pending task of them on each call.
        const taskFrom = body.examId !== undefined ? 'marking_task t FORCE INDEX (idx_marking_task_pool)' : 'marking_task t';
        const where = (status: string) => `FROM ${taskFrom} STRAIGHT_JOIN exam e ON e.id = t.exam_id STRAIGHT_JOIN item i ON i.id = t.item_id STRAIGHT_JOIN paper p ON p.id = i.paper_id
           WHERE ${status} AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
             AND ${filters.join(' AND ')}
             ${blocked.length ? 'AND t.item_id NOT IN (?)' : ''}
             ${tried.length ? 'AND t.id NOT IN (?)' : ''}
             AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = t.snippet_id AND o.id <> t.id AND o.leased_by = ? AND o.status = 'leased')
             AND NOT EXISTS (SELECT 1 FROM mark_event me WHERE me.snippet_id = t.snippet_id AND me.marker_id = ?)`;
        const params = [...filterParams, ...(blocked.length ? [blocked] : []), ...(tried.length ? [tried] : []), me, me];
        const pending: { id: number; item_id: number; exam_id: number; shuffle_key: number }[] = await m.query(
          `SELECT t.id, t.item_id, t.exam_id, t.shuffle_key ${where("t.status = 'pending'")} ORDER BY t.shuffle_key, t.id LIMIT ${CANDIDATES}`,
          params,
        );
        const lapsed: { id: number; item_id: number; exam_id: number; shuffle_key: number }[] = await m.query(
          `SELECT t.id, t.item_id, t.exam_id, t.shuffle_key ${where("t.status = 'leased' AND t.lease_expires_at <= ?")} ORDER BY t.shuffle_key, t.id LIMIT ${CANDIDATES}`,
          [now, ...params],
        );
        const candidates = [...pending, ...lapsed].sort((x, y) => num(x.shuffle_key) - num(y.shuffle_key) || num(x.id) - num(y.id)).slice(0, CANDIDATES);
        if (!candidates.length) return null;
        for (const c of candidates) {
          const id = num(c.id);
          tried.push(id);
          // One row at a time: a row another marker is leasing right now is skipped, not waited for.
          const locked = await m.query(
            `SELECT id FROM marking_task WHERE id = ? AND (status = 'pending' OR (status = 'leased' AND lease_expires_at <= ?)) FOR UPDATE SKIP LOCKED`,
            [id, now],
          );
          if (!locked.length) continue;
          // Seeds and self re-marking are mixed in here, in place of this live answer, looking exactly like one.
          const qc = await this.drawQcTask(m, me, num(c.item_id), gate.settings.get(num(c.item_id)));
          if (qc) return this.insertQcTask(m, qc.kind, me, { snippet_id: qc.snippetId, item_id: num(c.item_id), exam_id: num(c.exam_id) }, expires, qc.refEventId);
          await m.query(`UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE id = ?`, [me, expires, id]);
          return id;
        }
      }
      return null;
    });
    return taskId === null ? null : this.taskView(taskId);
  }

  /**
   * What stands between this marker and live answers, item by item: suspended, still in trial, or the daily cap
   * reached (blocked); the items whose trial answers are due; and the QC settings of the items that have any.
   */
  private async markerGate(m: EntityManager, me: number, now: Date) {
    const settings = new Map((await m.getRepository(ItemQcSetting).find()).map((s) => [s.itemId, s]));
    const states = await m.getRepository(MarkerItemState).findBy({ markerId: me });
    const blocked = new Set<number>();
    const trial: number[] = [];
    for (const st of states) if (st.suspended) blocked.add(st.itemId);
    const liveOn = new Set(states.filter((st) => st.phase === MarkerPhase.Live).map((st) => st.itemId));
    for (const s of settings.values()) {
      if (s.trialRequired && !liveOn.has(s.itemId)) {
        blocked.add(s.itemId);
        if (!states.some((st) => st.itemId === s.itemId && st.suspended)) trial.push(s.itemId);
      }
    }
    const capped = [...settings.values()].filter((s) => s.dailyCap !== null);
    if (capped.length) {
      const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate());
      const counts: { item_id: number; n: number }[] = await m.query(
        'SELECT item_id, COUNT(*) AS n FROM mark_event WHERE marker_id = ? AND item_id IN (?) AND created_at >= ? GROUP BY item_id',
        [me, capped.map((s) => s.itemId), dayStart],
      );
      const byItem = new Map(counts.map((c) => [num(c.item_id), num(c.n)]));
      for (const s of capped) if (capReached(byItem.get(s.itemId) ?? 0, s.dailyCap)) blocked.add(s.itemId);
    }
    return { blocked, trial, settings };
  }

  /** A seed or a self re-mark to hand out instead of a live answer of this item, by the item's rates; or null. */
  private async drawQcTask(m: EntityManager, me: number, itemId: number, setting: ItemQcSetting | undefined) {
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
    m: EntityManager,
    kind: TaskKind,
    me: number,
    at: { snippet_id: number; item_id: number; exam_id: number },
    expires: Date,
    refEventId: number | null,
  ): Promise<number> {
    const ins = await m.getRepository(MarkingTask).insert({
      examId: num(at.exam_id), itemId: num(at.item_id), snippetId: num(at.snippet_id), round: 0, status: TaskStatus.Leased,
      leasedBy: me, leaseExpiresAt: expires, shuffleKey: 0, kind, qcFor: me, attempt: 0, refEventId,
    });
    return num(ins.identifiers[0].id);
  }

  private async taskView(taskId: number): Promise<NextTaskResponse> {
    const task = await this.ds.getRepository(MarkingTask).findOneByOrFail({ id: taskId });
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: task.itemId });
    const snippet = await this.ds.getRepository(AnswerSnippet).findOneByOrFail({ id: task.snippetId });
    // Blind marking: nothing here names the student, the school, the class or the other markers.
    return {
      taskId: task.id,
      examId: task.examId,
      itemId: item.id,
      itemLabel: item.label,
      maxScore: item.maxScore,
      scoreStep: item.scoreStep,
      snippetUrl: `/api/marking/snippets/${snippet.token}`,
      leaseExpiresAt: task.leaseExpiresAt!.toISOString(),
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
    // A repeated submit (flaky network, double Enter) gets the first answer back and writes nothing.
    const earlier = await this.ds.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
    if (earlier) return this.answerFor(earlier, me, taskId);

    const task = await this.ds.getRepository(MarkingTask).findOneBy({ id: taskId });
    if (!task || task.round >= ARBITRATION_ROUND) throw new NotFoundException('阅卷任务不存在');
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: task.itemId });
    if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep)) {
      throw new BadRequestException(`分数应为 0–${fmt(item.maxScore)} 之间、步长 ${fmt(item.scoreStep)} 的整数倍`);
    }

    let result: { event: MarkEvent } | { duplicate: MarkEvent };
    try {
      result = await this.ds.transaction('READ COMMITTED', async (m) => {
        // Lock every task of the snippet: submits of round 1 and round 2 of one answer are serialised,
        // so whichever comes second sees both marks and resolves the final score.
        const locked: { id: number; status: string; leased_by: number | null }[] = await m.query(
          'SELECT id, status, leased_by FROM marking_task WHERE snippet_id = ? ORDER BY id FOR UPDATE',
          [task.snippetId],
        );
        const same = await m.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
        if (same) return { duplicate: same };
        const mine = locked.find((r) => num(r.id) === task.id)!;
        // An expired lease that nobody else has taken is still honoured: the work was done.
        if (mine.status !== TaskStatus.Leased || num(mine.leased_by) !== me) {
          if (mine.status === TaskStatus.Done && num(mine.leased_by) === me) throw new ConflictException('该题已提交过评分');
          throw new ConflictException('该任务已不在您名下（可能已超时被收回），请领取新任务');
        }
        const event = await m.getRepository(MarkEvent).save(
          m.getRepository(MarkEvent).create({
            examId: task.examId,
            taskId: task.id,
            snippetId: task.snippetId,
            itemId: task.itemId,
            markerId: me,
            round: task.round,
            score: body.score ?? null,
            problem: body.problem ?? null,
            secondsSpent: body.secondsSpent ?? 0,
            clientId: body.clientId,
            kind: task.kind,
            refEventId: task.refEventId,
            agreed: task.kind === TaskKind.Live ? null : await this.qcAgreement(m, task, item, body),
          }),
        );
        await m.query(`UPDATE marking_task SET status = 'done', lease_expires_at = NULL WHERE id = ?`, [task.id]);
        await this.resolveSnippet(m, task.snippetId);
        return { event };
      });
    } catch (e) {
      // Two identical submits racing past the first check: the unique clientId lets exactly one in.
      if (!isDupEntry(e)) throw e;
      const winner = await this.ds.getRepository(MarkEvent).findOneBy({ clientId: body.clientId });
      if (!winner) throw e;
      return this.answerFor(winner, me, taskId);
    }
    if ('duplicate' in result) return this.answerFor(result.duplicate, me, taskId);
    if (task.kind === TaskKind.Seed) await this.afterSeed(me, item);
    else if (task.kind === TaskKind.Trial) await this.afterTrial(me, item);
    await this.triggerResultsIfComplete(task.examId);
    return toAnswer(result.event);
  }

  private answerFor(event: MarkEvent, me: number, taskId: number): SubmitMarkResponse {
    if (event.markerId !== me || event.taskId !== taskId) throw new ConflictException('该 clientId 已用于另一次提交');
    return toAnswer(event);
  }

  /**
   * Applies the rule engine to every mark of a snippet and writes what follows: a final score, a third-round
   * task, or nothing (waiting for a mark, for arbitration, or for the subject lead to look at a problem answer).
   * Callers hold the locks on the snippet's tasks.
   */
  private async resolveSnippet(m: EntityManager, snippetId: number): Promise<Resolution> {
    const snippet = await m.getRepository(AnswerSnippet).findOneByOrFail({ id: snippetId });
    const item = await m.getRepository(Item).findOneByOrFail({ id: snippet.itemId });
    const events = await this.countingEvents(m, snippetId);
    const marks: MarkInput[] = events.filter((e) => e.round < ARBITRATION_ROUND).map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId }));
    const arbitration = events.filter((e) => e.round === ARBITRATION_ROUND).at(-1)?.score ?? undefined;
    const resolution = resolveFinalScore(ruleOf(item), marks, arbitration);
    if (resolution.state === 'final') {
      const repo = m.getRepository(FinalItemScore);
      const existing = await repo.findOneBy({ studentId: snippet.studentId, itemId: snippet.itemId });
      const values = { score: resolution.score, source: ScoreSource.Marking, ruleVersion: resolution.ruleVersion };
      if (existing) await repo.update({ id: existing.id }, values);
      else await repo.insert({ examId: snippet.examId, paperId: item.paperId, studentId: snippet.studentId, itemId: snippet.itemId, ...values });
      // Open rounds no longer needed: a third round once the first two agree (e.g. after a re-queue), and every
      // open round once the subject lead's score is final (arbitration, or the definitive score of a reference answer).
      if (resolution.basis === 'arbitration') {
        await m.query(`UPDATE marking_task SET status = 'void' WHERE snippet_id = ? AND kind = 'live' AND round < ${ARBITRATION_ROUND} AND status IN ('pending', 'leased')`, [snippetId]);
      } else if (resolution.basis === 'mean_1_2' || resolution.basis === 'single') {
        await m.query(`UPDATE marking_task SET status = 'void' WHERE snippet_id = ? AND kind = 'live' AND round = 3 AND status IN ('pending', 'leased')`, [snippetId]);
      }
    } else {
      // Not final (any more): a score resting on superseded marks is withdrawn until the answer is re-marked.
      await m.getRepository(FinalItemScore).delete({ studentId: snippet.studentId, itemId: snippet.itemId, source: ScoreSource.Marking });
      // Rounds 1 and 2 incomplete again (a re-queued mark): a third round waits until they are both in and disagree.
      if (resolution.state === 'pending') {
        await m.query(`UPDATE marking_task SET status = 'void' WHERE snippet_id = ? AND kind = 'live' AND round = 3 AND status IN ('pending', 'leased')`, [snippetId]);
      }
      if (resolution.state === 'need_third') {
        const thirds = await m.getRepository(MarkingTask).findBy({ snippetId, round: 3, kind: TaskKind.Live });
        if (!thirds.some((t) => t.status !== TaskStatus.Void)) {
          await m.getRepository(MarkingTask).insert({
            examId: snippet.examId, itemId: snippet.itemId, snippetId, round: 3, status: TaskStatus.Pending, shuffleKey: randomInt(0, 2 ** 31 - 1),
            kind: TaskKind.Live, qcFor: 0, attempt: thirds.reduce((a, t) => Math.max(a, t.attempt + 1), 0),
          });
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
  private async qcAgreement(m: EntityManager, task: MarkingTask, item: Item, body: SubmitMarkBody): Promise<boolean> {
    const score = body.score ?? null;
    if (task.kind === TaskKind.Self) {
      const earlier = task.refEventId ? await m.getRepository(MarkEvent).findOneBy({ id: task.refEventId }) : null;
      if (!earlier) return false;
      if (earlier.score === null || score === null) return (earlier.problem ?? null) === (body.problem ?? null) && earlier.score === score;
      return agrees(score, earlier.score, item.tolerance);
    }
    const kind = task.kind === TaskKind.Trial ? ReferenceKind.Trial : ReferenceKind.Seed;
    const ref = await m.getRepository(ReferenceAnswer).findOneBy({ snippetId: task.snippetId, kind });
    if (!ref) return false;
    const setting = await m.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
    return agrees(score, ref.score, setting?.seedTolerance ?? item.tolerance);
  }

  /** After a seed: K misses within the window suspend the marker and re-queue their live marks since the last good seed. */
  private async afterSeed(me: number, item: Item): Promise<void> {
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
    if (!setting) return;
    const state = await this.ds.getRepository(MarkerItemState).findOneBy({ itemId: item.id, markerId: me });
    if (state?.suspended) return;
    // After the lead restores a marker, only the seeds marked since count: the misses that suspended them are settled.
    const seeds = (await this.qcEvents(me, item.id, 'seed')).filter((e) => !state?.restoredAfter || e.id > state.restoredAfter);
    if (!shouldSuspend(seeds.map((e) => e.agreed), { misses: setting.seedMisses, window: setting.seedWindow })) return;
    const misses = seeds.slice(-setting.seedWindow).filter((e) => !e.agreed).length;
    await this.setSuspended(item.id, me, true, `测评卷最近 ${Math.min(seeds.length, setting.seedWindow)} 份中有 ${misses} 份超出误差，自动暂停`, null);
    const live = await this.liveMarksOf(me, item.id);
    await this.requeueEvents(marksToRequeue(live, seeds), 'suspended', null);
  }

  /** After a trial answer: every trial answer marked → automatic pass when the lead set a pass rate and it is met. */
  private async afterTrial(me: number, item: Item): Promise<void> {
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId: item.id });
    const refs = await this.ds.getRepository(ReferenceAnswer).countBy({ itemId: item.id, kind: ReferenceKind.Trial });
    const outcomes = (await this.qcEvents(me, item.id, 'trial')).map((e) => e.agreed);
    if (trialVerdict(outcomes, refs, setting?.trialPassRate ?? null) === 'pass') await this.setPhase(item.id, me, MarkerPhase.Live, null);
  }

  /** The marker's QC events of one kind on an item, latest per snippet (a 回评 change counts, not the first try). */
  async qcEvents(markerId: number, itemId: number, kind: 'seed' | 'trial' | 'self'): Promise<{ id: number; agreed: boolean }[]> {
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

  async setSuspended(itemId: number, markerId: number, suspended: boolean, reason: string | null, by: number | null): Promise<void> {
    const repo = this.ds.getRepository(MarkerItemState);
    const setting = await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId });
    const existing = await repo.findOneBy({ itemId, markerId });
    // On restore, remember the last mark event so far: seed misses before it no longer count towards suspension.
    const restoredAfter = suspended
      ? existing?.restoredAfter ?? null
      : num((await this.ds.query('SELECT MAX(id) AS id FROM mark_event WHERE marker_id = ? AND item_id = ?', [markerId, itemId]))[0]?.id) || null;
    await repo.upsert(
      { itemId, markerId, suspended, reason, changedBy: by, restoredAfter, phase: existing?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live) },
      ['itemId', 'markerId'],
    );
    if (suspended) {
      // A suspended marker's open leases on the item go back to the pool at once.
      await this.ds.query(`UPDATE marking_task SET status = 'pending', leased_by = NULL, lease_expires_at = NULL WHERE item_id = ? AND leased_by = ? AND status = 'leased' AND kind = 'live'`, [itemId, markerId]);
    }
    await this.ds.getRepository(AuditLog).insert({
      userId: by, action: suspended ? 'marking.suspend' : 'marking.restore', entity: 'marker_item_state', entityId: `${itemId}:${markerId}`, detail: { itemId, markerId, reason },
    });
  }

  async setPhase(itemId: number, markerId: number, phase: MarkerPhase, by: number | null): Promise<void> {
    const repo = this.ds.getRepository(MarkerItemState);
    const existing = await repo.findOneBy({ itemId, markerId });
    await repo.upsert({ itemId, markerId, phase, suspended: existing?.suspended ?? false, reason: existing?.reason ?? null, changedBy: by }, ['itemId', 'markerId']);
    await this.ds.getRepository(AuditLog).insert({
      userId: by, action: by === null ? 'marking.trial_auto_pass' : 'marking.approve', entity: 'marker_item_state', entityId: `${itemId}:${markerId}`, detail: { itemId, markerId, phase },
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
        await m.query('SELECT id FROM marking_task WHERE snippet_id = ? ORDER BY id FOR UPDATE', [event.snippetId]);
        if (await m.getRepository(MarkSupersession).findOneBy({ markEventId: event.id })) return false;
        const before = await m.getRepository(FinalItemScore).findOneBy({ studentId: (await m.getRepository(AnswerSnippet).findOneByOrFail({ id: event.snippetId })).studentId, itemId: event.itemId });
        await m.getRepository(MarkSupersession).insert({ markEventId: event.id, reason, byUserId: by, replacementEventId: null });
        const task = await m.getRepository(MarkingTask).findOneByOrFail({ id: event.taskId });
        await m.query(`UPDATE marking_task SET status = 'void' WHERE id = ?`, [task.id]);
        const siblings = await m.getRepository(MarkingTask).findBy({ snippetId: event.snippetId, round: event.round, kind: TaskKind.Live });
        await m.getRepository(MarkingTask).insert({
          examId: event.examId, itemId: event.itemId, snippetId: event.snippetId, round: event.round, status: TaskStatus.Pending,
          shuffleKey: randomInt(0, 2 ** 31 - 1), kind: TaskKind.Live, qcFor: 0, attempt: siblings.reduce((a, t) => Math.max(a, t.attempt + 1), 0),
        });
        const res = await this.resolveSnippet(m, event.snippetId);
        await m.getRepository(AuditLog).insert({
          userId: by, action: 'marking.requeue', entity: 'mark_event', entityId: String(event.id),
          detail: { reason, markerId: event.markerId, snippetId: event.snippetId, round: event.round, previousScore: before?.score ?? null, state: res.state },
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
    if (itemId !== undefined) limit = (await this.ds.getRepository(ItemQcSetting).findOneBy({ itemId }))?.reviewSize ?? DEFAULT_REVIEW_SIZE;
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
      if (earlier.markerId !== me || earlier.refEventId !== eventId) throw new ConflictException('该 clientId 已用于另一次提交');
      return toAnswer(earlier);
    }
    const old = await this.ds.getRepository(MarkEvent).findOneBy({ id: eventId });
    if (!old || old.markerId !== me || old.kind === TaskKind.Trial || old.round >= ARBITRATION_ROUND) throw new NotFoundException('评分记录不存在');
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: old.itemId });
    if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep)) {
      throw new BadRequestException(`分数应为 0–${fmt(item.maxScore)} 之间、步长 ${fmt(item.scoreStep)} 的整数倍`);
    }
    const task = await this.ds.getRepository(MarkingTask).findOneByOrFail({ id: old.taskId });
    let event: MarkEvent;
    try {
      event = await this.ds.transaction('READ COMMITTED', async (m) => {
        await m.query('SELECT id FROM marking_task WHERE snippet_id = ? ORDER BY id FOR UPDATE', [old.snippetId]);
        if (await m.getRepository(MarkSupersession).findOneBy({ markEventId: old.id })) throw new ConflictException('该评分已被修改或已收回，请刷新回评列表');
        const snippet = await m.getRepository(AnswerSnippet).findOneByOrFail({ id: old.snippetId });
        if (await m.getRepository(FinalItemScore).findOneBy({ studentId: snippet.studentId, itemId: snippet.itemId })) throw new ConflictException('该答卷已出分，不能再修改');
        const created = await m.getRepository(MarkEvent).save(
          m.getRepository(MarkEvent).create({
            examId: old.examId, taskId: old.taskId, snippetId: old.snippetId, itemId: old.itemId, markerId: me, round: old.round,
            score: body.score ?? null, problem: body.problem ?? null, secondsSpent: body.secondsSpent ?? 0, clientId: body.clientId,
            kind: old.kind, refEventId: old.id,
            agreed: old.kind === TaskKind.Live ? null : await this.qcAgreement(m, task, item, body),
          }),
        );
        await m.getRepository(MarkSupersession).insert({ markEventId: old.id, reason: 'review', byUserId: me, replacementEventId: created.id });
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
    const anyOpen = await this.ds.query(`SELECT 1 FROM marking_task WHERE exam_id = ? AND status IN ('pending', 'leased') AND kind = 'live' LIMIT 1`, [examId]);
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
    await this.jobs.computeResults(examId);
    return true;
  }

  // ───────────────────────────── arbitration ─────────────────────────────

  async arbitrate(actor: Actor, token: string, body: ArbitrateBody) {
    const ctx = await this.snippetContext(token);
    assertScope(actor.isSubjectLeadOf(ctx.exam.allianceId, ctx.paper.subject), '只有本学科的学科组长或管理员可以仲裁');
    if (!isValidScore(body.score, ctx.item.maxScore, ctx.item.scoreStep)) {
      throw new BadRequestException(`分数应为 0–${fmt(ctx.item.maxScore)} 之间、步长 ${fmt(ctx.item.scoreStep)} 的整数倍`);
    }
    const snippetId = ctx.snippet.id;
    const resolution = await this.ds.transaction('READ COMMITTED', async (m) => {
      await m.query('SELECT id FROM marking_task WHERE snippet_id = ? ORDER BY id FOR UPDATE', [snippetId]);
      const previous = await m.getRepository(FinalItemScore).findOneBy({ studentId: ctx.snippet.studentId, itemId: ctx.item.id });
      let task = await m.getRepository(MarkingTask).findOneBy({ snippetId, round: ARBITRATION_ROUND });
      if (!task) {
        const ins = await m.getRepository(MarkingTask).insert({
          examId: ctx.exam.id, itemId: ctx.item.id, snippetId, round: ARBITRATION_ROUND, status: TaskStatus.Done, leasedBy: actor.userId, shuffleKey: 0,
        });
        task = await m.getRepository(MarkingTask).findOneByOrFail({ id: ins.identifiers[0].id });
      }
      await m.getRepository(MarkEvent).insert({
        examId: ctx.exam.id, taskId: task.id, snippetId, itemId: ctx.item.id, markerId: actor.userId, round: ARBITRATION_ROUND,
        score: body.score, problem: null, secondsSpent: 0, clientId: randomUUID(),
      });
      const res = await this.resolveSnippet(m, snippetId);
      // Every change of a final score is traceable to who and why.
      await m.getRepository(AuditLog).insert({
        userId: actor.userId, action: 'marking.arbitrate', entity: 'answer_snippet', entityId: String(snippetId),
        detail: { itemId: ctx.item.id, score: body.score, previousScore: previous?.score ?? null, previousRule: previous?.ruleVersion ?? null, reason: body.reason ?? null },
      });
      return res;
    });
    await this.triggerResultsIfComplete(ctx.exam.id);
    if (resolution.state !== 'final') throw new Error('arbitration did not resolve the snippet');
    return { token, itemId: ctx.item.id, score: resolution.score, ruleVersion: resolution.ruleVersion, basis: resolution.basis };
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
    const items = new Map((await this.ds.getRepository(Item).findBy({ id: In([...new Set(rows.map((r) => num(r.item_id)))]) })).map((i) => [i.id, i]));
    const events = await this.countingEvents(this.ds.manager, rows.map((r) => num(r.id)));
    return {
      examId: exam.id,
      snippets: rows.map((r) => {
        const item = items.get(num(r.item_id))!;
        const marks = events.filter((e) => e.snippetId === num(r.id) && e.round < ARBITRATION_ROUND).sort((x, y) => x.round - y.round || x.id - y.id);
        const state = resolveFinalScore(ruleOf(item), marks.map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId }))).state;
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
    return { examId: exam.id, examName: exam.name, items, mine: items.reduce((s: number, i: { mine: number }) => s + i.mine, 0) };
  }

  private async examOr404(id: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /** 'all' for the alliance's admin, the lead's subjects, or null when the caller leads nothing there. */
  private leadSubjects(actor: Actor, allianceId: number): string[] | 'all' | null {
    if (actor.isAdminOf(allianceId)) return 'all';
    const subjects = actor.grants.filter((g) => g.role === Role.SubjectLead && g.allianceId === allianceId && g.subject).map((g) => g.subject!);
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
