import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import { StudentResult } from './entities/student-result.entity.js';

/** Rows per multi-row INSERT (6 parameters a row, well under the 65,535 placeholder limit). */
const CHUNK = 2000;

export interface ResultRow {
  examId: number;
  paperId: number;
  studentId: number;
  schoolId: number;
  total: number | null;
  absent: boolean;
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

  /** Whether the exam's results have been computed (the results job stores an analysis per paper with them). */
  async computedFor(examId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 AS x FROM exam_analysis WHERE exam_id = ? LIMIT 1', [examId]);
    return rows.length > 0;
  }
}
