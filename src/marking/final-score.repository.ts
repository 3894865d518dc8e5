import { Injectable } from '@nestjs/common';
import { eachRow } from '../database/stream-rows.js';
import { managerOf, queryOf, type Tx } from '../database/unit-of-work.js';
import { ScoreSource } from './entities/final-item-score.entity.js';

/** The statements, checked in as text (queries/final-score.repository.sql): a change shows in review. */
export const SQL = {
  reassign: 'UPDATE final_item_score SET student_id = ? WHERE student_id = ? AND item_id IN (?)',
  deleteObjective: 'DELETE FROM final_item_score WHERE student_id = ? AND item_id IN (?) AND source = ?',
  countFor: 'SELECT COUNT(*) AS n FROM final_item_score WHERE student_id = ? AND item_id IN (?)',
  streamForItems:
    'SELECT student_id AS s, item_id AS i, score AS v FROM final_item_score WHERE exam_id = ? AND item_id IN (?)',
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

  /** Every final score of these items of the exam, streamed row by row (results job; a TypeORM transaction). */
  streamForItems(
    tx: Tx,
    examId: number,
    itemIds: number[],
    onRow: (studentId: number, itemId: number, score: number) => void,
  ): Promise<void> {
    return eachRow<{ s: number; i: number; v: string }>(managerOf(tx), SQL.streamForItems, [examId, itemIds], (r) =>
      onRow(Number(r.s), Number(r.i), Number(r.v)),
    );
  }
}
