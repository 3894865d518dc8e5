import { randomBytes } from 'node:crypto';
import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { Item } from '../exams/entities/item.entity.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { School, SchoolKind } from '../org/entities/school.entity.js';
import { Pipeline } from '../queue/pipeline.js';
import { ReportRepository } from '../reports/report.repository.js';
import { PageStatus } from '../scans/entities/scanned-page.entity.js';
import { analysePaper, choiceOf, ExamAnalysisData, LocalityName, SchoolKindName } from './domain/exam-analysis.js';
import { anonymousLabels, principalView, PrincipalAnalysisView } from './domain/principal-view.js';
import {
  IMPROVEMENT_FORMULAS,
  ImprovementFormulaName,
  longitudinal,
  LongitudinalAnalysis,
  principalLongitudinal,
  PrincipalLongitudinal,
} from './domain/value-added.js';
import { OutcomeStatus, resolveOutcomes } from './domain/student-outcomes.js';
import { stratifiedAlpha } from './domain/statistics.js';
import {
  principalLongitudinalOf,
  type PrincipalStoredLongitudinal,
  type StoredLongitudinal,
} from './domain/stored-longitudinal.js';

export { principalLongitudinalOf, type PrincipalStoredLongitudinal, type StoredLongitudinal };
import {
  subjectTotalOutcomes,
  TOTAL_PAPER_ID,
  TOTAL_RULE,
  TOTAL_SUBJECT,
  totalPaper,
} from './domain/subject-totals.js';
import { ExamAnalysis } from './entities/exam-analysis.entity.js';
import { StudentResult } from './entities/student-result.entity.js';

/** Rule version of objective final scores: the OMR score by the answer key, taken as is. */
export const OBJECTIVE_RULE_VERSION = 'key-v1';
const CHUNK = 500;
/** Rows per multi-row INSERT of student totals (6 parameters a row, well under the 65,535 placeholder limit). */
const WRITE_CHUNK = 2000;

export interface ComputeSummary {
  examId: number;
  papers: { paperId: number; subject: string; roster: number; absent: number; incomplete: number; included: number }[];
  reportsQueued: number[];
  /** Milliseconds per phase, summed over papers. */
  timingsMs?: Record<string, number>;
}

export interface AnalysisResponse {
  examId: number;
  examName: string;
  /** 'admin': every unit with school names; 'principal': own school(s) + aggregates + others anonymised. */
  view: 'admin' | 'principal';
  papers: ((ExamAnalysisData | PrincipalAnalysisView) & {
    computedAt: Date;
    longitudinal: StoredLongitudinal | PrincipalStoredLongitudinal | null;
  })[];
}

/** One row per student × paper of the school (one row per student for a one-paper exam). No ranks. */
export interface SchoolStudentRow {
  studentId: number;
  examNo: string;
  name: string;
  className: string;
  paperId: number;
  subject: string;
  /** 'not_computed' until the results job has run for the paper. */
  status: OutcomeStatus | 'not_computed';
  absent: boolean;
  total: number | null;
}

interface PaperScores {
  /** studentId → itemId → final score. */
  byStudent: Map<number, Map<number, number>>;
  /** studentId → itemId → options marked ("" blank), choice items read by OMR. */
  marked: Map<number, Record<number, string>>;
}

/** Streams a query's rows to a callback: millions of rows without holding them all (nor one big GROUP_CONCAT). */
async function eachRow<T>(m: EntityManager, sql: string, params: unknown[], onRow: (row: T) => void): Promise<void> {
  const stream = await m.queryRunner!.stream(sql, params);
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (row) => onRow(row as T));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
}

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

