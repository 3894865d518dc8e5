import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SqlPool } from '../database/sql-pool.js';
import { sqlOf, type Tx, writeWith } from '../database/unit-of-work.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';
import type { HeldLease } from './domain/leasing.js';
import { markingRounds, type MarkingModeName } from './domain/marking-rounds.js';
import { MarkingTask, type TaskKind } from './entities/marking-task.entity.js';

/** A shuffle key per task: markers of one item meet its answers in an order nobody chose. */
const shuffleKey = () => randomInt(0, 2 ** 31 - 1);

// "Not marked by me" is a scalar count, not NOT EXISTS: MariaDB turns that NOT EXISTS into NOT IN over a materialised
// subquery that reads the whole mark_event index (every mark of every marker) on each call; the count is one index
// lookup per candidate row.
const NOT_MARKED_BY = `(SELECT COUNT(*) FROM mark_event e FORCE INDEX (idx_mark_event_snippet_marker) WHERE e.snippet_id = t.snippet_id AND e.marker_id = ?) = 0`;

/** The statements, checked in as text (queries/marking-task.repository.sql): a change shows in review. */
export const SQL = {
  // Locking the marker's user row serialises one marker's concurrent calls (a prefetch racing a reload), so one person
  // never leases two rounds of the same snippet; different markers do not wait for each other here. The same statement
  // reads every task the marker holds (a QC task stays theirs past the lease, so a trial answer is never lost), whatever
  // its item: the service filters them, and their snippets are the ones this marker may not be given another round of.
  // (Filtering by item here made MariaDB weigh every item index: 3× the statement's CPU.)
  lockMarker: `SELECT t.id, t.item_id, t.snippet_id, t.lease_expires_at, t.qc_for FROM \`user\` u
    LEFT JOIN marking_task t FORCE INDEX (idx_marking_task_leased_by) ON t.leased_by = u.id AND t.status = 'leased'
    WHERE u.id = ? FOR UPDATE`,
  // Lapsed leases are rare: read without locking (a locking range scan would also lock the first pending row after the
  // range, which the leasing UPDATE of another marker needs: a deadlock), then lock the row itself (lockLapsed); the
  // read rides with the pool's, whose row is then left unused (locked until the commit, skipped by others). The probe
  // reads the lease index only (no per-row subquery: most calls find nothing, and planning one cost more than the
  // probe); whether this marker marked the answer is asked when a row is locked.
  lapsed: `SELECT t.id FROM marking_task t FORCE INDEX (idx_marking_task_item_lease)
    WHERE t.item_id = ? AND t.status = 'leased' AND t.lease_expires_at <= ? AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
      AND (t.snippet_id NOT IN (?) OR t.id IN (?))
    ORDER BY t.lease_expires_at LIMIT 20`,
  // The pool in shuffle order: the first free row is locked, a row another marker is leasing right now is skipped, not
  // waited for. (Not joined with answer_snippet for the token: that would lock the snippet's row as well, and another
  // round of an answer being leased by someone else would look taken, a 204 at the end of a pool.)
  // "Not marked by me" as an anti-join here (a third less of MariaDB's CPU than the scalar count): it locks nothing of
  // anyone else (only this marker's own marks are read), and this marker's mark still being written by a submit cannot
  // be skipped as locked: that submit holds the answer's tasks, which lockMarker's read of the marker's own tasks
  // waited for.
  lockFromPool: `SELECT STRAIGHT_JOIN t.id, t.snippet_id, t.exam_id FROM marking_task t FORCE INDEX (idx_marking_task_item_pool)
    LEFT JOIN mark_event e FORCE INDEX (idx_mark_event_snippet_marker) ON e.snippet_id = t.snippet_id AND e.marker_id = ?
    WHERE t.item_id = ? AND t.status = 'pending' AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND} AND t.snippet_id NOT IN (?) AND e.id IS NULL
    ORDER BY t.shuffle_key, t.id LIMIT 1 FOR UPDATE SKIP LOCKED`,
  lockLapsed: `SELECT id, snippet_id, exam_id FROM marking_task t WHERE id = ? AND status = 'leased' AND lease_expires_at <= ? AND ${NOT_MARKED_BY} FOR UPDATE SKIP LOCKED`,
  lease: `UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE id = ?`,
  insertQcTask: `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, leased_by, lease_expires_at, shuffle_key, kind, qc_for, attempt, ref_event_id)
    VALUES (?, ?, ?, 0, 'leased', ?, ?, 0, ?, ?, 0, ?)`,
  anyLeft: `SELECT 1 FROM marking_task t WHERE t.item_id IN (?) AND t.status = 'pending' AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
      AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = t.snippet_id AND o.id <> t.id AND o.leased_by = ? AND o.status = 'leased')
      AND ${NOT_MARKED_BY} LIMIT 1`,
  snippetOf: 'SELECT snippet_id FROM marking_task WHERE id = ?',
  // Every statement that locks a snippet's tasks walks the same index, uq_marking_task_slot (snippet first), so they
  // lock in one order; without the hint, stale statistics make MariaDB walk the primary key (ORDER BY id): the whole
  // table read, and every row locked by someone else waited for, on each submit.
  lockSnippet: `SELECT id, item_id, exam_id, snippet_id, round, status, kind, leased_by, attempt, ref_event_id FROM marking_task FORCE INDEX (uq_marking_task_slot)
    WHERE snippet_id = ? ORDER BY id FOR UPDATE`,
  lockSnippetIds:
    'SELECT id FROM marking_task FORCE INDEX (uq_marking_task_slot) WHERE snippet_id = ? ORDER BY id FOR UPDATE',
  done: `UPDATE marking_task SET status = 'done', lease_expires_at = NULL WHERE id = ?`,
  // Whether any live task of an exam is still open (nearly always, during marking): then it cannot be complete.
  examOpen: `SELECT 1 FROM marking_task WHERE exam_id = ? AND status IN ('pending', 'leased') AND kind = 'live' LIMIT 1`,
  ofSnippet: 'SELECT id, round, status, kind, attempt FROM marking_task WHERE snippet_id = ?',
  markVoid: `UPDATE marking_task SET status = 'void' WHERE id IN (?)`,
  addThirdRound: `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key, kind, qc_for, attempt) VALUES (?, ?, ?, 3, 'pending', ?, 'live', 0, ?)`,
  attemptsOfRound: `SELECT attempt FROM marking_task WHERE snippet_id = ? AND round = ? AND kind = 'live'`,
  addRound: `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key, kind, qc_for, attempt) VALUES (?, ?, ?, ?, 'pending', ?, 'live', 0, ?)`,
  arbitrationTask: `SELECT id FROM marking_task WHERE snippet_id = ? AND round = ${ARBITRATION_ROUND} LIMIT 1`,
  addArbitrationTask: `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, leased_by, shuffle_key) VALUES (?, ?, ?, ${ARBITRATION_ROUND}, 'done', ?, 0)`,
  releaseLeases: `UPDATE marking_task SET status = 'pending', leased_by = NULL, lease_expires_at = NULL WHERE item_id = ? AND leased_by = ? AND status = 'leased' AND kind = 'live'`,
  markerMaySee: `SELECT 1 AS ok FROM marking_task WHERE snippet_id = ? AND leased_by = ? AND status = 'leased' AND lease_expires_at > ?
    UNION ALL SELECT 1 FROM mark_event WHERE snippet_id = ? AND marker_id = ? LIMIT 1`,
};

