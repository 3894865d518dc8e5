import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, queryOf, type Tx } from '../database/unit-of-work.js';
import type { StoredTotal } from './domain/total-changes.js';
import { StudentResult } from './entities/student-result.entity.js';

/** Rows per multi-row INSERT (6 parameters a row, well under the 65,535 placeholder limit). */
const CHUNK = 2000;
/** Students per DELETE of rows no longer on the roster. */
const DELETE_CHUNK = 500;

/**
 * The statements, checked in as text (queries/student-result.repository.sql): a change shows in review. `VALUES ?`
 * takes the rows as a list of lists, which mysql2 writes out as `(…), (…)`: the statement the server receives is the
 * one the results job always sent.
 */
export const SQL = {
  storedTotals:
    'SELECT student_id AS s, school_id AS c, total AS t, absent AS a, unscanned AS u FROM student_result WHERE paper_id = ?',
  upsertTotals: `INSERT INTO student_result (exam_id, paper_id, student_id, school_id, total, absent, unscanned) VALUES ?
         ON DUPLICATE KEY UPDATE exam_id = VALUES(exam_id), school_id = VALUES(school_id), total = VALUES(total), absent = VALUES(absent), unscanned = VALUES(unscanned)`,
  priorTotals: `SELECT student_id AS studentId, SUM(total) AS total FROM student_result WHERE paper_id IN (?) AND absent = 0 AND total IS NOT NULL
       GROUP BY student_id HAVING COUNT(*) = ?`,
  presentTotals:
    'SELECT student_id AS studentId, paper_id AS paperId, total FROM student_result WHERE paper_id IN (?) AND absent = 0 AND total IS NOT NULL',
};

export interface ResultRow {
  examId: number;
  paperId: number;
  studentId: number;
  schoolId: number;
  total: number | null;
  absent: boolean;
  unscanned?: boolean;
}

/** The student_result table's statements: a student's paper total (or 缺考). */
@Injectable()
export class StudentResultRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Totals of an imported exam (历史成绩导入), inserted with it. */
  async insertImported(tx: Tx, rows: ResultRow[]): Promise<void> {
    const repo = managerOf(tx).getRepository(StudentResult);
    for (let i = 0; i < rows.length; i += CHUNK) await repo.insert(rows.slice(i, i + CHUNK));
  }

  countForExam(tx: Tx, examId: number): Promise<number> {
    return managerOf(tx).getRepository(StudentResult).countBy({ examId });
  }

  async deleteForExam(tx: Tx, examId: number): Promise<void> {
    await managerOf(tx).getRepository(StudentResult).delete({ examId });
  }

  /** Every stored total of the paper (results job: only the rows that differ are written again). */
  async storedTotals(tx: Tx, paperId: number): Promise<StoredTotal[]> {
    const rows: { s: number; c: number; t: string | null; a: number; u: number }[] = await queryOf(tx).query(
      SQL.storedTotals,
      [paperId],
    );
    return rows.map((r) => ({
      studentId: Number(r.s),
      schoolId: Number(r.c),
      total: r.t === null ? null : Number(r.t),
      absent: Number(r.a) === 1,
      unscanned: Number(r.u) === 1,
    }));
  }

  /** Inserts or overwrites these totals, in statements of CHUNK rows. */
  async upsertTotals(tx: Tx, rows: ResultRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const values = part.map((r) => [
        r.examId,
        r.paperId,
        r.studentId,
        r.schoolId,
        r.total,
        r.absent ? 1 : 0,
        r.unscanned ? 1 : 0,
      ]);
      await queryOf(tx).query(SQL.upsertTotals, [values]);
    }
  }

  /** Removes the paper's rows of these students (no longer on the roster). */
  async deleteStudents(tx: Tx, paperId: number, studentIds: number[]): Promise<void> {
    const repo = managerOf(tx).getRepository(StudentResult);
    for (let i = 0; i < studentIds.length; i += DELETE_CHUNK)
      await repo.delete({ paperId, studentId: In(studentIds.slice(i, i + DELETE_CHUNK)) });
  }

  /**
   * Prior totals for value-added: per student, the sum over these papers of the totals of students present with a
   * total in every one of them.
   */
  async priorTotals(tx: Tx, paperIds: number[]): Promise<Map<number, number>> {
    const rows: { studentId: number; total: string }[] = await queryOf(tx).query(SQL.priorTotals, [
      paperIds,
      paperIds.length,
    ]);
    return new Map(rows.map((r) => [Number(r.studentId), Number(r.total)]));
  }

  /** Every total of these papers of a present student (absent and incomplete rows left out). */
  async presentTotals(tx: Tx, paperIds: number[]): Promise<{ studentId: number; paperId: number; total: number }[]> {
    const rows: { studentId: number; paperId: number; total: string }[] = await queryOf(tx).query(SQL.presentTotals, [
      paperIds,
    ]);
    return rows.map((r) => ({ studentId: Number(r.studentId), paperId: Number(r.paperId), total: Number(r.total) }));
  }

  /** These students' rows of these papers (a class's results; a prior exam's for 进退步). */
  ofStudents(paperIds: number[], studentIds: number[]): Promise<StudentResult[]> {
    if (!paperIds.length || !studentIds.length) return Promise.resolve([]);
    return this.ds.getRepository(StudentResult).find({ where: { paperId: In(paperIds), studentId: In(studentIds) } });
  }

  /** A school's rows of these papers of the exam. */
  ofSchool(examId: number, schoolId: number, paperIds: number[]): Promise<StudentResult[]> {
    if (!paperIds.length) return Promise.resolve([]);
    return this.ds.getRepository(StudentResult).find({ where: { examId, schoolId, paperId: In(paperIds) } });
  }

  /** Those of these students with a result of any exam, imported ones included (the roster may not remove them). */
  async studentsAmong(studentIds: number[]): Promise<number[]> {
    if (!studentIds.length) return [];
    const rows = await this.ds
      .getRepository(StudentResult)
      .createQueryBuilder('r')
      .select('DISTINCT r.studentId', 'studentId')
      .where('r.studentId IN (:...ids)', { ids: studentIds })
      .getRawMany<{ studentId: number }>();
    return rows.map((r) => Number(r.studentId));
  }
}
