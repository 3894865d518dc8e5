import { randomBytes } from 'node:crypto';
import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { type Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamAccess, examChecks } from '../exams/exam-access.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { type School, SchoolKind } from '../org/entities/school.entity.js';
import { SchoolRepository } from '../org/school.repository.js';
import { Pipeline } from '../queue/pipeline.js';
import { ReportRepository } from '../reports/report.repository.js';
import {
  analysePaper,
  choiceOf,
  type ItemInfo,
  type LocalityName,
  type PaperAnalysisInput,
  type SchoolKindName,
} from './domain/exam-analysis.js';
import { resolveOutcomes, type OutcomeStatus, type StudentOutcome } from './domain/student-outcomes.js';
import {
  subjectTotalOutcomes,
  TOTAL_PAPER_ID,
  TOTAL_RULE,
  TOTAL_SUBJECT,
  totalPaper,
} from './domain/subject-totals.js';
import { totalChanges } from './domain/total-changes.js';
import { ExamAnalysisRepository } from './exam-analysis.repository.js';
import { ExamRosterRepository, type RosterStudent } from './exam-roster.repository.js';
import { LongitudinalInputsService } from './longitudinal-inputs.service.js';
import { PaperInputsService } from './paper-inputs.service.js';
import { ScoreVersionRepository } from './score-version.repository.js';
import { StudentResultRepository } from './student-result.repository.js';

export interface PaperSummary {
  paperId: number;
  subject: string;
  roster: number;
  absent: number;
  /** 未扫描: no sheet and no 缺考 mark. */
  unscanned: number;
  incomplete: number;
  included: number;
}

export interface ComputeSummary {
  examId: number;
  papers: PaperSummary[];
  reportsQueued: number[];
  /** Milliseconds per phase, summed over papers. */
  timingsMs?: Record<string, number>;
  /** Milliseconds of this process's CPU per phase, summed over papers. */
  cpuMs?: Record<string, number>;
  /** Each lap's phase and end (Date.now()), in order. */
  laps?: [string, number][];
}

/** Where the time goes, summed over papers (bench:analysis prints it): wall time and this process's CPU time. */
class PhaseTimings {
  readonly ms: Record<string, number> = {};
  readonly cpuMs: Record<string, number> = {};
  /** Each lap's phase and its end (Date.now()), in order: a bench attributes the database's CPU to phases by them. */
  readonly laps: [string, number][] = [];
  private t0 = Date.now();
  private cpu0 = process.cpuUsage();

  /** The time since the last lap, added to `phase`. */
  lap(phase: string): void {
    const now = Date.now();
    const cpu = process.cpuUsage();
    this.ms[phase] = (this.ms[phase] ?? 0) + now - this.t0;
    this.cpuMs[phase] = (this.cpuMs[phase] ?? 0) + (cpu.user + cpu.system - this.cpu0.user - this.cpu0.system) / 1000;
    this.laps.push([phase, now]);
    this.t0 = now;
    this.cpu0 = cpu;
  }
}

/** What every step of one run of the job shares. */
interface Run {
  exam: Exam;
  papers: Paper[];
  schools: School[];
  roster: RosterStudent[];
  timings: PhaseTimings;
  /** The exam's score version read before any input: the results are at least as new as it. */
  scoreVersion: number;
}

/**
 * The results job of an exam: final item scores, student totals and the analysis of each paper, the 总分 of a
 * several-subject exam, then one report job per alliance school.
 */
