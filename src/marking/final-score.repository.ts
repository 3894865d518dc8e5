import { Injectable } from '@nestjs/common';
import { readPacked } from '../database/packed-scores.js';
import { managerOf, queryOf, type Tx, writeWith } from '../database/unit-of-work.js';
import { ScoreSource } from './entities/final-item-score.entity.js';

/** The statements, checked in as text (queries/final-score.repository.sql): a change shows in review. */
export const SQL = {
  reassign: 'UPDATE final_item_score SET student_id = ? WHERE student_id = ? AND item_id IN (?)',
  deleteObjective: 'DELETE FROM final_item_score WHERE student_id = ? AND item_id IN (?) AND source = ?',
  countFor: 'SELECT COUNT(*) AS n FROM final_item_score WHERE student_id = ? AND item_id IN (?)',
  scoresOfStudents:
    'SELECT student_id AS s, item_id AS i, score AS v FROM final_item_score WHERE exam_id = ? AND item_id IN (?) AND student_id IN (?)',
  // One row per item, its scores packed as "student score" records (database/packed-scores.ts), in index order.
  packedForItems:
    "SELECT item_id AS i, COUNT(*) AS n, GROUP_CONCAT(student_id, ' ', score SEPARATOR '\\n') AS r FROM final_item_score WHERE exam_id = ? AND item_id IN (?) GROUP BY item_id",
  updateMarking:
    'UPDATE final_item_score SET score = ?, source = ?, rule_version = ? WHERE student_id = ? AND item_id = ?',
  insertMarking:
    'INSERT INTO final_item_score (exam_id, paper_id, student_id, item_id, score, source, rule_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
  withdrawMarking: 'DELETE FROM final_item_score WHERE student_id = ? AND item_id = ? AND source = ?',
  ofSnippet: `SELECT f.score, f.rule_version FROM answer_snippet s
    JOIN final_item_score f ON f.student_id = s.student_id AND f.item_id = s.item_id WHERE s.id = ?`,
};

/** The final_item_score table's statements: a final score per student and item, derived from marks by a rule. */
@Injectable()
export class FinalScoreRepository {
  /** Final scores of a student's items that follow the answers to another student (a page re-matched). */
  async reassign(tx: Tx, fromStudentId: number, toStudentId: number, itemIds: number[]): Promise<void> {
    if (!itemIds.length) return;
    await queryOf(tx).query(SQL.reassign, [toStudentId, fromStudentId, itemIds]);
  }

  /** Objective-source final scores (from before objective scores were read from OMR directly) of these items. */
  async deleteObjective(tx: Tx, studentId: number, itemIds: number[]): Promise<void> {
    if (!itemIds.length) return;
    await queryOf(tx).query(SQL.deleteObjective, [studentId, itemIds, ScoreSource.Objective]);
  }

  /** How many of these items have a final score for the student. */
  async countFor(tx: Tx, studentId: number, itemIds: number[]): Promise<number> {
    if (!itemIds.length) return 0;
    const [row]: { n: number | string }[] = await queryOf(tx).query(SQL.countFor, [studentId, itemIds]);
    return Number(row.n);
  }

  /** The final scores of these items of these students (a class report's 错题). */
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

  /** Final scores of these items of the exam, one packed row per item (the results job reads a paper so). */
  forItems(
    tx: Tx,
    examId: number,
    itemIds: number[],
    onRow: (studentId: number, itemId: number, score: number) => void,
  ): Promise<void> {
    return readPacked(tx, SQL.packedForItems, [examId, itemIds], false, (itemId, studentId, score) =>
      onRow(studentId, itemId, score),
    );
  }

  /**
   * The answer's score from marking. Update, else insert: not INSERT … ON DUPLICATE KEY UPDATE, whose next-key locks
   * on the unique index make concurrent submits of neighbouring answers deadlock. `mayExist` false (a new mark on an
   * answer that was not final before: there is no row to update) sends the insert alone, with the transaction's next
   * round trip.
   */
  async settle(
    tx: Tx,
    examId: number,
    paperId: number,
    studentId: number,
    itemId: number,
    score: number,
    ruleVersion: string,
    mayExist: boolean,
  ): Promise<void> {
    if (mayExist) {
      const ok: { affectedRows: number } = await queryOf(tx).query(SQL.updateMarking, [
        score,
        ScoreSource.Marking,
        ruleVersion,
        studentId,
        itemId,
      ]);
      if (Number(ok.affectedRows)) return;
    }
    void writeWith(tx, SQL.insertMarking, [
      examId,
      paperId,
      studentId,
      itemId,
      score,
      ScoreSource.Marking,
      ruleVersion,
    ]);
  }

  /** The answer's score from marking is withdrawn (until it is re-marked): rides with the next round trip. */
  withdrawMarking(tx: Tx, studentId: number, itemId: number): void {
    void writeWith(tx, SQL.withdrawMarking, [studentId, itemId, ScoreSource.Marking]);
  }

  /** The final score of the snippet's answer, if it has one. */
  async ofSnippet(tx: Tx, snippetId: number): Promise<{ score: number; ruleVersion: string } | null> {
    const [row]: { score: string; rule_version: string }[] = await queryOf(tx).query(SQL.ofSnippet, [snippetId]);
    return row ? { score: Number(row.score), ruleVersion: row.rule_version } : null;
  }
}
