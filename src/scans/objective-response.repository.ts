import { Injectable } from '@nestjs/common';
import { queryOf, type Tx, writeWith } from '../database/unit-of-work.js';

/** One objective item scored for a student: what was marked, its score by key and the fill measures. */
export interface ScoredResponse {
  examId: number;
  pageId: number;
  studentId: number;
  itemId: number;
  marked: string;
  score: number;
  fills: number[] | null;
}

/** The statements, checked in as text (queries/objective-response.repository.sql). */
export const SQL = {
  recordScores:
    'INSERT INTO objective_response (exam_id, page_id, student_id, item_id, marked, score, fills) VALUES ? ' +
    'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), marked = VALUES(marked), score = VALUES(score), fills = VALUES(fills)',
  unscore: 'DELETE FROM objective_response WHERE student_id = ? AND item_id IN (?)',
  deleteLeftOver: 'DELETE FROM objective_response WHERE student_id = ? AND item_id IN (?) AND page_id <> ?',
  moveToStudent: 'UPDATE objective_response SET student_id = ? WHERE page_id = ?',
  scoresOfStudents:
    'SELECT student_id AS s, item_id AS i, score AS v FROM objective_response WHERE exam_id = ? AND item_id IN (?) AND student_id IN (?)',
};

/** The objective_response table's statements: a student's objective items as read (or as a person resolved them). */
@Injectable()
export class ObjectiveResponseRepository {
  /** The OMR scores of these items of these students (a class report's 错题). */
  async scoresOfStudents(
    tx: Tx,
    examId: number,
    itemIds: number[],
    studentIds: number[],
  ): Promise<{ studentId: number; itemId: number; score: number }[]> {
    if (!itemIds.length || !studentIds.length) return [];
    const rows: { s: number; i: number; v: string }[] = await queryOf(tx).query(SQL.scoresOfStudents, [
      examId,
      itemIds,
      studentIds,
    ]);
    return rows.map((r) => ({ studentId: Number(r.s), itemId: Number(r.i), score: Number(r.v) }));
  }

  /**
   * Scores these items, one row per student and item (a page read again overwrites its own). In a SqlPool transaction
   * it rides with the next round trip.
   */
  async recordScores(tx: Tx, rows: ScoredResponse[]): Promise<void> {
    if (!rows.length) return;
    const values = rows.map((r) => [
      r.examId,
      r.pageId,
      r.studentId,
      r.itemId,
      r.marked,
      r.score.toFixed(2),
      JSON.stringify(r.fills),
    ]);
    await writeWith(tx, SQL.recordScores, [values]);
  }

  /** Items sent to the OMR review: not scored until a person decides (rides with the next round trip). */
  async unscore(tx: Tx, studentId: number, itemIds: number[]): Promise<void> {
    if (!itemIds.length) return;
    await writeWith(tx, SQL.unscore, [studentId, itemIds]);
  }

  /** The student's responses to these items from any other page (left over: a re-matched page brings its own). */
  async deleteLeftOver(tx: Tx, studentId: number, itemIds: number[], pageId: number): Promise<void> {
    if (!itemIds.length) return;
    await queryOf(tx).query(SQL.deleteLeftOver, [studentId, itemIds, pageId]);
  }

  /** The page's responses follow it to another student. */
  async moveToStudent(tx: Tx, pageId: number, studentId: number): Promise<void> {
    await queryOf(tx).query(SQL.moveToStudent, [studentId, pageId]);
  }
}
