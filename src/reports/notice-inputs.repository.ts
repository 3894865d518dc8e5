import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SheetLayout } from '../sheets/domain/layout.js';

/**
 * What the student notices read of other features' tables, read-only (statements checked in as
 * queries/notice-inputs.repository.sql): a class and its students, their paper results and their item scores.
 */
export const SQL = {
  classOf:
    'SELECT c.id, c.name, c.grade, c.school_id AS schoolId, s.name AS schoolName, s.alliance_id AS allianceId FROM school_class c JOIN school s ON s.id = c.school_id WHERE c.id = ?',
  studentsOfClass: 'SELECT id, name, exam_no AS examNo FROM student WHERE class_id = ? ORDER BY exam_no',
  studentOf:
    'SELECT st.id, st.name, st.exam_no AS examNo, st.class_id AS classId, c.name AS className, s.name AS schoolName FROM student st JOIN school_class c ON c.id = st.class_id JOIN school s ON s.id = st.school_id WHERE st.id = ?',
  results:
    'SELECT student_id AS studentId, paper_id AS paperId, total, absent, unscanned FROM student_result WHERE exam_id = ? AND student_id IN (?)',
  objectiveScores:
    'SELECT student_id AS s, item_id AS i, score AS v FROM objective_response WHERE student_id IN (?) AND item_id IN (?)',
  finalScores:
    'SELECT student_id AS s, item_id AS i, score AS v FROM final_item_score WHERE student_id IN (?) AND item_id IN (?)',
  layouts: 'SELECT id, layout FROM paper WHERE id IN (?)',
};

export interface NoticeClass {
  id: number;
  name: string;
  grade: string;
  schoolId: number;
  schoolName: string;
  allianceId: number;
}

export interface NoticeStudent {
  id: number;
  name: string;
  examNo: string;
}

export interface NoticeResult {
  studentId: number;
  paperId: number;
  total: number | null;
  absent: boolean;
  unscanned: boolean;
}

@Injectable()
export class NoticeInputsRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async classOf(classId: number): Promise<NoticeClass | null> {
    const [r] = await this.ds.query(SQL.classOf, [classId]);
    return r ? { ...r, id: Number(r.id), schoolId: Number(r.schoolId), allianceId: Number(r.allianceId) } : null;
  }

  async studentsOfClass(classId: number): Promise<NoticeStudent[]> {
    const rows: NoticeStudent[] = await this.ds.query(SQL.studentsOfClass, [classId]);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  async studentOf(
    studentId: number,
  ): Promise<(NoticeStudent & { classId: number; className: string; schoolName: string }) | null> {
    const [r] = await this.ds.query(SQL.studentOf, [studentId]);
    return r ? { ...r, id: Number(r.id), classId: Number(r.classId) } : null;
  }

  async results(examId: number, studentIds: number[]): Promise<NoticeResult[]> {
    if (!studentIds.length) return [];
    const rows: { studentId: number; paperId: number; total: string | null; absent: number; unscanned: number }[] =
      await this.ds.query(SQL.results, [examId, studentIds]);
    return rows.map((r) => ({
      studentId: Number(r.studentId),
      paperId: Number(r.paperId),
      total: r.total === null ? null : Number(r.total),
      absent: !!Number(r.absent),
      unscanned: !!Number(r.unscanned),
    }));
  }

  /**
   * studentId → itemId → final score: the OMR score by the key, overridden by a final_item_score row (marking,
   * arbitration, a correction), as the results job reads them (results/paper-inputs.service.ts).
   */
  async itemScores(studentIds: number[], itemIds: number[]): Promise<Map<number, Map<number, number>>> {
    const out = new Map<number, Map<number, number>>();
    if (!studentIds.length || !itemIds.length) return out;
    const put = (r: { s: number; i: number; v: string }) => {
      let m = out.get(Number(r.s));
      if (!m) out.set(Number(r.s), (m = new Map()));
      m.set(Number(r.i), Number(r.v));
    };
    (await this.ds.query(SQL.objectiveScores, [studentIds, itemIds])).forEach(put);
    (await this.ds.query(SQL.finalScores, [studentIds, itemIds])).forEach(put);
    return out;
  }

  async layouts(paperIds: number[]): Promise<Map<number, SheetLayout>> {
    if (!paperIds.length) return new Map();
    const rows: { id: number; layout: string | SheetLayout | null }[] = await this.ds.query(SQL.layouts, [paperIds]);
    const out = new Map<number, SheetLayout>();
    for (const r of rows) {
      if (r.layout) out.set(Number(r.id), typeof r.layout === 'string' ? JSON.parse(r.layout) : r.layout);
    }
    return out;
  }
}