@Injectable()
export class ResultsJobService {
  private readonly logger = new Logger('ResultsJob');

  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ExamRosterRepository) private readonly rosters: ExamRosterRepository,
    @Inject(PaperInputsService) private readonly inputs: PaperInputsService,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(LongitudinalInputsService) private readonly longitudinal: LongitudinalInputsService,
    @Inject(ReportRepository) private readonly reports: ReportRepository,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /** POST /api/exams/:id/results/compute: enqueue (debounced by the producer; the job itself is idempotent). */
  async request(actor: Actor, examId: number) {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, '只有本联盟的管理员可以计算成绩');
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
    const exam = await this.exams.get(examId);
    // An imported exam's totals are the file's: recomputing from (no) scans would turn every student into 缺考.
    if (exam.status === ExamStatus.Imported) {
      this.logger.warn(`exam ${examId} is imported: results job skipped`);
      return { examId, papers: [], reportsQueued: [] };
    }
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    const schools = await this.schools.ofAlliance(exam.allianceId);
    const timings = new PhaseTimings();
    const scoreVersion = await this.versions.current(examId);
    const roster = await this.rosters.ofAlliance(exam.allianceId, exam.grade || null);
    timings.lap('roster');
    const run: Run = { exam, papers, schools, roster, timings, scoreVersion };
    const summary: ComputeSummary = { examId, papers: [], reportsQueued: [] };

    const outcomesByPaper: StudentOutcome[][] = [];
    for (const paper of papers) {
      const outcomes = await this.computePaper(run, paper);
      summary.papers.push(paperSummary(paper.id, paper.subject, outcomes));
      // 总分 needs each paper's status and total only, which is all the outcomes carry: the item scores stay in the
      // paper's score columns, dropped with it, so one paper's item scores are in memory, not nine.
      outcomesByPaper.push(outcomes);
    }
    // A superseded version's analysis (from before a newer version was locked) is no longer the exam's.
    await this.analyses.deleteOthers(examId, [TOTAL_PAPER_ID, ...papers.map((p) => p.id)]);
    const total = await this.computeSubjectTotal(run, outcomesByPaper);
    if (total) summary.papers.push(total);
    timings.lap('subject_total');

    if (papers.length) {
      summary.reportsQueued.push(...(await this.queueReports(run)));
      timings.lap('queue_reports');
    }
    summary.timingsMs = timings.ms;
    summary.cpuMs = Object.fromEntries(Object.entries(timings.cpuMs).map(([k, v]) => [k, Math.round(v)]));
    summary.laps = timings.laps;
    this.logger.log(`results of exam ${examId}: ${JSON.stringify(summary.papers)} in ${JSON.stringify(timings.ms)} ms`);
    return summary;
  }

  /** One paper in one transaction: its inputs, each student's outcome and total, the analysis and its 纵看. */
  private computePaper(run: Run, paper: Paper): Promise<StudentOutcome[]> {
    const { exam, timings } = run;
    return this.uow.runOrm(async (tx) => {
      const inputs = await this.inputs.read(tx, exam.id, paper.id, run.roster);
      timings.lap('read');
      const outcomes = resolveOutcomes({
        roster: run.roster,
        processed: inputs.processed,
        pending: inputs.pending,
        itemIds: inputs.items.map((i) => i.id),
        markedAbsent: inputs.markedAbsent,
        columns: inputs.columns,
      });
      await this.writeTotals(tx, exam.id, paper.id, outcomes);
      timings.lap('write_results');

      const data = analysePaper({
        ...analysisContext(run),
        paper: { paperId: paper.id, subject: paper.subject, fullMarks: paper.fullMarks },
        items: inputs.items.map(itemInfo),
        outcomes,
        columns: inputs.columns,
      });
      timings.lap('analyse');
      // 纵看 sits beside the paper analysis, leaving exam-analysis.ts's fields untouched.
      const stored = {
        ...data,
        anonymisationKey: await this.anonymisationKey(tx, exam.id),
        longitudinal: await this.longitudinal.of(tx, exam, [paper], run.papers.length, run.schools, outcomes),
      };
      timings.lap('value_added');
      await this.analyses.save(tx, exam.id, paper.id, stored, run.scoreVersion);
      timings.lap('write_analysis');
      return outcomes;
    });
  }

  /** Writes the paper totals that differ from the stored ones, and drops students no longer on the roster. */
  private async writeTotals(tx: Tx, examId: number, paperId: number, outcomes: StudentOutcome[]): Promise<void> {
    const { changed, stale } = totalChanges(await this.results.storedTotals(tx, paperId), outcomes);
    await this.results.upsertTotals(
      tx,
      changed.map((o) => ({
        examId,
        paperId,
        studentId: o.studentId,
        schoolId: o.schoolId,
        total: o.total,
        absent: o.status === 'absent',
        unscanned: o.status === 'unscanned',
      })),
    );
    await this.results.deleteStudents(tx, paperId, stale);
  }

  /** 总分 of a several-subject exam, stored under paper id 0 (see domain/subject-totals.ts for who counts). */
  private computeSubjectTotal(run: Run, outcomesByPaper: StudentOutcome[][]): Promise<PaperSummary | null> {
    const { exam, papers } = run;
    return this.uow.runOrm(async (tx) => {
      if (papers.length < 2) {
        await this.analyses.delete(tx, exam.id, TOTAL_PAPER_ID);
        return null;
      }
      const subjects = papers.map((p) => ({ paperId: p.id, subject: p.subject, fullMarks: p.fullMarks }));
      const outcomes = subjectTotalOutcomes(subjects, outcomesByPaper);
      const data = analysePaper({ ...analysisContext(run), ...totalPaper(subjects), outcomes });
      const stored = {
        ...data,
        // Subjects are not items of one test: α, D and option shares across subjects would mislead.
        itemAnalysis: null,
        subjectTotal: { papers: subjects, rule: TOTAL_RULE },
        anonymisationKey: await this.anonymisationKey(tx, exam.id),
        longitudinal: await this.longitudinal.of(tx, exam, papers, papers.length, run.schools, outcomes),
      };
      await this.analyses.save(tx, exam.id, TOTAL_PAPER_ID, stored, run.scoreVersion);
      return paperSummary(TOTAL_PAPER_ID, TOTAL_SUBJECT, outcomes);
    });
  }

  /**
   * One diagnostic report per alliance school; comparison schools are outside the alliance and get none. Marked
   * queued once their jobs are on the queue: a queue away fails the job (retried) with every report as it was, its PDF
   * known older than these results by its score version.
   */
  private async queueReports(run: Run): Promise<number[]> {
    const targets = run.schools.filter((x) => x.kind !== SchoolKind.Comparison).map((x) => x.id);
    await this.pipeline.resultsComputed(run.exam.id, targets);
    await this.reports.markQueued(run.exam.id, targets, run.scoreVersion);
    return targets;
  }

  /**
   * The secret that orders the 学校A/B/… letters of the exam: one per exam, so a school has the same letter in every
   * subject, report, page and export of it (papers are computed one after the other, so the first one's key is read
   * by the rest). Kept across recomputations so letters stay stable; random so a principal cannot recompute the order
   * from ids (which every member of an alliance sees). An exam stored with one key per paper converges on the lowest
   * paper id's key at its next computation.
   */
  private async anonymisationKey(tx: Tx, examId: number): Promise<string> {
    return (await this.analyses.anonymisationKey(tx, examId)) ?? randomBytes(16).toString('hex');
  }
}

