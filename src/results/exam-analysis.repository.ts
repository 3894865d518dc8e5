import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, queryOf, type Tx } from '../database/unit-of-work.js';
import { ExamAnalysis } from './entities/exam-analysis.entity.js';

/** The statements, checked in as text (queries/exam-analysis.repository.sql): a change shows in review. */
export const SQL = {
  save: 'INSERT INTO exam_analysis (exam_id, paper_id, data, score_version) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), score_version = VALUES(score_version), computed_at = CURRENT_TIMESTAMP(6)',
  // The version every stored analysis of the exam is at least as new as (null: never computed).
  computedVersion: 'SELECT MIN(score_version) AS v, MAX(computed_at) AS at FROM exam_analysis WHERE exam_id = ?',
  // One key per exam (the lowest paper id's, 总分 = 0 first): every paper's analysis then orders the letters alike.
  anonymisationKey:
    "SELECT JSON_UNQUOTE(JSON_EXTRACT(data, '$.anonymisationKey')) AS k FROM exam_analysis WHERE exam_id = ? AND JSON_TYPE(JSON_EXTRACT(data, '$.anonymisationKey')) = 'STRING' ORDER BY paper_id LIMIT 1",
  deleteOthers: 'DELETE FROM exam_analysis WHERE exam_id = ? AND paper_id NOT IN (?)',
  delete: 'DELETE FROM exam_analysis WHERE exam_id = ? AND paper_id = ?',
};

/** The exam_analysis table's statements: the stored analysis of each paper of an exam (and of its 总分). */
@Injectable()
export class ExamAnalysisRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Stores (or replaces) the paper's analysis, computed from the exam's score version `scoreVersion`. */
  async save(tx: Tx, examId: number, paperId: number, data: unknown, scoreVersion = 0): Promise<void> {
    await queryOf(tx).query(SQL.save, [examId, paperId, JSON.stringify(data), scoreVersion]);
  }

  /** The score version the exam's stored results were computed from, and when (null: never computed). */
  async computedVersion(examId: number): Promise<{ version: number; at: Date } | null> {
    const [row]: { v: number | string | null; at: Date | null }[] = await this.ds.query(SQL.computedVersion, [examId]);
    return row && row.v !== null ? { version: Number(row.v), at: new Date(row.at!) } : null;
  }

  /** The exam's anonymisation key, stored with its analyses, or null when there is none yet. */
  async anonymisationKey(tx: Tx, examId: number): Promise<string | null> {
    const rows: { k: string | null }[] = await queryOf(tx).query(SQL.anonymisationKey, [examId]);
    const key = rows[0]?.k;
    return key && key !== 'null' ? key : null;
  }

  /** Deletes the exam's analyses of every paper but these (a superseded version's analysis is no longer the exam's). */
  async deleteOthers(examId: number, keepPaperIds: number[]): Promise<void> {
    await this.ds.query(SQL.deleteOthers, [examId, keepPaperIds]);
  }

  async delete(tx: Tx, examId: number, paperId: number): Promise<void> {
    await queryOf(tx).query(SQL.delete, [examId, paperId]);
  }

  /** Every stored analysis of the exam, by paper id. */
  ofExam(examId: number): Promise<ExamAnalysis[]> {
    return this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } });
  }

  /** The stored analyses of these papers of the exam. */
  ofPapers(tx: Tx, examId: number, paperIds: number[]): Promise<ExamAnalysis[]> {
    return managerOf(tx)
      .getRepository(ExamAnalysis)
      .find({ where: { examId, paperId: In(paperIds) } });
  }

  /** Whether the exam's results have been computed (scans: a fix then asks for them again). */
  async computedFor(examId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 AS x FROM exam_analysis WHERE exam_id = ? LIMIT 1', [examId]);
    return rows.length > 0;
  }
}
