import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The statements, checked in as text (queries/exam-roster.repository.sql): a change shows in review. Read-only joins
 * of org's tables for results alone: who sits an exam. When the exam names a grade, only classes of that grade (or
 * classes without a grade) sit it.
 */
export const SQL = {
  allianceRoster:
    'SELECT st.id AS studentId, st.school_id AS schoolId, st.class_id AS classId, c.name AS className FROM student st JOIN school sc ON sc.id = st.school_id JOIN school_class c ON c.id = st.class_id WHERE sc.alliance_id = ? ORDER BY st.id',
  allianceRosterOfGrade:
    "SELECT st.id AS studentId, st.school_id AS schoolId, st.class_id AS classId, c.name AS className FROM student st JOIN school sc ON sc.id = st.school_id JOIN school_class c ON c.id = st.class_id WHERE sc.alliance_id = ? AND (c.grade = ? OR c.grade = '') ORDER BY st.id",
  schoolStudents:
    'SELECT st.id AS studentId, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id WHERE st.school_id = ? ORDER BY c.name, st.exam_no',
  schoolStudentsOfGrade:
    "SELECT st.id AS studentId, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id WHERE st.school_id = ? AND (c.grade = ? OR c.grade = '') ORDER BY c.name, st.exam_no",
  schoolStudentsWithResults:
    'SELECT st.id AS studentId, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id WHERE st.school_id = ? AND st.id IN (SELECT student_id FROM student_result WHERE exam_id = ?) ORDER BY c.name, st.exam_no',
};

export interface RosterStudent {
  studentId: number;
  schoolId: number;
  /** The student's class: classes are units of the analysis, shown only in their own school's report. */
  classId?: number;
  className?: string;
}

export interface SchoolStudent {
  studentId: number;
  examNo: string;
  name: string;
  className: string;
}

/** Who sits an exam: the roster of the alliance's schools, and one school's students by class and exam number. */
@Injectable()
export class ExamRosterRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Students of the alliance's schools (of the grade, if one is named), by id. */
  async ofAlliance(allianceId: number, grade: string | null): Promise<RosterStudent[]> {
    const rows: { studentId: number; schoolId: number; classId: number; className: string }[] = grade
      ? await this.ds.query(SQL.allianceRosterOfGrade, [allianceId, grade])
      : await this.ds.query(SQL.allianceRoster, [allianceId]);
    return rows.map((r) => ({
      studentId: Number(r.studentId),
      schoolId: Number(r.schoolId),
      classId: Number(r.classId),
      className: r.className,
    }));
  }

  /** The school's students (of the grade, if one is named), by class name and exam number. */
  async ofSchool(schoolId: number, grade: string | null): Promise<SchoolStudent[]> {
    return grade
      ? this.schoolStudents(SQL.schoolStudentsOfGrade, [schoolId, grade])
      : this.schoolStudents(SQL.schoolStudents, [schoolId]);
  }

  /** The school's students who have a result of the exam (an imported exam's students are those of its file). */
  ofSchoolWithResults(schoolId: number, examId: number): Promise<SchoolStudent[]> {
    return this.schoolStudents(SQL.schoolStudentsWithResults, [schoolId, examId]);
  }

  private async schoolStudents(sql: string, params: unknown[]): Promise<SchoolStudent[]> {
    const rows: SchoolStudent[] = await this.ds.query(sql, params);
    return rows.map((r) => ({ ...r, studentId: Number(r.studentId) }));
  }
}
