import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { type School, SchoolKind } from '../org/entities/school.entity.js';
import type { ExamAnalysisData } from './domain/exam-analysis.js';
import { stratifiedAlpha } from './domain/statistics.js';
import { linkedPriorColumns, MAX_LINKED_PRIORS, type TrendExam, vaTrend } from './domain/linked-priors.js';
import type { StoredLongitudinal } from './domain/stored-longitudinal.js';
import type { StudentOutcome } from './domain/student-outcomes.js';
import { TOTAL_PAPER_ID } from './domain/subject-totals.js';
import { improvementFormulaOf, longitudinal } from './domain/value-added.js';
import { ExamAnalysisRepository } from './exam-analysis.repository.js';
import { StudentResultRepository } from './student-result.repository.js';

/** The results job's 纵看 step: the prior exam's totals and reliability, and the value-added they give. */
@Injectable()
export class LongitudinalInputsService {
  constructor(
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
  ) {}

  /**
   * Value-added and 纵看 of one paper (or of 总分: several papers) against the prior exam's papers of the same
   * subjects (or the only paper when both exams have one). Students are linked by student id; prior totals come
   * from its results, summed over the subjects for 总分 (students with a total in every one of them).
   */
  async of(
    tx: Tx,
    exam: Exam,
    current: Paper[],
    paperCount: number,
    schools: School[],
    outcomes: StudentOutcome[],
  ): Promise<StoredLongitudinal | null> {
    if (!exam.priorExamId) return null;
    const prior = await this.exams.findById(exam.priorExamId, tx);
    if (!prior) return null;
    const matches = priorMatches(current, papersOfRecord(await this.papers.ofExam(prior.id, tx)), paperCount);
    const head = { priorExamId: prior.id, priorExamName: prior.name };
    const missing = current.filter((_, j) => !matches[j]).map((p) => p.subject);
    if (missing.length)
      return { ...head, priorPaperId: null, unavailable: `上次考试没有“${missing.join('、')}”试卷，无法纵向比较` };
    const priorIds = matches.map((p) => p!.id);
    // One paper: its own id; 总分: TOTAL_PAPER_ID, like the stored analysis it sits beside.
    const priorPaperId = priorIds.length === 1 ? priorIds[0] : TOTAL_PAPER_ID;
    const priorTotals = await this.results.priorTotals(tx, priorIds);
    if (!priorTotals.size)
      return { ...head, priorPaperId, unavailable: '上次考试尚未统计成绩，请先计算上次考试的成绩' };
    const alliance = schools.filter((s) => s.kind !== SchoolKind.Comparison);
    const inAlliance = new Set(alliance.map((s) => s.id));
    const formula = improvementFormulaOf(exam.improvementFormula);
    const reliability = await this.priorReliability(
      tx,
      prior,
      matches.map((p) => p!),
      new Set(priorTotals.keys()),
    );
    const currentRows = outcomes
      .filter((o) => o.status === 'complete' && inAlliance.has(o.schoolId))
      .map((o) => ({ studentId: o.studentId, schoolId: o.schoolId, total: o.total as number }));
    // Several linked earlier exams: prior columns while matching holds, and the trend (domain/linked-priors.ts).
    const chain = [
      { exam: prior, paperIds: priorIds, totals: priorTotals },
      ...(await this.earlierExams(tx, exam, prior, current, paperCount)),
    ];
    const { used, prior: priorColumns } = linkedPriorColumns(
      currentRows.map((r) => r.studentId),
      chain.map((c) => c.totals),
    );
    const columns = chain.slice(0, used);
    const l = longitudinal({
      priorReliability: reliability.value,
      priorReliabilitySource: reliability.source,
      schools: alliance.map((s) => ({ schoolId: s.id })),
      current: currentRows,
      prior: priorColumns,
      priorExamNames: used > 1 ? columns.map((c) => c.exam.name) : undefined,
      formula,
    });
    const earlier: TrendExam[] = [];
    for (const c of [...chain].reverse())
      earlier.push({ examId: c.exam.id, name: c.exam.name, analysis: await this.storedVa(tx, c.exam.id, c.paperIds) });
    const trend = vaTrend(
      earlier,
      { examId: exam.id, name: exam.name, analysis: l },
      alliance.map((s) => s.id),
    );
    return {
      ...head,
      priorPaperId,
      ...l,
      priorExams: columns.map((c) => ({ examId: c.exam.id, name: c.exam.name })),
      trend,
    };
  }

