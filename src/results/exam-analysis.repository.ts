import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, queryOf, type Tx } from '../database/unit-of-work.js';
import { batchesUnder, joinAnalysis, splitAnalysis, type StoredSchoolPart } from './domain/stored-analysis.js';
import { ExamAnalysis } from './entities/exam-analysis.entity.js';

/** Bytes of school parts sent in one INSERT: a quarter of MariaDB's default max_allowed_packet (16 MB). */
const SCHOOL_BATCH_BYTES = 4 * 1024 * 1024;

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
  // Each school's part of a paper's analysis (domain/stored-analysis.ts): rewritten whole with the paper's row.
  schoolsDelete: 'DELETE FROM exam_school_analysis WHERE exam_id = ? AND paper_id = ?',
  schoolsDeleteOthers: 'DELETE FROM exam_school_analysis WHERE exam_id = ? AND paper_id NOT IN (?)',
  schoolsInsert: 'INSERT INTO exam_school_analysis (exam_id, paper_id, school_id, seq, school, classes) VALUES ?',
  // `classesOf`: only these schools' classes are read (a school's report needs its own; the rest stay in the table).
  schoolsOfPapers:
    'SELECT paper_id AS paperId, school_id AS schoolId, seq, school, CASE WHEN ? OR school_id IN (?) THEN classes END AS classes ' +
    'FROM exam_school_analysis WHERE exam_id = ? AND paper_id IN (?) ORDER BY paper_id, seq',
  // One school's part of each paper (GET /api/exams/:id/schools/:schoolId/analysis reads no other school's row).
  schoolOfPapers:
    'SELECT paper_id AS paperId, school_id AS schoolId, seq, school, classes ' +
    'FROM exam_school_analysis WHERE exam_id = ? AND school_id = ? AND paper_id IN (?) ORDER BY paper_id',
  computed: 'SELECT 1 AS x FROM exam_analysis WHERE exam_id = ? LIMIT 1',
};

/** Whose classes a read brings back: every school's (the default), or only these schools'. */
export interface AnalysisReadOptions {
  classesOf?: readonly number[];
}

interface SchoolRow {
  paperId: number;
  schoolId: number;
  seq: number;
  school: string;
  classes: string | null;
}

const partOf = (r: SchoolRow): StoredSchoolPart => ({
  schoolId: r.schoolId,
  seq: r.seq,
  school: JSON.parse(r.school),
  classes: r.classes === null ? null : JSON.parse(r.classes),
});

