import { Injectable } from '@nestjs/common';
import { readPacked } from '../database/packed-scores.js';
import { queryOf, type Tx } from '../database/unit-of-work.js';
import { PageStatus } from '../scans/entities/scanned-page.entity.js';

/**
 * The statements, checked in as text (queries/paper-inputs.repository.sql): a change shows in review. They read
 * scans' tables for the results job alone (read-only), one round trip per table.
 */
export const SQL = {
  pageStates:
    'SELECT student_id AS studentId, MAX(status = ?) AS processed FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND student_id IS NOT NULL GROUP BY student_id',
  // One row per item, its readings packed as "student score marked" records (database/packed-scores.ts), in the
  // covering index's order: no temporary table, 25 rows a paper instead of 1.5 million.
  objectiveResponses:
    "SELECT item_id AS i, COUNT(*) AS n, GROUP_CONCAT(student_id, ' ', score, ' ', marked SEPARATOR '\\n') AS r FROM objective_response WHERE exam_id = ? AND item_id IN (?) GROUP BY item_id",
  absences: 'SELECT student_id AS studentId FROM exam_absence WHERE paper_id = ?',
};

/** Which students of a paper have pages: read (at least one processed page) or still waiting (none processed yet). */
export interface PageStates {
  processed: Set<number>;
  pending: Set<number>;
}

/** What the results job reads of a paper besides its final scores: pages, OMR readings, 缺考 marks. */
@Injectable()
export class PaperInputsRepository {
  async pageStates(tx: Tx, examId: number, paperId: number): Promise<PageStates> {
    const pages: { studentId: number; processed: string | number }[] = await queryOf(tx).query(SQL.pageStates, [
      PageStatus.Processed,
      examId,
      paperId,
    ]);
    return {
      processed: new Set(pages.filter((p) => Number(p.processed) === 1).map((p) => Number(p.studentId))),
      pending: new Set(pages.filter((p) => Number(p.processed) !== 1).map((p) => Number(p.studentId))),
    };
  }

  /**
   * Every OMR reading of these items of the exam, one packed row per item: the score by the key and the options marked
   * ("" blank).
   */
  objectiveResponses(
    tx: Tx,
    examId: number,
    itemIds: number[],
    onRow: (studentId: number, itemId: number, marked: string, score: number) => void,
  ): Promise<void> {
    return readPacked(tx, SQL.objectiveResponses, [examId, itemIds], true, (itemId, studentId, score, marked) =>
      onRow(studentId, itemId, marked, score),
    );
  }

  /** Students the scanner of their school marked 缺考 for the paper. */
  async absentStudents(tx: Tx, paperId: number): Promise<Set<number>> {
    const rows: { studentId: number }[] = await queryOf(tx).query(SQL.absences, [paperId]);
    return new Set(rows.map((r) => Number(r.studentId)));
  }
}
