import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryOf, type Tx, writeWith } from '../database/unit-of-work.js';

/** The statements, checked in as text (queries/score-version.repository.sql): a change shows in review. */
export const SQL = {
  bump:
    'INSERT INTO score_version (exam_id, version, changed_at) VALUES (?, 1, CURRENT_TIMESTAMP(6)) ' +
    'ON DUPLICATE KEY UPDATE version = version + 1, changed_at = CURRENT_TIMESTAMP(6)',
  ensure: 'INSERT IGNORE INTO score_version (exam_id, version, changed_at) VALUES (?, 0, CURRENT_TIMESTAMP(6))',
  current: 'SELECT version FROM score_version WHERE exam_id = ?',
};

/**
 * The score_version table: one counter per exam. Every writer of final scores, objective scores, read pages or
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
    await writeWith(tx, SQL.bump, [examId]);
  }

  /** The exam's row, created with the exam (so the first bump updates rather than inserts). */
  async ensure(tx: Tx, examId: number): Promise<void> {
    await queryOf(tx).query(SQL.ensure, [examId]);
  }

  /** The exam's current score version (0: never changed). */
  async current(examId: number, tx?: Tx): Promise<number> {
    const rows: { version: number | string }[] = await (tx ? queryOf(tx) : this.ds).query(SQL.current, [examId]);
    return rows.length ? Number(rows[0].version) : 0;
  }
}