/** The exam_analysis table's statements: the stored analysis of each paper of an exam (and of its 总分). */
@Injectable()
export class ExamAnalysisRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /**
   * Stores (or replaces) the paper's analysis, computed from the exam's score version `scoreVersion`: the paper's row
   * and one row per school (its figures and its classes'), so no value sent nears max_allowed_packet.
   */
  async save(tx: Tx, examId: number, paperId: number, data: unknown, scoreVersion = 0): Promise<void> {
    const { paper, schools } = splitAnalysis(data);
    const q = queryOf(tx);
    await q.query(SQL.save, [examId, paperId, JSON.stringify(paper), scoreVersion]);
    await q.query(SQL.schoolsDelete, [examId, paperId]);
    const rows = schools.map((s) => [
      examId,
      paperId,
      s.schoolId,
      s.seq,
      JSON.stringify(s.school),
      s.classes === null ? null : JSON.stringify(s.classes),
    ]);
    const size = (r: (typeof rows)[number]) => (r[4] as string).length * 3 + ((r[5] as string | null)?.length ?? 0) * 3;
    for (const batch of batchesUnder(rows, size, SCHOOL_BATCH_BYTES)) await q.query(SQL.schoolsInsert, [batch]);
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
    await this.ds.transaction(async (m) => {
      await m.query(SQL.deleteOthers, [examId, keepPaperIds]);
      await m.query(SQL.schoolsDeleteOthers, [examId, keepPaperIds]);
    });
  }

  async delete(tx: Tx, examId: number, paperId: number): Promise<void> {
    await queryOf(tx).query(SQL.delete, [examId, paperId]);
    await queryOf(tx).query(SQL.schoolsDelete, [examId, paperId]);
  }

  /** Every stored analysis of the exam, by paper id, reassembled (`data` as the results job computed it). */
  async ofExam(examId: number, opts: AnalysisReadOptions = {}): Promise<ExamAnalysis[]> {
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } });
    return this.withSchools(this.ds, examId, rows, opts);
  }

  /**
   * Every stored analysis of the exam with one school's part only (its figures and its classes'): `data.schools` holds
   * that school, or nothing when the paper has none. A paper row stored before the split keeps its inline schools.
   */
  async ofExamForSchool(examId: number, schoolId: number): Promise<ExamAnalysis[]> {
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } });
    if (!rows.length) return rows;
    const found = (await this.ds.query(SQL.schoolOfPapers, [
      examId,
      schoolId,
      rows.map((r) => r.paperId),
    ])) as SchoolRow[];
    return this.joined(rows, found);
  }

  /** One school's stored parts of these papers (none for a paper stored before the split or without the school). */
  async schoolParts(examId: number, schoolId: number, paperIds: number[]): Promise<Map<number, StoredSchoolPart>> {
    if (!paperIds.length) return new Map();
    const found = (await this.ds.query(SQL.schoolOfPapers, [examId, schoolId, paperIds])) as SchoolRow[];
    return new Map(found.map((r) => [Number(r.paperId), partOf(r)]));
  }

  /** The stored analyses of these papers of the exam, reassembled. */
  async ofPapers(tx: Tx, examId: number, paperIds: number[], opts: AnalysisReadOptions = {}): Promise<ExamAnalysis[]> {
    if (!paperIds.length) return [];
    const rows = await managerOf(tx)
      .getRepository(ExamAnalysis)
      .find({ where: { examId, paperId: In(paperIds) } });
    return this.withSchools(queryOf(tx), examId, rows, opts);
  }

  /** The stored analyses (`data` only) of these papers of the exam, outside a transaction (reports read them so). */
  async dataOf(examId: number, paperIds: number[], opts: AnalysisReadOptions = {}): Promise<unknown[]> {
    return (await this.rowsOf(examId, paperIds, opts)).map((r) => r.data);
  }

  /** As dataOf, each with its paper id. */
  async rowsOf(examId: number, paperIds: number[], opts: AnalysisReadOptions = {}): Promise<ExamAnalysis[]> {
    if (!paperIds.length) return [];
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId, paperId: In(paperIds) } });
    return this.withSchools(this.ds, examId, rows, opts);
  }

  /**
   * The stored analyses (`data` only) of these papers with one school's part only (its figures and its classes'):
   * `data.schools` holds that school, or nothing. A class report needs no other school: reading and parsing all of
   * them (200 per paper in a city exam) was most of a class report's CPU.
   */
  async dataOfSchool(examId: number, paperIds: number[], schoolId: number): Promise<unknown[]> {
    if (!paperIds.length) return [];
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId, paperId: In(paperIds) } });
    if (!rows.length) return [];
    const found = (await this.ds.query(SQL.schoolOfPapers, [
      examId,
      schoolId,
      rows.map((r) => r.paperId),
    ])) as SchoolRow[];
    return this.joined(rows, found, [schoolId]).map((r) => r.data);
  }

  /** Whether the exam's results have been computed (scans: a fix then asks for them again). */
  async computedFor(examId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(SQL.computed, [examId]);
    return rows.length > 0;
  }

  /** Puts each paper's school rows back into its `data` (rows stored before the split are left as they are). */
  private async withSchools(
    q: { query(sql: string, params?: unknown[]): Promise<unknown> },
    examId: number,
    rows: ExamAnalysis[],
    opts: AnalysisReadOptions,
  ): Promise<ExamAnalysis[]> {
    if (!rows.length) return rows;
    const all = opts.classesOf === undefined;
    const found = (await q.query(SQL.schoolsOfPapers, [
      all,
      all || !opts.classesOf!.length ? [0] : opts.classesOf,
      examId,
      rows.map((r) => r.paperId),
    ])) as SchoolRow[];
    return this.joined(rows, found, opts.classesOf);
  }

  private joined(rows: ExamAnalysis[], found: SchoolRow[], classesOf?: readonly number[]): ExamAnalysis[] {
    const byPaper = new Map<number, StoredSchoolPart[]>();
    for (const r of found) {
      const part = partOf(r);
      const list = byPaper.get(Number(r.paperId));
      if (list) list.push(part);
      else byPaper.set(Number(r.paperId), [part]);
    }
    for (const r of rows) r.data = joinAnalysis(r.data, byPaper.get(r.paperId) ?? [], classesOf);
    return rows;
  }
}