@Injectable()
export class ResultsService {
  private readonly logger = new Logger('ResultsService');

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ReportRepository) private readonly reports: ReportRepository,
  ) {}

  private async examOrThrow(examId: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /** POST /api/exams/:id/results/compute: enqueue (debounced by the producer; the job itself is idempotent). */
  async requestCompute(actor: Actor, examId: number) {
    const exam = await this.examOrThrow(examId);
    assertScope(actor.isAdminOf(exam.allianceId), '只有本联盟的管理员可以计算成绩');
    if (exam.status === ExamStatus.Imported)
      throw new BadRequestException(`${IMPORTED_EXAM_REFUSAL}：成绩已随导入保存，无需计算`);
    await this.pipeline.scoresChanged(examId);
    return { examId, status: 'queued' as const };
  }

  /**
   * The results job. Idempotent: every write is an upsert on a natural key, so running it twice gives
   * the same rows. Per paper: final item scores (OMR by the key for objective items, marking for the others),
   * student totals, the analysis; then one report job per alliance school.
   */
  async computeExam(examId: number): Promise<ComputeSummary> {
    const exam = await this.examOrThrow(examId);
    // An imported exam's totals are the file's: recomputing from (no) scans would turn every student into 缺考.
    if (exam.status === ExamStatus.Imported) {
      this.logger.warn(`exam ${examId} is imported: results job skipped`);
      return { examId, papers: [], reportsQueued: [] };
    }
    const papers = papersOfRecord(await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } }));
    const schools = await this.ds
      .getRepository(School)
      .find({ where: { allianceId: exam.allianceId }, order: { id: 'ASC' } });
    // Where the time goes, summed over papers (bench:analysis prints it).
    const timings: Record<string, number> = {};
    let t0 = Date.now();
    const roster = await this.roster(exam);
    const summary: ComputeSummary = { examId, papers: [], reportsQueued: [] };
    const lap = (phase: string) => {
      const now = Date.now();
      timings[phase] = (timings[phase] ?? 0) + now - t0;
      t0 = now;
    };
    lap('roster');

    const outcomesByPaper: ReturnType<typeof resolveOutcomes>[] = [];
    for (const paper of papers) {
      await this.ds.transaction(async (m) => {
        const items = await m.getRepository(Item).find({ where: { paperId: paper.id }, order: { seq: 'ASC' } });
        const pages: { studentId: number; processed: string | number }[] = await m.query(
          'SELECT student_id AS studentId, MAX(status = ?) AS processed FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND student_id IS NOT NULL GROUP BY student_id',
          [PageStatus.Processed, examId, paper.id],
        );
        const { byStudent, marked } = await this.readPaperScores(
          m,
          examId,
          items.map((i) => i.id),
        );
        const absentRows: { studentId: number }[] = await m.query(
          'SELECT student_id AS studentId FROM exam_absence WHERE paper_id = ?',
          [paper.id],
        );
        lap('read');
        const outcomes = resolveOutcomes({
          roster,
          processed: new Set(pages.filter((p) => Number(p.processed) === 1).map((p) => Number(p.studentId))),
          pending: new Set(pages.filter((p) => Number(p.processed) !== 1).map((p) => Number(p.studentId))),
          itemIds: items.map((i) => i.id),
          markedAbsent: new Set(absentRows.map((r) => Number(r.studentId))),
          byStudent,
        });
        await this.upsertStudentResults(m, examId, paper.id, outcomes);
        lap('write_results');

        const data = analysePaper({
          examId,
          paper: { paperId: paper.id, subject: paper.subject, fullMarks: paper.fullMarks },
          thresholds: { excellent: exam.excellentRatio, pass: exam.passRatio, low: exam.lowRatio },
          items: items.map((i) => ({
            itemId: i.id,
            seq: i.seq,
            label: i.label,
            maxScore: i.maxScore,
            knowledgePoints: i.knowledgePoints ?? [],
            choice: choiceOf(i),
          })),
          schools: schools.map((s) => ({
            schoolId: s.id,
            name: s.name,
            kind: s.kind as SchoolKindName,
            locality: s.locality as LocalityName,
          })),
          outcomes,
          marked,
        });
        lap('analyse');
        // 纵看 sits beside the paper analysis, leaving exam-analysis.ts's fields untouched.
        const stored = {
          ...data,
          anonymisationKey: await this.anonymisationKey(m, examId, paper.id),
          longitudinal: await this.longitudinalFor(m, exam, [paper], papers.length, schools, outcomes),
        };
        lap('value_added');
        await m.query(
          'INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), computed_at = CURRENT_TIMESTAMP(6)',
          [examId, paper.id, JSON.stringify(stored)],
        );
        lap('write_analysis');
        const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
        summary.papers.push({
          paperId: paper.id,
          subject: paper.subject,
          roster: outcomes.length,
          absent: count('absent'),
          incomplete: count('incomplete'),
          included: count('complete'),
        });
        outcomesByPaper.push(outcomes);
      });
    }

    // A superseded version's analysis (from before a newer version was locked) is no longer the exam's.
    await this.ds.query(
      `DELETE FROM exam_analysis WHERE exam_id = ? AND paper_id NOT IN (${[TOTAL_PAPER_ID, ...papers.map((p) => p.id)].map(() => '?').join(', ')})`,
      [examId, TOTAL_PAPER_ID, ...papers.map((p) => p.id)],
    );

    // 总分 of a several-subject exam, stored under paper id 0 (see domain/subject-totals.ts for who counts).
    await this.ds.transaction(async (m) => {
      if (papers.length < 2) {
        await m.query('DELETE FROM exam_analysis WHERE exam_id = ? AND paper_id = ?', [examId, TOTAL_PAPER_ID]);
        return;
      }
      const subjects = papers.map((p) => ({ paperId: p.id, subject: p.subject, fullMarks: p.fullMarks }));
      const outcomes = subjectTotalOutcomes(subjects, outcomesByPaper);
      const { paper, items } = totalPaper(subjects);
      const data = analysePaper({
        examId,
        paper,
        thresholds: { excellent: exam.excellentRatio, pass: exam.passRatio, low: exam.lowRatio },
        items,
        schools: schools.map((s) => ({
          schoolId: s.id,
          name: s.name,
          kind: s.kind as SchoolKindName,
          locality: s.locality as LocalityName,
        })),
        outcomes,
      });
      const stored = {
        ...data,
        // Subjects are not items of one test: α, D and option shares across subjects would mislead.
        itemAnalysis: null,
        subjectTotal: { papers: subjects, rule: TOTAL_RULE },
        anonymisationKey: await this.anonymisationKey(m, examId, TOTAL_PAPER_ID),
        longitudinal: await this.longitudinalFor(m, exam, papers, papers.length, schools, outcomes),
      };
      await m.query(
        'INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), computed_at = CURRENT_TIMESTAMP(6)',
        [examId, TOTAL_PAPER_ID, JSON.stringify(stored)],
      );
      const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
      summary.papers.push({
        paperId: TOTAL_PAPER_ID,
        subject: TOTAL_SUBJECT,
        roster: outcomes.length,
        absent: count('absent'),
        incomplete: count('incomplete'),
        included: count('complete'),
      });
    });
    lap('subject_total');

    // One diagnostic report per alliance school; comparison schools are outside the alliance and get none.
    if (papers.length) {
      const targets = schools.filter((x) => x.kind !== SchoolKind.Comparison).map((x) => x.id);
      await this.reports.markQueued(examId, targets);
      await this.pipeline.resultsComputed(examId, targets);
      summary.reportsQueued.push(...targets);
      lap('queue_reports');
    }
    summary.timingsMs = timings;
    this.logger.log(`results of exam ${examId}: ${JSON.stringify(summary.papers)} in ${JSON.stringify(timings)} ms`);
    return summary;
  }

  /**
   * Value-added and 纵看 of one paper (or of 总分: several papers) against the prior exam's papers of the same
   * subjects (or the only paper when both exams have one). Students are linked by student id; prior totals come
   * from its results, summed over the subjects for 总分 (students with a total in every one of them).
   */
  private async longitudinalFor(
    m: EntityManager,
    exam: Exam,
    current: Paper[],
    paperCount: number,
    schools: School[],
    outcomes: ReturnType<typeof resolveOutcomes>,
  ): Promise<StoredLongitudinal | null> {
    if (!exam.priorExamId) return null;
    const prior = await m.getRepository(Exam).findOneBy({ id: exam.priorExamId });
    if (!prior) return null;
    const priorPapers = papersOfRecord(
      await m.getRepository(Paper).find({ where: { examId: prior.id }, order: { id: 'ASC' } }),
    );
    const matches = current.map(
      (paper) =>
        [...priorPapers].reverse().find((p) => p.subject === paper.subject) ??
        (priorPapers.length === 1 && paperCount === 1 ? priorPapers[0] : undefined),
    );
    const head = { priorExamId: prior.id, priorExamName: prior.name };
    const missing = current.filter((_, j) => !matches[j]).map((p) => p.subject);
    if (missing.length)
      return { ...head, priorPaperId: null, unavailable: `上次考试没有“${missing.join('、')}”试卷，无法纵向比较` };
    const priorIds = matches.map((p) => p!.id);
    // One paper: its own id; 总分: TOTAL_PAPER_ID, like the stored analysis it sits beside.
    const priorPaperId = priorIds.length === 1 ? priorIds[0] : TOTAL_PAPER_ID;
    const rows: { studentId: number; total: string }[] = await m.query(
      `SELECT student_id AS studentId, SUM(total) AS total FROM student_result WHERE paper_id IN (?) AND absent = 0 AND total IS NOT NULL
       GROUP BY student_id HAVING COUNT(*) = ?`,
      [priorIds, priorIds.length],
    );
    if (!rows.length) return { ...head, priorPaperId, unavailable: '上次考试尚未统计成绩，请先计算上次考试的成绩' };
    const alliance = schools.filter((s) => s.kind !== SchoolKind.Comparison);
    const inAlliance = new Set(alliance.map((s) => s.id));
    const formula = (
      exam.improvementFormula in IMPROVEMENT_FORMULAS ? exam.improvementFormula : 'va_over_se'
    ) as ImprovementFormulaName;
    const priorReliability = await this.priorReliability(
      m,
      prior.id,
      priorIds,
      new Set(rows.map((r) => Number(r.studentId))),
    );
    const l = longitudinal({
      priorReliability,
      schools: alliance.map((s) => ({ schoolId: s.id })),
      current: outcomes
        .filter((o) => o.status === 'complete' && inAlliance.has(o.schoolId))
        .map((o) => ({ studentId: o.studentId, schoolId: o.schoolId, total: o.total as number })),
      prior: new Map(rows.map((r) => [Number(r.studentId), Number(r.total)])),
      formula,
    });
    return { ...head, priorPaperId, ...l };
  }

  /**
   * Reliability of the prior exam's totals, which corrects the VA slope for the prior's measurement error: the α /
   * KR-20 of its paper's stored item analysis (alliance students), or for 总分 the stratified α of its subjects over
   * the students who have every subject. Null when any paper has no α (imported results have no items): plain OLS.
   */
  private async priorReliability(
    m: EntityManager,
    priorExamId: number,
    paperIds: number[],
    students: ReadonlySet<number>,
  ): Promise<number | null> {
    const analyses = await m
      .getRepository(ExamAnalysis)
      .find({ where: { examId: priorExamId, paperId: In(paperIds) } });
    const alphaOf = (paperId: number) =>
      (analyses.find((a) => a.paperId === paperId)?.data as ExamAnalysisData | undefined)?.itemAnalysis?.alpha ?? null;
    const alphas = paperIds.map(alphaOf);
    if (alphas.some((a) => a === null)) return null;
    if (paperIds.length === 1) return alphas[0];
    const parts = await m.query(
      `SELECT student_id AS studentId, paper_id AS paperId, total FROM student_result WHERE paper_id IN (?) AND absent = 0 AND total IS NOT NULL`,
      [paperIds],
    );
    const byStudent = new Map<number, number[]>();
    for (const r of parts as { studentId: number; paperId: number; total: string }[]) {
      const id = Number(r.studentId);
      if (!students.has(id)) continue;
      let row = byStudent.get(id);
      if (!row) byStudent.set(id, (row = new Array<number>(paperIds.length).fill(NaN)));
      row[paperIds.indexOf(Number(r.paperId))] = Number(r.total);
    }
    const complete = [...byStudent.values()].filter((row) => row.every(Number.isFinite));
    return stratifiedAlpha(
      paperIds.map((_, i) => complete.map((row) => row[i])),
      alphas,
    );
  }

  /**
   * PATCH /api/exams/:id { priorExamId?, improvementFormula? }: links the exam to the same cohort's prior
   * exam (纵看, value-added). Admin of the alliance; the prior exam must be of the same alliance, not the
   * exam itself nor one that already follows it (no cycles). Results must be recomputed afterwards.
   */
  async updateLongitudinalSettings(
    actor: Actor,
    examId: number,
    body: { priorExamId?: unknown; improvementFormula?: unknown },
  ) {
    const exam = await this.examOrThrow(examId);
    assertScope(actor.isAdminOf(exam.allianceId), '只有本联盟的管理员可以修改考试设置');
    const patch: Partial<Pick<Exam, 'priorExamId' | 'improvementFormula'>> = {};
    const b = body ?? {};
    if (b.priorExamId !== undefined) {
      if (b.priorExamId === null || b.priorExamId === '') patch.priorExamId = null;
      else {
        const id =
          typeof b.priorExamId === 'number'
            ? b.priorExamId
            : typeof b.priorExamId === 'string' && /^\d+$/.test(b.priorExamId)
              ? Number(b.priorExamId)
              : NaN;
        if (!Number.isInteger(id) || id <= 0)
          throw new BadRequestException('上次考试（priorExamId）应为考试编号或 null');
        if (id === examId) throw new BadRequestException('上次考试不能是本次考试自身');
        const prior = await this.ds.getRepository(Exam).findOneBy({ id });
        if (!prior || prior.allianceId !== exam.allianceId)
          throw new BadRequestException('上次考试不存在或不属于本联盟');
        // Walk the prior chain: linking to an exam that (indirectly) follows this one would make a cycle.
        const seen = new Set<number>([examId]);
        for (
          let cur: Exam | null = prior;
          cur?.priorExamId;
          cur = await this.ds.getRepository(Exam).findOneBy({ id: cur.priorExamId })
        ) {
          if (seen.has(cur.priorExamId))
            throw new BadRequestException('不能形成循环：所选上次考试本身以本次考试为上次考试');
          seen.add(cur.priorExamId);
        }
        patch.priorExamId = id;
      }
    }
    if (b.improvementFormula !== undefined) {
      if (typeof b.improvementFormula !== 'string' || !(b.improvementFormula in IMPROVEMENT_FORMULAS)) {
        throw new BadRequestException(
          `提升系数公式（improvementFormula）应为 ${Object.keys(IMPROVEMENT_FORMULAS).join(' 或 ')}`,
        );
      }
      patch.improvementFormula = b.improvementFormula;
    }
    if (!Object.keys(patch).length) throw new BadRequestException('请提供 priorExamId 或 improvementFormula');
    await this.ds.transaction(async (m) => {
      // the prior exam is held until the link is written: deleting an imported exam checks for links under its lock
      if (
        patch.priorExamId &&
        !(await m.query('SELECT id FROM exam WHERE id = ? LOCK IN SHARE MODE', [patch.priorExamId])).length
      ) {
        throw new BadRequestException('上次考试不存在或不属于本联盟');
      }
      await m.getRepository(Exam).update({ id: examId }, patch);
      await m
        .getRepository(AuditLog)
        .insert({ userId: actor.userId, action: 'update', entity: 'exam', entityId: String(examId), detail: patch });
    });
    const saved = await this.examOrThrow(examId);
    return {
      id: saved.id,
      priorExamId: saved.priorExamId,
      improvementFormula: saved.improvementFormula,
      improvementFormulaDescription: IMPROVEMENT_FORMULAS[saved.improvementFormula as ImprovementFormulaName] ?? null,
    };
  }

  /**
   * Roster students of the alliance's schools. When the exam names a grade, only classes of that grade
   * (or classes without a grade) sit it: other grades are not 缺考.
   */
  private async roster(exam: Exam): Promise<{ studentId: number; schoolId: number }[]> {
    const grade = gradeClause(exam);
    const rows: { studentId: number; schoolId: number }[] = await this.ds.query(
      `SELECT st.id AS studentId, st.school_id AS schoolId FROM student st JOIN school sc ON sc.id = st.school_id JOIN school_class c ON c.id = st.class_id WHERE sc.alliance_id = ?${grade.sql} ORDER BY st.id`,
      [exam.allianceId, ...grade.params],
    );
    return rows.map((r) => ({ studentId: Number(r.studentId), schoolId: Number(r.schoolId) }));
  }

  /**
   * The secret that orders the 学校A/B/… letters of this analysis. Kept across recomputations so letters stay
   * stable; random so a principal cannot recompute the order from ids (which every member of an alliance sees).
   */
  private async anonymisationKey(m: EntityManager, examId: number, paperId: number): Promise<string> {
    const rows: { k: string | null }[] = await m.query(
      "SELECT JSON_UNQUOTE(JSON_EXTRACT(data, '$.anonymisationKey')) AS k FROM exam_analysis WHERE exam_id = ? AND paper_id = ?",
      [examId, paperId],
    );
    const existing = rows[0]?.k;
    return existing && existing !== 'null' ? existing : randomBytes(16).toString('hex');
  }

  /**
   * Final item scores of the paper and what students marked on its choice items, streamed row by row (one round
   * trip per table, no server-side grouping: GROUP BY over 2 million rows spilled to disk and took 10–25 s).
   * An objective item's final score is its OMR score by the key (rule OBJECTIVE_RULE_VERSION), read where
   * ingestion writes it; a final_item_score row (marking, arbitration, a correction of an objective item) wins.
   */
  private async readPaperScores(m: EntityManager, examId: number, itemIds: number[]): Promise<PaperScores> {
    const byStudent = new Map<number, Map<number, number>>();
    const marked = new Map<number, Record<number, string>>();
    if (!itemIds.length) return { byStudent, marked };
    const put = (studentId: number, itemId: number, score: number) => {
      let mine = byStudent.get(studentId);
      if (!mine) byStudent.set(studentId, (mine = new Map()));
      mine.set(itemId, score);
    };
    await eachRow<{ s: number; i: number; k: string; v: string }>(
      m,
      'SELECT student_id AS s, item_id AS i, marked AS k, score AS v FROM objective_response WHERE exam_id = ? AND item_id IN (?)',
      [examId, itemIds],
      (r) => {
        const studentId = Number(r.s);
        put(studentId, Number(r.i), Number(r.v));
        let rec = marked.get(studentId);
        if (!rec) marked.set(studentId, (rec = {}));
        rec[Number(r.i)] = r.k;
      },
    );
    await eachRow<{ s: number; i: number; v: string }>(
      m,
      'SELECT student_id AS s, item_id AS i, score AS v FROM final_item_score WHERE exam_id = ? AND item_id IN (?)',
      [examId, itemIds],
      (r) => put(Number(r.s), Number(r.i), Number(r.v)),
    );
    return { byStudent, marked };
  }

  /**
   * Writes the paper totals. Only rows that differ from the stored ones are written (a recompute after one appeal
   * touches a handful of rows, not 100,000), in statements of a few thousand rows.
   */
  private async upsertStudentResults(
    m: EntityManager,
    examId: number,
    paperId: number,
    outcomes: ReturnType<typeof resolveOutcomes>,
  ) {
    const key = (schoolId: number, total: number | null, absent: number) =>
      `${schoolId}|${total === null ? '' : total}|${absent}`;
    const existing = new Map<number, string>();
    const rows: { s: number; c: number; t: string | null; a: number }[] = await m.query(
      'SELECT student_id AS s, school_id AS c, total AS t, absent AS a FROM student_result WHERE paper_id = ?',
      [paperId],
    );
    for (const r of rows) existing.set(Number(r.s), key(Number(r.c), r.t === null ? null : Number(r.t), Number(r.a)));
    const changed = outcomes.filter(
      (o) => existing.get(o.studentId) !== key(o.schoolId, o.total, o.status === 'absent' ? 1 : 0),
    );
    for (const part of chunks(changed, WRITE_CHUNK)) {
      const values = part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
      const params = part.flatMap((o) => [
        examId,
        paperId,
        o.studentId,
        o.schoolId,
        o.total,
        o.status === 'absent' ? 1 : 0,
      ]);
      await m.query(
        `INSERT INTO student_result (exam_id, paper_id, student_id, school_id, total, absent) VALUES ${values}
         ON DUPLICATE KEY UPDATE exam_id = VALUES(exam_id), school_id = VALUES(school_id), total = VALUES(total), absent = VALUES(absent)`,
        params,
      );
    }
    // Students no longer on the roster (moved, removed from the grade) lose their row.
    const keep = new Set(outcomes.map((o) => o.studentId));
    const stale = [...existing.keys()].filter((id) => !keep.has(id));
    for (const part of chunks(stale)) await m.getRepository(StudentResult).delete({ paperId, studentId: In(part) });
  }

  /** GET /api/exams/:id/analysis. Admin: everything. Principal: own school + aggregates + others anonymised. */
  async analysisFor(actor: Actor, examId: number): Promise<AnalysisResponse> {
    const exam = await this.examOrThrow(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权查看该考试的成绩分析');
    const rows = totalLast(
      await this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } }),
    );
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    return {
      examId,
      examName: exam.name,
      view: isAdmin ? 'admin' : 'principal',
      papers: rows.map((r) => {
        const { longitudinal: l = null, ...data } = r.data as ExamAnalysisData & {
          longitudinal?: StoredLongitudinal | null;
        };
        if (isAdmin) return { ...data, computedAt: r.computedAt, longitudinal: l };
        return {
          ...principalView(data, own),
          computedAt: r.computedAt,
          longitudinal: principalLongitudinalOf(data, l, own),
        };
      }),
    };
  }

  /** GET /api/exams/:id/schools/:schoolId/students: one school's own students (no ranks). Every access is audited. */
  async schoolStudents(actor: Actor, examId: number, schoolId: number): Promise<SchoolStudentRow[]> {
    const exam = await this.examOrThrow(examId);
    assertScope(actor.canActForSchool(Role.Principal, exam.allianceId, schoolId), '无权查看其他学校的学生成绩');
    const school = await this.ds.getRepository(School).findOneBy({ id: schoolId, allianceId: exam.allianceId });
    if (!school) throw new NotFoundException('学校不存在');
    const papers = papersOfRecord(await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } }));
    // An imported exam's students are those of the file: last term's grade is not the class's grade today.
    const grade =
      exam.status === ExamStatus.Imported
        ? { sql: ' AND st.id IN (SELECT student_id FROM student_result WHERE exam_id = ?)', params: [examId] }
        : gradeClause(exam);
    const students: { studentId: number; examNo: string; name: string; className: string }[] = await this.ds.query(
      `SELECT st.id AS studentId, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id WHERE st.school_id = ?${grade.sql} ORDER BY c.name, st.exam_no`,
      [schoolId, ...grade.params],
    );
    const results = papers.length
      ? await this.ds
          .getRepository(StudentResult)
          .find({ where: { examId, schoolId, paperId: In(papers.map((p) => p.id)) } })
      : [];
    const byKey = new Map(results.map((r) => [`${r.paperId}:${r.studentId}`, r]));
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'results.students.view',
      entity: 'school',
      entityId: String(schoolId),
      detail: { examId, students: students.length },
    });
    return students.flatMap((st) =>
      papers.map((p) => {
        const r = byKey.get(`${p.id}:${Number(st.studentId)}`);
        const status: SchoolStudentRow['status'] = !r
          ? 'not_computed'
          : r.absent
            ? 'absent'
            : r.total === null
              ? 'incomplete'
              : 'complete';
        return {
          studentId: Number(st.studentId),
          examNo: st.examNo,
          name: st.name,
          className: st.className,
          paperId: p.id,
          subject: p.subject,
          status,
          absent: r?.absent ?? false,
          total: r?.total ?? null,
        };
      }),
    );
  }
}

/** Paper analyses in paper order, then the 总分 analysis (paper id 0) of a several-subject exam. */
export function totalLast<T extends { paperId: number }>(rows: T[]): T[] {
  return [...rows.filter((r) => r.paperId !== TOTAL_PAPER_ID), ...rows.filter((r) => r.paperId === TOTAL_PAPER_ID)];
}

/** Restricts a roster query (class alias c) to the exam's grade, if it names one. */
function gradeClause(exam: Exam): { sql: string; params: string[] } {
  return exam.grade ? { sql: " AND (c.grade = ? OR c.grade = '')", params: [exam.grade] } : { sql: '', params: [] };
}
