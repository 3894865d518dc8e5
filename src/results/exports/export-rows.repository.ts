import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The statements, checked in as text (queries/export-rows.repository.sql): a change shows in review. Read-only joins
 * for the students export: results, OMR and marking scores of the students of some schools, with their names.
 */
export const SQL = {
  results: `SELECT r.student_id AS studentId, r.school_id AS schoolId, r.total AS total, r.absent AS absent, r.unscanned AS unscanned, st.exam_no AS examNo, st.name AS name, c.name AS className
             FROM student_result r JOIN student st ON st.id = r.student_id JOIN school_class c ON c.id = st.class_id
             WHERE r.paper_id = ? AND r.school_id IN (?) ORDER BY r.school_id, c.name, st.exam_no`,
  objectiveScores:
    'SELECT o.student_id AS studentId, o.item_id AS itemId, o.score AS score FROM objective_response o JOIN student st ON st.id = o.student_id WHERE o.exam_id = ? AND o.item_id IN (?) AND st.school_id IN (?)',
  finalScores:
    'SELECT f.student_id AS studentId, f.item_id AS itemId, f.score AS score FROM final_item_score f JOIN student st ON st.id = f.student_id WHERE f.paper_id = ? AND st.school_id IN (?)',
};

/** A student's paper result with the names a sheet shows. */
export interface ExportResultRow {
  studentId: number;
  schoolId: number;
  total: number | null;
  absent: boolean;
  unscanned: boolean;
  examNo: string;
  name: string;
  className: string;
}

export interface ExportScore {
  studentId: number;
  itemId: number;
  score: number;
}

type RawScore = { studentId: number; itemId: number; score: string };
const score = (r: RawScore): ExportScore => ({
  studentId: Number(r.studentId),
  itemId: Number(r.itemId),
  score: Number(r.score),
});

/** What the students export reads: the paper's results and item scores of the students of some schools. */
@Injectable()
export class ExportRowsRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The paper's results of these schools' students, by school, class name and exam number. */
  async results(paperId: number, schoolIds: number[]): Promise<ExportResultRow[]> {
    if (!schoolIds.length) return [];
    const rows: (Omit<ExportResultRow, 'total' | 'absent' | 'unscanned'> & {
      total: string | null;
      absent: number;
      unscanned: number;
    })[] = await this.ds.query(SQL.results, [paperId, schoolIds]);
    return rows.map((r) => ({
      ...r,
      studentId: Number(r.studentId),
      schoolId: Number(r.schoolId),
      total: r.total === null ? null : Number(r.total),
      absent: Number(r.absent) !== 0,
      unscanned: Number(r.unscanned) !== 0,
    }));
  }

  /** OMR scores by the key of these items, of these schools' students. */
  async objectiveScores(examId: number, itemIds: number[], schoolIds: number[]): Promise<ExportScore[]> {
    if (!itemIds.length || !schoolIds.length) return [];
    const rows: RawScore[] = await this.ds.query(SQL.objectiveScores, [examId, itemIds, schoolIds]);
    return rows.map(score);
  }

  /** Final scores of marking (and corrections) of the paper, of these schools' students. */
  async finalScores(paperId: number, schoolIds: number[]): Promise<ExportScore[]> {
    if (!schoolIds.length) return [];
    const rows: RawScore[] = await this.ds.query(SQL.finalScores, [paperId, schoolIds]);
    return rows.map(score);
  }
}
