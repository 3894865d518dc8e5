import { Injectable } from '@nestjs/common';
import { eachRow } from '../database/stream-rows.js';
import { managerOf, queryOf, type Tx } from '../database/unit-of-work.js';
import { PageStatus } from '../scans/entities/scanned-page.entity.js';

/**
 * The statements, checked in as text (queries/paper-inputs.repository.sql): a change shows in review. They read
 * scans' tables for the results job alone (read-only), one round trip per table.
 */
export const SQL = {
  pageStates:
    'SELECT student_id AS studentId, MAX(status = ?) AS processed FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND student_id IS NOT NULL GROUP BY student_id',
  objectiveResponses:
    'SELECT student_id AS s, item_id AS i, marked AS k, score AS v FROM objective_response WHERE exam_id = ? AND item_id IN (?)',
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
   * Every OMR reading of these items of the exam, streamed row by row: the score by the key and the options marked
   * ("" blank). A TypeORM transaction (UnitOfWork.runOrm).
   */
  streamObjectiveResponses(
    tx: Tx,
    examId: number,
    itemIds: number[],
    onRow: (studentId: number, itemId: number, marked: string, score: number) => void,
  ): Promise<void> {
    return eachRow<{ s: number; i: number; k: string; v: string }>(
      managerOf(tx),
      SQL.objectiveResponses,
      [examId, itemIds],
      (r) => onRow(Number(r.s), Number(r.i), r.k, Number(r.v)),
    );
  }

  /** Students the scanner of their school marked 缺考 for the paper. */
  async absentStudents(tx: Tx, paperId: number): Promise<Set<number>> {
    const rows: { studentId: number }[] = await queryOf(tx).query(SQL.absences, [paperId]);
    return new Set(rows.map((r) => Number(r.studentId)));
  }
}
