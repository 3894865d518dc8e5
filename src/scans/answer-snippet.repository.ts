import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { queryOf, type Tx, writeWith } from '../database/unit-of-work.js';

/** The statements, checked in as text (queries/answer-snippet.repository.sql). */
export const SQL = {
  recordCuts:
    'INSERT INTO answer_snippet (exam_id, page_id, student_id, item_id, blob_key, token) VALUES ? ' +
    'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), blob_key = VALUES(blob_key)',
  countLeftOver: 'SELECT COUNT(*) AS n FROM answer_snippet WHERE student_id = ? AND item_id IN (?) AND page_id <> ?',
  moveToStudent: 'UPDATE answer_snippet SET student_id = ? WHERE page_id = ?',
};

/** The answer_snippet table's statements: a subjective answer cut out of a page, known to markers by its token. */
@Injectable()
export class AnswerSnippetRepository {
  /**
   * The page's snippets of the student, one per item (a page read again keeps the row, its id and token, and points it
   * at the new cut). The token is random and kept on re-runs: snippet URLs reveal nothing and stay stable. In a SqlPool
   * transaction it rides with the next round trip.
   */
  async recordCuts(
    tx: Tx,
    at: { examId: number; pageId: number; studentId: number },
    cuts: { itemId: number; blobKey: string }[],
  ): Promise<void> {
    if (!cuts.length) return;
    const values = cuts.map((c) => [
      at.examId,
      at.pageId,
      at.studentId,
      c.itemId,
      c.blobKey,
      randomBytes(16).toString('hex'),
    ]);
    await writeWith(tx, SQL.recordCuts, [values]);
  }

  /** How many of the student's snippets of these items come from another page than this one. */
  async countLeftOver(tx: Tx, studentId: number, itemIds: number[], pageId: number): Promise<number> {
    if (!itemIds.length) return 0;
    const [row]: { n: number | string }[] = await queryOf(tx).query(SQL.countLeftOver, [studentId, itemIds, pageId]);
    return Number(row.n);
  }

  /** The page's snippets follow it to another student (their tasks and marks hang on the snippet and stay with it). */
  async moveToStudent(tx: Tx, pageId: number, studentId: number): Promise<void> {
    await queryOf(tx).query(SQL.moveToStudent, [studentId, pageId]);
  }
}