  /**
   * The exams linked before the prior exam (its prior, that one's prior…), newest first, with the papers matching this
   * exam's and their totals: up to MAX_LINKED_PRIORS exams in all, stopping at the first without every subject or
   * without totals, at another alliance's exam or at a loop.
   */
  private async earlierExams(tx: Tx, exam: Exam, prior: Exam, current: Paper[], paperCount: number) {
    const out: { exam: Exam; paperIds: number[]; totals: ReadonlyMap<number, number> }[] = [];
    const seen = new Set([exam.id, prior.id]);
    let at = prior;
    while (out.length + 1 < MAX_LINKED_PRIORS && at.priorExamId && !seen.has(at.priorExamId)) {
      const next = await this.exams.findById(at.priorExamId, tx);
      if (!next || next.allianceId !== exam.allianceId) break;
      const matches = priorMatches(current, papersOfRecord(await this.papers.ofExam(next.id, tx)), paperCount);
      if (matches.some((m) => !m)) break;
      const paperIds = matches.map((m) => m!.id);
      const totals = await this.results.priorTotals(tx, paperIds);
      if (!totals.size) break;
      out.push({ exam: next, paperIds, totals });
      seen.add(next.id);
      at = next;
    }
    return out;
  }

  /** The value-added stored with an earlier exam's analysis of these papers (null: none, e.g. imported results). */
  private async storedVa(tx: Tx, examId: number, paperIds: number[]): Promise<TrendExam['analysis']> {
    const paperId = paperIds.length === 1 ? paperIds[0] : TOTAL_PAPER_ID;
    const [a] = await this.analyses.ofPapers(tx, examId, [paperId], { classesOf: [] });
    const l = (a?.data as { longitudinal?: StoredLongitudinal | null } | undefined)?.longitudinal;
    return l && !('unavailable' in l) ? { schools: l.schools } : null;
  }

  /**
   * Reliability of the prior exam's totals, reported with the value-added method and, with one prior column, centring
   * the prior of φ (the estimates do not need it: multilevel.ts): the α / KR-20 of each paper's stored item analysis (alliance students), or, for imported results
   * (no items), the reliability the admin stated at import with its source: the subject's own (paper), else the
   * exam's; for 总分 the stratified α of the subjects over the students who have every subject, its source naming
   * each subject's figure. Null when some paper has neither.
   */
  private async priorReliability(
    tx: Tx,
    prior: Exam,
    papers: Paper[],
    students: ReadonlySet<number>,
  ): Promise<{ value: number | null; source: string | null }> {
    const paperIds = papers.map((p) => p.id);
    const analyses = await this.analyses.ofPapers(tx, prior.id, paperIds, { classesOf: [] });
    const alphaOf = (paperId: number) =>
      (analyses.find((a) => a.paperId === paperId)?.data as ExamAnalysisData | undefined)?.itemAnalysis?.alpha ?? null;
    const measured = paperIds.map(alphaOf);
    // Only where a paper has no α of its own does a stated figure stand in (an imported exam's papers never have one):
    // the subject's, else the exam's.
    const stated = papers.map((p, i) =>
      measured[i] !== null
        ? null
        : p.statedReliability != null
          ? { value: p.statedReliability, source: p.statedReliabilitySource ?? '' }
          : prior.statedReliability != null
            ? { value: prior.statedReliability, source: prior.statedReliabilitySource ?? '' }
            : null,
    );
    const alphas = measured.map((a, i) => a ?? stated[i]?.value ?? null);
    const source = statedSource(papers, stated);
    if (alphas.some((a) => a === null)) return { value: null, source: null };
    if (paperIds.length === 1) return { value: alphas[0], source };
    const byStudent = new Map<number, number[]>();
    for (const r of await this.results.presentTotals(tx, paperIds)) {
      if (!students.has(r.studentId)) continue;
      let row = byStudent.get(r.studentId);
      if (!row) byStudent.set(r.studentId, (row = new Array<number>(paperIds.length).fill(NaN)));
      row[paperIds.indexOf(r.paperId)] = r.total;
    }
    const complete = [...byStudent.values()].filter((row) => row.every(Number.isFinite));
    const value = stratifiedAlpha(
      paperIds.map((_, i) => complete.map((row) => row[i])),
      alphas as number[],
    );
    return { value, source: value === null ? null : source };
  }
}

/**
 * The source printed with the prior's reliability: null when every figure is the papers' own α; one paper's stated
 * source; for several, each stated subject with its figure and source (the methods appendix says them per subject).
 */
function statedSource(papers: readonly Paper[], stated: readonly ({ value: number; source: string } | null)[]) {
  if (stated.every((s) => s === null)) return null;
  if (papers.length === 1) return stated[0]!.source;
  return papers
    .map((p, i) => {
      const s = stated[i];
      return s ? `${p.subject} ${s.value.toFixed(2)}，${s.source}` : `${p.subject} 本系统α`;
    })
    .join('；');
}

/** The prior exam's paper of each current paper: the latest of the same subject, or the only one of a one-paper pair. */
function priorMatches(current: Paper[], priorPapers: Paper[], paperCount: number): (Paper | undefined)[] {
  return current.map(
    (paper) =>
      [...priorPapers].reverse().find((p) => p.subject === paper.subject) ??
      (priorPapers.length === 1 && paperCount === 1 ? priorPapers[0] : undefined),
  );
}
