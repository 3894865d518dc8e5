import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PageStatus } from './entities/scanned-page.entity.js';

/** The statements, checked in as text (queries/scan-progress.repository.sql): a change shows in review. */
export const SQL = {
  pages: `SELECT school_id, status, COUNT(*) AS n, SUM(updated_at >= ?) AS recent FROM scanned_page
    WHERE exam_id = ? GROUP BY school_id, status`,
  sheetsRead: `SELECT school_id, paper_id, COUNT(DISTINCT student_id) AS n FROM scanned_page
    WHERE exam_id = ? AND status = ? AND student_id IS NOT NULL AND paper_id IS NOT NULL GROUP BY school_id, paper_id`,
  absent: 'SELECT school_id, paper_id, COUNT(*) AS n FROM exam_absence WHERE exam_id = ? GROUP BY school_id, paper_id',
  // The roster the scanners see (org's StudentRepository.rosterOf): students of classes of the exam's grade.
  expected: `SELECT st.school_id, COUNT(*) AS n FROM student st JOIN school_class c ON c.id = st.class_id
    WHERE st.alliance_id = ? AND (c.grade = ? OR c.grade = '') GROUP BY st.school_id`,
  expectedAnyGrade: 'SELECT st.school_id, COUNT(*) AS n FROM student st WHERE st.alliance_id = ? GROUP BY st.school_id',
};

const num = (v: unknown) => Number(v ?? 0);

/** Per school: pages by status (and read lately), sheets read and 缺考 per paper, students expected. */
export interface ScanCounts {
  pages: { schoolId: number; status: string; n: number; recent: number }[];
  sheetsRead: { schoolId: number; paperId: number; n: number }[];
  absent: { schoolId: number; paperId: number; n: number }[];
  expected: Map<number, number>;
}

/** Scanning progress of an exam, school by school, for the admin's monitoring page (reads only). */
@Injectable()
export class ScanProgressRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async counts(exam: { id: number; allianceId: number; grade: string }, since: Date): Promise<ScanCounts> {
    const pages: Record<string, unknown>[] = await this.ds.query(SQL.pages, [since, exam.id]);
    const read: Record<string, unknown>[] = await this.ds.query(SQL.sheetsRead, [exam.id, PageStatus.Processed]);
    const absent: Record<string, unknown>[] = await this.ds.query(SQL.absent, [exam.id]);
    const expected: Record<string, unknown>[] = exam.grade
      ? await this.ds.query(SQL.expected, [exam.allianceId, exam.grade])
      : await this.ds.query(SQL.expectedAnyGrade, [exam.allianceId]);
    const perPaper = (r: Record<string, unknown>) => ({
      schoolId: num(r.school_id),
      paperId: num(r.paper_id),
      n: num(r.n),
    });
    return {
      pages: pages.map((r) => ({
        schoolId: num(r.school_id),
        status: String(r.status),
        n: num(r.n),
        recent: num(r.recent),
      })),
      sheetsRead: read.map(perPaper),
      absent: absent.map(perPaper),
      expected: new Map(expected.map((r) => [num(r.school_id), num(r.n)])),
    };
  }
}
