import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import { ExamAbsence } from './entities/exam-absence.entity.js';

/** The statements, checked in as text (queries/exam-absence.repository.sql). */
export const SQL = {
  mark: 'INSERT IGNORE INTO exam_absence (exam_id, paper_id, school_id, student_id, marked_by) VALUES (?, ?, ?, ?, ?)',
};

/** The exam_absence table's statements: 缺考 marks, one per paper and student. */
@Injectable()
export class ExamAbsenceRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  isMarked(paperId: number, studentId: number): Promise<boolean> {
    return this.ds.getRepository(ExamAbsence).existsBy({ paperId, studentId });
  }

  /** Students of the school marked absent for the paper. */
  async studentsOf(paperId: number, schoolId: number): Promise<Set<number>> {
    const rows = await this.ds.getRepository(ExamAbsence).findBy({ paperId, schoolId });
    return new Set(rows.map((a) => a.studentId));
  }

  /** Marks the student absent; false if they already were. */
  async mark(
    tx: Tx,
    a: Pick<ExamAbsence, 'examId' | 'paperId' | 'schoolId' | 'studentId' | 'markedBy'>,
  ): Promise<boolean> {
    const res = await managerOf(tx).query(SQL.mark, [a.examId, a.paperId, a.schoolId, a.studentId, a.markedBy]);
    return res.affectedRows > 0;
  }

  /** Withdraws the mark; false if there was none. */
  async unmark(tx: Tx, paperId: number, studentId: number): Promise<boolean> {
    const res = await managerOf(tx).getRepository(ExamAbsence).delete({ paperId, studentId });
    return !!res.affected;
  }

  /** Those of these students marked absent in any exam (the roster may not remove them). */
  async studentsAmong(studentIds: number[]): Promise<number[]> {
    if (!studentIds.length) return [];
    const rows = await this.ds
      .getRepository(ExamAbsence)
      .createQueryBuilder('a')
      .select('DISTINCT a.studentId', 'studentId')
      .where('a.studentId IN (:...ids)', { ids: studentIds })
      .getRawMany<{ studentId: number }>();
    return rows.map((r) => Number(r.studentId));
  }
}