/** A marking_task row as the hot path reads it (raw SQL: numbers may come back as strings). */
export interface TaskRow {
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

/** A live task just locked for leasing. */
export interface PoolRow {
  id: number;
  snippet_id: number;
  exam_id: number;
}

/** The marking_task table's statements: tasks created, leased, done, voided, re-queued. */
@Injectable()
export class MarkingTaskRepository {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  /**
   * The first rounds' tasks of a student's answers just recorded (page read → tasks, in the page's transaction). Tasks
   * that exist already are kept (a page read again adds nothing). One statement, which finds the snippets' ids itself:
   * (item, round, shuffle key) per task as a derived table joined to the student's snippets of those items.
   */
  createForSnippets(tx: Tx, examId: number, studentId: number, items: { itemId: number; markingMode: string }[]): void {
    if (!items.length) return;
    const tasks: number[][] = [];
    for (const i of items)
      for (const round of markingRounds(i.markingMode as MarkingModeName)) tasks.push([i.itemId, round, shuffleKey()]);
    const derived = tasks
      .map((_, n) => (n ? 'SELECT ?, ?, ?' : 'SELECT ? AS item_id, ? AS round, ? AS shuffle_key'))
      .join(' UNION ALL ');
    void writeWith(
      tx,
      'INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key) ' +
        `SELECT ?, s.item_id, s.id, t.round, 'pending', t.shuffle_key FROM answer_snippet s JOIN (${derived}) t ON t.item_id = s.item_id ` +
        'WHERE s.student_id = ? AND s.item_id IN (' +
        items.map(() => '?').join(', ') +
        ') ON DUPLICATE KEY UPDATE marking_task.id = marking_task.id',
      [examId, ...tasks.flat(), studentId, ...items.map((i) => i.itemId)],
    );
  }

