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
import { MarkingTask, TaskStatus } from './entities/marking-task.entity.js';

/** A lease is how long a marker may hold a task before it goes back to the pool. */
export const LEASE_MINUTES = 10;
/**
 * The subject lead's arbitration is recorded like any mark: an immutable MarkEvent on a task of this round
 * (created already done, so it is never handed out). Rounds 1–3 are markers' rounds.
 */
export const ARBITRATION_ROUND = 9;
/** Candidates read per attempt when leasing; each is then tried with SKIP LOCKED. */
const CANDIDATES = 30;

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
    const filters: string[] = [`(${scope.join(' OR ')})`];
    const filterParams: unknown[] = [...scopeParams];
    if (body.examId !== undefined) {
      filters.push('t.exam_id = ?');
      filterParams.push(body.examId);
    }
    if (body.itemId !== undefined) {
      filters.push('t.item_id = ?');
      filterParams.push(body.itemId);
    }
    const joins = 'FROM marking_task t JOIN exam e ON e.id = t.exam_id JOIN item i ON i.id = t.item_id JOIN paper p ON p.id = i.paper_id';
    const me = actor.userId;

    const taskId = await this.ds.transaction('READ COMMITTED', async (m) => {
      // Serialises one marker's concurrent calls (a prefetch racing a reload), so one person never
      // leases two rounds of the same snippet. Different markers do not wait for each other here.
      await m.query('SELECT id FROM `user` WHERE id = ? FOR UPDATE', [me]);
      const now = this.now();

      const held = await m.query(
        `SELECT t.id ${joins} WHERE t.status = 'leased' AND t.leased_by = ? AND t.lease_expires_at > ? AND ${filters.join(' AND ')}` +
          (body.exceptTaskId ? ' AND t.id <> ?' : '') +
          ' ORDER BY t.id LIMIT 1',
        [me, now, ...filterParams, ...(body.exceptTaskId ? [body.exceptTaskId] : [])],
      );
      if (held.length) return num(held[0].id);

      const tried: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const candidates: { id: number }[] = await m.query(
          `SELECT t.id ${joins}
           WHERE (t.status = 'pending' OR (t.status = 'leased' AND t.lease_expires_at <= ?))
             AND t.round < ${ARBITRATION_ROUND}
             AND ${filters.join(' AND ')}
             ${tried.length ? 'AND t.id NOT IN (?)' : ''}
             AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = t.snippet_id AND o.id <> t.id AND o.leased_by = ?)
             AND NOT EXISTS (SELECT 1 FROM mark_event me WHERE me.snippet_id = t.snippet_id AND me.marker_id = ?)
           ORDER BY t.shuffle_key, t.id
           LIMIT ${CANDIDATES}`,
          [now, ...filterParams, ...(tried.length ? [tried] : []), me, me],
        );
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
          const expires = new Date(now.getTime() + LEASE_MINUTES * 60_000);
          await m.query(`UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE id = ?`, [me, expires, id]);
          return id;
        }
      }
      return null;
    });
    return taskId === null ? null : this.taskView(taskId);
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
        `SELECT 1 AS ok FROM marking_task WHERE snippet_id = ? AND leased_by = ? AND status IN ('leased', 'done')
         UNION ALL SELECT 1 FROM mark_event WHERE snippet_id = ? AND marker_id = ? LIMIT 1`,
        [ctx.snippet.id, me, ctx.snippet.id, me],
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
    const events = await m.getRepository(MarkEvent).find({ where: { snippetId }, order: { id: 'ASC' } });
    const marks: MarkInput[] = events.filter((e) => e.round < ARBITRATION_ROUND).map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId }));
    const arbitration = events.filter((e) => e.round === ARBITRATION_ROUND).at(-1)?.score ?? undefined;
    const resolution = resolveFinalScore(ruleOf(item), marks, arbitration);
    if (resolution.state === 'final') {
      const repo = m.getRepository(FinalItemScore);
      const existing = await repo.findOneBy({ studentId: snippet.studentId, itemId: snippet.itemId });
      const values = { score: resolution.score, source: ScoreSource.Marking, ruleVersion: resolution.ruleVersion };
      if (existing) await repo.update({ id: existing.id }, values);
      else await repo.insert({ examId: snippet.examId, paperId: item.paperId, studentId: snippet.studentId, itemId: snippet.itemId, ...values });
    } else if (resolution.state === 'need_third') {
      const third = await m.getRepository(MarkingTask).findOneBy({ snippetId, round: 3 });
      if (!third) {
        await m.getRepository(MarkingTask).insert({ examId: snippet.examId, itemId: snippet.itemId, snippetId, round: 3, status: TaskStatus.Pending, shuffleKey: randomInt(0, 2 ** 31 - 1) });
      }
    }
    return resolution;
  }

  /** When every task of the exam is done and every snippet has a final score, results can be computed. */
  private async triggerResultsIfComplete(examId: number): Promise<boolean> {
    const [row] = await this.ds.query(
      `SELECT
         (SELECT COUNT(*) FROM marking_task WHERE exam_id = ? AND status <> 'done') AS open_tasks,
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
         AND EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id)
         AND NOT EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.status <> 'done')
         AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)
       ORDER BY s.item_id, s.id LIMIT 500`,
      subjects === 'all' ? [exam.id] : [exam.id, subjects],
    );
    if (!rows.length) return { examId: exam.id, snippets: [] };
    const items = new Map((await this.ds.getRepository(Item).findBy({ id: In([...new Set(rows.map((r) => num(r.item_id)))]) })).map((i) => [i.id, i]));
    const events = await this.ds.getRepository(MarkEvent).find({ where: { snippetId: In(rows.map((r) => num(r.id))) }, order: { id: 'ASC' } });
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
            AND EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.status <> 'done')
            AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS awaiting_lead,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.round < ${ARBITRATION_ROUND}
            AND (t.status = 'pending' OR (t.status = 'leased' AND t.lease_expires_at <= ?))) AS pending,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.status = 'leased' AND t.lease_expires_at > ?) AS leased,
         (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.round < ${ARBITRATION_ROUND} AND t.status = 'done') AS done,
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
