// Leasing (next) and submitting (submit): the marking hot path, hundreds of calls a second at city load. Each call is
// one SqlPool transaction of few round trips (next: 3, submit: 2, or 3 when the mark settles the answer): statements
// that need not wait for each other's answers share a round trip (the repositories' `later` methods), since on this
// machine a statement's own cost is often smaller than its round trip's.
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Actor, assertScope } from '../common/actor.js';
import { Role } from '../common/role.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';
import { type Assignment, eligibleAssignments, type HeldLease, heldTask, type LeasedTask } from './domain/leasing.js';
import { isValidScore, type Resolution } from './domain/resolve-final-score.js';
import { NextTaskBody, NextTaskResponse, requiredId, SubmitMarkBody, SubmitMarkResponse } from './dto/marking.dto.js';
import { TaskKind, TaskStatus } from './entities/marking-task.entity.js';
import { type ItemFacts, ItemFactsCache } from './item-facts.cache.js';
import { MarkEventRepository, type NewMark } from './mark-event.repository.js';
import { MarkResolutionService } from './mark-resolution.service.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { MarkingTaskRepository, type TaskRow } from './marking-task.repository.js';
import { QualityControlService } from './quality-control.service.js';
import { answerFor, isDupEntry, scoreError, taskView } from './mark-responses.js';

/** A lease is how long a marker may hold a task before it goes back to the pool. */
export const LEASE_MINUTES = 10;
/** How many task → snippet pairs of leased tasks one API process remembers (the oldest are forgotten first). */
const TASK_SNIPPETS_MAX = 100_000;

const num = (v: unknown) => Number(v ?? 0);

/** What one lease transaction found: the task (or none), the facts of the marker's items, the items open to them. */
interface Leased {
  task: LeasedTask | null;
  facts: Map<number, ItemFacts>;
  live: number[];
}

/** What one submit transaction wrote. */
interface Submitted {
  event: SubmitMarkResponse;
  added: NewMark;
  task: TaskRow;
  facts: ItemFacts;
  resolution: Resolution | null;
  examOpen: () => boolean;
}