  // ── leasing (next) ──

  /** Locks the marker's user row and reads every task the marker holds (one row with id null when none). */
  lockMarker(tx: Tx, markerId: number): Promise<HeldLease[]> {
    return sqlOf(tx).query(SQL.lockMarker, [markerId]);
  }

  /** Lapsed leases of the item the marker may take (read without locks), with the transaction's next round trip. */
  lapsedLater(
    tx: Tx,
    itemId: number,
    now: Date,
    notHeld: number[],
    heldIds: number[],
    onRows: (rows: { id: number }[]) => void,
  ): void {
    sqlOf(tx).later(SQL.lapsed, [itemId, now, notHeld, heldIds], onRows);
  }

  /** The item's next pending live task in shuffle order that the marker has not marked, locked; none if all are taken. */
  lockFromPool(tx: Tx, markerId: number, itemId: number, notHeld: number[]): Promise<PoolRow[]> {
    return sqlOf(tx).query(SQL.lockFromPool, [markerId, itemId, notHeld]);
  }

  /** The lapsed task locked, if it is still lapsed, not being taken by someone else, and not marked by the marker. */
  lockLapsed(tx: Tx, taskId: number, now: Date, markerId: number): Promise<PoolRow[]> {
    return sqlOf(tx).query(SQL.lockLapsed, [taskId, now, markerId]);
  }

  /** The locked task leased to the marker: sent with the COMMIT (nothing reads its result). */
  lease(tx: Tx, taskId: number, markerId: number, expires: Date): void {
    sqlOf(tx).later(SQL.lease, [markerId, expires, taskId]);
  }

  /** A quality-control task (trial, seed, self) of one marker, leased to them at once. */
  insertQcTask(
    tx: Tx,
    kind: TaskKind,
    markerId: number,
    examId: number,
    itemId: number,
    snippetId: number,
    expires: Date,
    refEventId: number | null,
  ): Promise<{ insertId: number }> {
    return sqlOf(tx).query(SQL.insertQcTask, [
      examId,
      itemId,
      snippetId,
      markerId,
      expires,
      kind,
      markerId,
      refEventId,
    ]);
  }

  /** Whether any pending task of these items is one the marker could take, ignoring row locks (no locks taken). */
  async anyLeftFor(markerId: number, itemIds: number[]): Promise<boolean> {
    const rows: unknown[] = await this.sql.query(SQL.anyLeft, [itemIds, markerId, markerId]);
    return rows.length > 0;
  }

  // ── submitting and resolving ──

