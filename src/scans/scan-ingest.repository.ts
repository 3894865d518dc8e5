import { Inject, Injectable } from '@nestjs/common';
import { SqlPool } from '../database/sql-pool.js';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import type { Item } from '../exams/entities/item.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import type { Student } from '../org/entities/student.entity.js';
import { PageStatus } from './entities/scanned-page.entity.js';

const STUDENT_COLUMNS =
  'id, alliance_id AS allianceId, school_id AS schoolId, class_id AS classId, exam_no AS examNo, name';

/** A paper's row as ingestion reads it for every page: its layout only by the hash of it. */
export type PaperHead = Pick<Paper, 'id' | 'subject' | 'version' | 'status'> & { layoutHash: string | null };
export type StudentRow = Pick<Student, 'id' | 'allianceId' | 'schoolId' | 'classId' | 'examNo' | 'name'>;
export type ItemRow = Pick<Item, 'id' | 'type' | 'maxScore' | 'answerKey' | 'partialCredit' | 'markingMode'>;

/** What must be known before a read page is recorded for its student. */
export interface RecordingCheck {
  /** The student is marked 缺考 for the paper. */
  absent: boolean;
  /** Another page read for the student as the same page of the same paper, if any. */
  otherId: number | null;
  /** The student has OMR review rows at all (most have none: then they need not be read). */
  reviewed: boolean;
}

/**
 * The hot-path reads of ingestion that are not one of this feature's tables alone, on the SqlPool: the exam's papers
 * and items (exams/), the student's row lock (org/) and the check before recording. Checked in as text
 * (queries/scan-ingest.repository.sql).
 */
export const SQL = {
  papersOfExam:
    'SELECT id, subject, version, status, layout_hash AS layoutHash FROM paper WHERE exam_id = ? ORDER BY id',
  layoutsOf: 'SELECT id, layout, layout_hash AS layoutHash FROM paper WHERE id IN (?)',
  itemsOfPaper:
    'SELECT id, type, max_score AS maxScore, answer_key AS answerKey, partial_credit AS partialCredit, marking_mode AS markingMode FROM item WHERE paper_id = ?',
  lockStudentById: `SELECT ${STUDENT_COLUMNS} FROM student WHERE id = ? FOR UPDATE`,
  lockStudentInAlliance: `SELECT ${STUDENT_COLUMNS} FROM student WHERE id = ? AND alliance_id = ? FOR UPDATE`,
  lockStudentByExamNo: `SELECT ${STUDENT_COLUMNS} FROM student WHERE alliance_id = ? AND exam_no = ? FOR UPDATE`,
  recordingCheck:
    'SELECT EXISTS (SELECT 1 FROM exam_absence WHERE paper_id = ? AND student_id = ?) AS absent, ' +
    '(SELECT id FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND page_no = ? AND student_id = ? AND status = ? AND id <> ? ORDER BY id LIMIT 1) AS otherId, ' +
    'EXISTS (SELECT 1 FROM omr_review WHERE student_id = ?) AS reviewed',
};

@Injectable()
export class ScanIngestRepository {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  /** The exam's papers (every version), by id. */
  papersOfExam(examId: number): Promise<PaperHead[]> {
    return this.sql.query(SQL.papersOfExam, [examId]);
  }

  /** The layouts' JSON with the hash it has now, read in one row each (never a hash of one and the JSON of another). */
  layoutsOf(paperIds: number[]): Promise<{ id: number; layout: string | null; layoutHash: string | null }[]> {
    return this.sql.query(SQL.layoutsOf, [paperIds]);
  }

  /** The paper's items, with their scores as numbers. */
  async itemsOfPaper(paperId: number): Promise<ItemRow[]> {
    const rows = (await this.sql.query(SQL.itemsOfPaper, [paperId])) as ItemRow[];
    return rows.map((i) => ({
      ...i,
      maxScore: Number(i.maxScore),
      partialCredit: i.partialCredit === null ? null : Number(i.partialCredit),
    }));
  }

  /**
   * The student's row, locked until the transaction ends: one student's pages are recorded one at a time (a page
   * after another of the same student sees what that one committed).
   */
  async lockStudentById(tx: Tx, id: number): Promise<StudentRow | undefined> {
    const [student] = (await sqlOf(tx).query(SQL.lockStudentById, [id])) as StudentRow[];
    return student;
  }

  /** As lockStudentById, if the student belongs to the alliance. */
  async lockStudentInAlliance(tx: Tx, id: number, allianceId: number): Promise<StudentRow | undefined> {
    const [student] = (await sqlOf(tx).query(SQL.lockStudentInAlliance, [id, allianceId])) as StudentRow[];
    return student;
  }

  /** As lockStudentById, for the student with this exam number (考号) in the alliance. */
  async lockStudentByExamNo(tx: Tx, allianceId: number, examNo: string): Promise<StudentRow | undefined> {
    const [student] = (await sqlOf(tx).query(SQL.lockStudentByExamNo, [allianceId, examNo])) as StudentRow[];
    return student;
  }

  /** Absence, an already recorded copy of this page and whether the student has OMR reviews, in one statement. */
  async recordingCheck(
    tx: Tx,
    page: { id: number; examId: number; paperId: number; pageNo: number },
    studentId: number,
  ): Promise<RecordingCheck> {
    const [check] = (await sqlOf(tx).query(SQL.recordingCheck, [
      page.paperId,
      studentId,
      page.examId,
      page.paperId,
      page.pageNo,
      studentId,
      PageStatus.Processed,
      page.id,
      studentId,
    ])) as { absent: number | string; otherId: number | null; reviewed: number | string }[];
    return { absent: Number(check.absent) > 0, otherId: check.otherId, reviewed: Number(check.reviewed) > 0 };
  }
}