@Injectable()
export class MarkingLeaseService {
  /** Task → snippet of tasks this process leased (immutable facts), so a submit need not look it up. Bounded. */
  private readonly taskSnippets = new Map<number, number>();

  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkerAssignmentRepository) private readonly assignments: MarkerAssignmentRepository,
    @Inject(MarkingSnippetRepository) private readonly snippets: MarkingSnippetRepository,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
    @Inject(QualityControlService) private readonly qc: QualityControlService,
    @Inject(MarkResolutionService) private readonly resolution: MarkResolutionService,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
  ) {}

  /** The clock, in one place (tests move leases by editing rows, not the clock). */
  protected now(): Date {
    return new Date();
  }

  // ───────────────────────────── leasing ─────────────────────────────

  async next(actor: Actor, body: NextTaskBody): Promise<NextTaskResponse | null> {
    assertScope(
      actor.grants.some((g) => g.role === Role.Marker),
      '您不是阅卷教师',
    );
    const me = actor.userId;
    const now = this.now();
    const expires = new Date(now.getTime() + LEASE_MINUTES * 60_000);
    // SKIP LOCKED hides a task that someone is leasing or submitting at this instant (a submit locks every round of
    // its answer). At the end of a pool that would be a 204 while work is left: look again, without locks, first.
    let leased = await this.uow.run((tx) => this.lease(tx, actor, body, now, expires));
    if (leased === 'unassigned') {
      await this.checkNextFilters(actor, body);
      return null;
    }
    for (
      let retry = 0;
      leased.task === null && retry < 5 && leased.live.length > 0 && (await this.tasks.anyLeftFor(me, leased.live));
      retry++
    ) {
      await new Promise((r) => setTimeout(r, 20 * (retry + 1)));
      const again = await this.uow.run((tx) => this.lease(tx, actor, body, now, expires));
      if (again === 'unassigned') return null;
      leased = again;
    }
    const task = leased.task;
    if (task === null) return null;
    this.rememberSnippet(num(task.id), num(task.snippet_id));
    const [snippet] = task.token ? [{ token: task.token }] : await this.snippets.token(task.snippet_id);
    return taskView(task, snippet.token, leased.facts.get(num(task.item_id))!);
  }

  /**
   * One lease, in one transaction (READ COMMITTED, on the SqlPool, as every marking transaction): the task the marker
   * already holds, else a trial answer due, else the next live answer (or a seed or self re-mark in its place).
   */
  private async lease(
    tx: Tx,
    actor: Actor,
    body: NextTaskBody,
    now: Date,
    expires: Date,
  ): Promise<Leased | 'unassigned'> {
    const me = actor.userId;
    // 题块: a marker marks only the items it is assigned to; with no assignment it gets nothing. The assignments ride
    // with the lock of the marker's row, which also reads every task the marker holds.
    let assigned: Assignment[] = [];
    this.assignments.withStandingLater(tx, me, (rows) => (assigned = rows));
    const mine = await this.tasks.lockMarker(tx, me);
    const facts = await this.items.get(assigned.map((a) => num(a.item_id)));
    const eligible = eligibleAssignments(actor, body, assigned, facts);
    if (!eligible.length) return 'unassigned';
    const itemIds = eligible.map((a) => num(a.item_id));
    const gate = await this.qc.gate(tx, me, eligible, facts, now);
    const live = itemIds.filter((id) => !gate.blocked.has(id));
    // 试评 first: a marker in trial on an item gets its trial answers, one each, before any live answer of it.
    const task =
      heldTask(mine, itemIds, body.exceptTaskId, me, now) ??
      (gate.trial.length ? await this.qc.trialTask(tx, me, gate.trial, expires) : null) ??
      (await this.leaseLive(tx, me, mine, live, facts, now, expires));
    // The snippet's token rides with the COMMIT when the lease did not read it.
    if (task && task.token === undefined)
      this.snippets.tokenLater(tx, task.snippet_id, (rows) => (task.token = rows[0]?.token));
    return { task, facts, live };
  }

  /**
   * Live answers, one item after another from a random start (markers of several items spread over them). Each probe
   * walks one index from its start and locks the first free row: lapsed leases by expiry, then the pool in shuffle
   * order. A row another marker is leasing right now is skipped, not waited for; one this marker has marked, or whose
   * other round it holds, is passed over.
   */
  private async leaseLive(
    tx: Tx,
    me: number,
    mine: HeldLease[],
    live: number[],
    facts: Map<number, ItemFacts>,
    now: Date,
    expires: Date,
  ): Promise<LeasedTask | null> {
    // Answers of which this marker holds a round (leased, lapsed or not): never a second round of one of them.
    const heldSnippets = mine.filter((t) => t.id !== null).map((t) => num(t.snippet_id));
    const heldIds = mine.filter((t) => t.id !== null).map((t) => num(t.id));
    const start = live.length > 1 ? randomInt(0, live.length) : 0;
    const notHeld = heldSnippets.length ? heldSnippets : [0];
    for (let k = 0; k < live.length; k++) {
      const itemId = live[(start + k) % live.length];
      // Lapsed leases ride with the pool's probe; a lapsed one found is then locked instead of the pool's row.
      let lapsed: { id: number }[] = [];
      this.tasks.lapsedLater(tx, itemId, now, notHeld, heldIds.length ? heldIds : [0], (r) => (lapsed = r));
      let rows = await this.tasks.lockFromPool(tx, me, itemId, notHeld);
      for (const l of lapsed) {
        const got = await this.tasks.lockLapsed(tx, l.id, now, me);
        if (got.length) {
          rows = got;
          break;
        }
      }
      if (!rows.length) continue;
      const c = rows[0];
      // Seeds and self re-marking are mixed in here, in place of this live answer, looking exactly like one.
      const qc = await this.qc.draw(tx, me, itemId, facts.get(itemId)!.qc);
      if (qc) {
        const at = { snippet_id: qc.snippetId, item_id: itemId, exam_id: num(c.exam_id) };
        return this.qc.leaseQcTask(tx, qc.kind, me, at, expires, qc.refEventId);
      }
      // Sent with the COMMIT (one round trip): nothing here reads its result.
      this.tasks.lease(tx, c.id, me, expires);
      return { id: num(c.id), item_id: itemId, snippet_id: num(c.snippet_id), lease_expires_at: expires };
    }
    return null;
  }

  private rememberSnippet(taskId: number, snippetId: number): void {
    if (this.taskSnippets.size >= TASK_SNIPPETS_MAX) this.taskSnippets.delete(this.taskSnippets.keys().next().value!);
    this.taskSnippets.set(taskId, snippetId);
  }

  /** With nothing assigned that matches: an unknown exam or item is a 404, one outside the caller's scope a 403. */
  private async checkNextFilters(actor: Actor, body: NextTaskBody): Promise<void> {
    if (body.examId !== undefined)
      await this.exams.forActor(actor, body.examId, (a, e) => a.isMarkerIn(e.allianceId), '您不是该考试的阅卷教师');
    if (body.itemId !== undefined) {
      const f = await this.items.one(body.itemId);
      if (!f) throw new NotFoundException('题目不存在');
      assertScope(actor.isMarkerIn(f.exam.allianceId, f.paper.subject), '您没有该题的阅卷权限');
    }
  }

  // ───────────────────────────── submitting ─────────────────────────────

  async submit(actor: Actor, taskIdRaw: unknown, body: SubmitMarkBody): Promise<SubmitMarkResponse> {
    const taskId = requiredId(taskIdRaw, '任务编号');
    const me = actor.userId;
    let result: Submitted | { duplicateId: number };
    try {
      result = await this.uow.run((tx) => this.record(tx, taskId, me, body));
    } catch (e) {
      // Two identical submits racing, or a clientId already used: the unique clientId lets exactly one in.
      if (!isDupEntry(e)) throw e;
      const winner = await this.events.findByClientId(body.clientId);
      if (!winner) throw e;
      return answerFor(winner, me, taskId);
    }
    if ('duplicateId' in result) return answerFor((await this.events.findById(result.duplicateId))!, me, taskId);
    this.taskSnippets.delete(taskId);
    // The insert's id arrived with the round trip that carried it.
    result.event.markEventId = result.added.eventId;
    const kind = result.task.kind as TaskKind;
    if (kind === TaskKind.Seed) await this.qc.afterSeed(me, result.facts.item);
    else if (kind === TaskKind.Trial) await this.qc.afterTrial(me, result.facts.item);
    if (result.resolution?.state === 'final' && !result.examOpen())
      await this.resolution.triggerResultsIfComplete(num(result.task.exam_id));
    return result.event;
  }

  /** The mark, in one transaction: the answer's tasks locked, the task done, the mark recorded, the answer resolved. */
  private async record(
    tx: Tx,
    taskId: number,
    me: number,
    body: SubmitMarkBody,
  ): Promise<Submitted | { duplicateId: number }> {
    // Lock every task of the snippet: submits of round 1 and round 2 of one answer are serialised, so whichever comes
    // second sees both marks and resolves the final score. (Two statements: locking through a join would lock this
    // task's row first, out of the snippet's order.) Which snippet a task is of never changes: this process remembers
    // it for the tasks it leased.
    const snippetId = this.taskSnippets.get(taskId) ?? (await this.tasks.snippetOf(tx, taskId))[0]?.snippet_id;
    if (snippetId === undefined) throw new NotFoundException('阅卷任务不存在');
    const locked = await this.tasks.lockSnippetTasks(tx, snippetId);
    const task = locked.find((r) => num(r.id) === taskId);
    if (!task || num(task.round) >= ARBITRATION_ROUND) throw new NotFoundException('阅卷任务不存在');
    // (A miss is read on TypeORM's pool, not this pool: holding this connection never waits for a second one of it.)
    const facts = await this.items.one(num(task.item_id));
    if (!facts) throw new NotFoundException('阅卷任务不存在');
    const item = facts.item;
    if (body.score !== undefined && !isValidScore(body.score, item.maxScore, item.scoreStep))
      throw scoreError(item.maxScore, item.scoreStep);
    if (task.status !== TaskStatus.Leased || num(task.leased_by) !== me) return this.notLeased(tx, task, me, body);
    const kind = task.kind as TaskKind;
    const refEventId = task.ref_event_id === null ? null : num(task.ref_event_id);
    const agreed =
      kind === TaskKind.Live
        ? null
        : await this.qc.agreement(tx, { kind, snippetId: num(task.snippet_id), refEventId }, item, body);
    // The task is done, and the mark inserted: both ride with the next statement (the answer's marks, when this mark
    // may settle it) or the COMMIT (the update first; both or neither commit). A clientId used before makes the
    // insert fail on its unique key: handled by submit, nothing is written.
    this.tasks.done(tx, taskId);
    const added = newMark(task, item.id, me, body, refEventId, agreed);
    this.events.recordMark(tx, added);
    task.status = TaskStatus.Done;
    const resolution =
      kind === TaskKind.Live
        ? await this.resolution.resolveSnippet(tx, num(task.snippet_id), locked, added, facts)
        : null;
    // Results can only become due when this mark settled an answer: whether any task of the exam is still open is
    // read right after the COMMIT, in its round trip (a read inside the transaction could miss the last two answers
    // of an exam settled at the same instant).
    let examOpen = true;
    if (resolution?.state === 'final')
      this.tasks.examOpenAfterCommit(tx, num(task.exam_id), (rows) => (examOpen = rows.length > 0));
    const event = { markEventId: 0, taskId, score: body.score ?? null, problem: body.problem ?? null };
    return { event, added, task, facts, resolution, examOpen: () => examOpen };
  }

  /** The task is not leased to this marker: a repeated submit gets the first answer back; anything else is refused. */
  private async notLeased(tx: Tx, task: TaskRow, me: number, body: SubmitMarkBody): Promise<{ duplicateId: number }> {
    // A repeated submit (flaky network, double Enter) gets the first answer back and writes nothing.
    const [same] = await this.events.idByClientId(tx, body.clientId);
    if (same) return { duplicateId: num(same.id) };
    // An expired lease that nobody else has taken is still honoured (status stays leased): the work was done.
    if (task.status === TaskStatus.Done && num(task.leased_by) === me) throw new ConflictException('该题已提交过评分');
    throw new ConflictException('该任务已不在您名下（可能已超时被收回），请领取新任务');
  }
}

/** The mark about to be recorded for the task (its event id comes with the round trip that carries the insert). */
function newMark(
  task: TaskRow,
  itemId: number,
  me: number,
  body: SubmitMarkBody,
  refEventId: number | null,
  agreed: boolean | null,
): NewMark {
  return {
    examId: num(task.exam_id),
    taskId: num(task.id),
    snippetId: num(task.snippet_id),
    itemId,
    markerId: me,
    round: num(task.round),
    score: body.score ?? null,
    problem: body.problem ?? null,
    secondsSpent: body.secondsSpent ?? 0,
    clientId: body.clientId,
    kind: task.kind,
    refEventId,
    agreed,
    eventId: 0,
  };
}
