import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { queryOf, type Tx, writeWith } from '../database/unit-of-work.js';

/**
 * Rows per exam that a bump spreads over (migration 1765570000000): one hot row made every settling mark of an exam wait
 * for the previous one's commit.
 */
export const SCORE_VERSION_SHARDS = 16;

/** The statements, checked in as text (queries/score-version.repository.sql): a change shows in review. */
export const SQL = {
  bump:
    'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, ?, 1, CURRENT_TIMESTAMP(6)) ' +
    'ON DUPLICATE KEY UPDATE version = version + 1, changed_at = CURRENT_TIMESTAMP(6)',
  ensure:
    'INSERT IGNORE INTO score_version (exam_id, shard, version, changed_at) VALUES ' +
    Array.from({ length: SCORE_VERSION_SHARDS }, (_, i) => `(?, ${i}, 0, CURRENT_TIMESTAMP(6))`).join(', '),
  current: 'SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?',
  // Exams whose scores changed after their results were computed (or never computed), quiet for a while.
  owed:
    'SELECT v.exam_id AS examId, v.version AS version, a.computed AS computed FROM ' +
    '(SELECT exam_id, SUM(version) AS version, MAX(changed_at) AS changed_at FROM score_version GROUP BY exam_id) v ' +
    "JOIN exam e ON e.id = v.exam_id AND e.status <> 'imported' " +
    'LEFT JOIN (SELECT exam_id, MIN(score_version) AS computed FROM exam_analysis GROUP BY exam_id) a ON a.exam_id = v.exam_id ' +
    'WHERE v.version > COALESCE(a.computed, 0) AND v.changed_at < NOW(6) - INTERVAL ? SECOND ORDER BY v.exam_id LIMIT ?',
};

/**
 * The score_version table: one counter per exam, kept in SCORE_VERSION_SHARDS rows whose sum is the version. Every writer of final scores, objective scores, read pages or
 * 缺考 marks calls `bump` in its own transaction, so the version and the change commit together.
 */
@Injectable()
export class ScoreVersionRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /**
   * The exam's scores changed in this transaction. On the SqlPool it rides with the next round trip (usually the
   * COMMIT), so the row lock that orders versions is held only for the commit, not across the marking transaction.
   */
  async bump(tx: Tx, examId: number): Promise<void> {
    await writeWith(tx, SQL.bump, [examId, randomInt(SCORE_VERSION_SHARDS)]);
  }

  /** The exam's rows, created with the exam (so a bump updates rather than inserts). */
  async ensure(tx: Tx, examId: number): Promise<void> {
    await queryOf(tx).query(SQL.ensure, Array(SCORE_VERSION_SHARDS).fill(examId));
  }

  /**
   * Exams whose current score version (`version`) is newer than their stored results (`computed`: the version those were computed
   * from, null when never), whose last change is older than `olderThanSeconds`: results owed, for the reconciliation.
   */
  async owed(
    olderThanSeconds: number,
    limit: number,
  ): Promise<{ examId: number; version: number; computed: number | null }[]> {
    const rows: { examId: number; version: number | string; computed: number | string | null }[] = await this.ds.query(
      SQL.owed,
      [olderThanSeconds, limit],
    );
    return rows.map((r) => ({
      examId: Number(r.examId),
      version: Number(r.version),
      computed: r.computed === null ? null : Number(r.computed),
    }));
  }

  /** The exam's current score version (0: never changed). */
  async current(examId: number, tx?: Tx): Promise<number> {
    const rows: { version: number | string }[] = await (tx ? queryOf(tx) : this.ds).query(SQL.current, [examId]);
    return rows.length ? Number(rows[0].version ?? 0) : 0;
  }
}