/** The parts of an analysis input every paper of the run shares: the exam, its thresholds, the alliance's schools. */
function analysisContext(run: Run): Pick<PaperAnalysisInput, 'examId' | 'thresholds' | 'schools' | 'classes'> {
  const { exam } = run;
  const classes = new Map<number, string>();
  for (const r of run.roster) if (r.classId !== undefined) classes.set(r.classId, r.className ?? String(r.classId));
  return {
    classes,
    examId: exam.id,
    thresholds: { excellent: exam.excellentRatio, pass: exam.passRatio, low: exam.lowRatio },
    schools: run.schools.map((s) => ({
      schoolId: s.id,
      name: s.name,
      kind: s.kind as SchoolKindName,
      locality: s.locality as LocalityName,
    })),
  };
}

function itemInfo(i: Item): ItemInfo {
  return {
    itemId: i.id,
    seq: i.seq,
    label: i.label,
    maxScore: i.maxScore,
    knowledgePoints: i.knowledgePoints ?? [],
    type: i.type,
    cognitiveLevel: i.cognitiveLevel ?? null,
    choice: choiceOf(i),
  };
}

function paperSummary(paperId: number, subject: string, outcomes: StudentOutcome[]): PaperSummary {
  const counts: Partial<Record<OutcomeStatus, number>> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  const count = (s: OutcomeStatus) => counts[s] ?? 0;
  return {
    paperId,
    subject,
    roster: outcomes.length,
    absent: count('absent'),
    unscanned: count('unscanned'),
    incomplete: count('incomplete'),
    included: count('complete'),
  };
}