  findById(id: number): Promise<MarkingTask | null> {
    return this.ds.getRepository(MarkingTask).findOneBy({ id });
  }

  snippetOf(tx: Tx, taskId: number): Promise<{ snippet_id: number }[]> {
    return sqlOf(tx).query(SQL.snippetOf, [taskId]);
  }

  /** Every task of the snippet, locked (in the one lock order: uq_marking_task_slot). */
  lockSnippetTasks(tx: Tx, snippetId: number): Promise<TaskRow[]> {
    return sqlOf(tx).query(SQL.lockSnippet, [snippetId]);
  }

  /** Every task of the snippet locked, nothing read (re-queue, 回评, arbitration: the same index, the same order). */
  async lockSnippet(tx: Tx, snippetId: number): Promise<void> {
    await sqlOf(tx).query(SQL.lockSnippetIds, [snippetId]);
  }

  /** The task is done: rides with the transaction's next round trip. */
  done(tx: Tx, taskId: number): void {
    sqlOf(tx).later(SQL.done, [taskId]);
  }

  /** Whether any live task of the exam is open, read right after the COMMIT in its round trip. */
  examOpenAfterCommit(tx: Tx, examId: number, onRows: (rows: unknown[]) => void): void {
    sqlOf(tx).afterCommit(SQL.examOpen, [examId], onRows);
  }

  /** Whether any live task of the exam is open (autocommit, on the hot path's pool). */
  async examOpen(examId: number): Promise<boolean> {
    const rows: unknown[] = await this.sql.query(SQL.examOpen, [examId]);
    return rows.length > 0;
  }

  ofSnippet(tx: Tx, snippetId: number): Promise<TaskRow[]> {
    return sqlOf(tx).query(SQL.ofSnippet, [snippetId]);
  }

  /** Tasks no longer needed (never handed out again): rides with the transaction's next round trip. */
  voidTasks(tx: Tx, taskIds: number[]): void {
    sqlOf(tx).later(SQL.markVoid, [taskIds]);
  }

  /** A third live round of the snippet, in the pool: rides with the transaction's next round trip. */
  addThirdRound(tx: Tx, examId: number, itemId: number, snippetId: number, attempt: number): void {
    sqlOf(tx).later(SQL.addThirdRound, [examId, itemId, snippetId, shuffleKey(), attempt]);
  }

  /** A re-queued round: a new attempt of it in the pool, after every earlier attempt of the same round. */
  async requeueRound(tx: Tx, examId: number, itemId: number, snippetId: number, round: number): Promise<void> {
    const attempts: { attempt: number }[] = await sqlOf(tx).query(SQL.attemptsOfRound, [snippetId, round]);
    const attempt = attempts.reduce((a, t) => Math.max(a, Number(t.attempt) + 1), 0);
    sqlOf(tx).later(SQL.addRound, [examId, itemId, snippetId, round, shuffleKey(), attempt]);
  }

  /** The snippet's arbitration task (created done, never handed out), created by the lead when there is none. */
  async arbitrationTask(tx: Tx, examId: number, itemId: number, snippetId: number, leadId: number): Promise<number> {
    const [task]: { id: number }[] = await sqlOf(tx).query(SQL.arbitrationTask, [snippetId]);
    if (task) return Number(task.id);
    const ok: { insertId: number } = await sqlOf(tx).query(SQL.addArbitrationTask, [examId, itemId, snippetId, leadId]);
    return Number(ok.insertId);
  }

  /** A suspended marker's open leases on the item go back to the pool. */
  async releaseLeases(itemId: number, markerId: number): Promise<void> {
    await this.ds.query(SQL.releaseLeases, [itemId, markerId]);
  }

  /** Whether the marker holds a live lease of the snippet or has marked it. */
  async markerMaySee(snippetId: number, markerId: number, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(SQL.markerMaySee, [snippetId, markerId, now, snippetId, markerId]);
    return rows.length > 0;
  }
}
