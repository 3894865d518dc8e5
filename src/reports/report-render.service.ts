import { Inject, Injectable, Logger } from '@nestjs/common';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { TOTAL_PAPER_ID } from '../results/domain/subject-totals.js';
import { BlobStore } from '../storage/blob-store.js';
import { SuggestionRepository } from '../suggestions/suggestion.repository.js';
import { buildSchoolReport, type SchoolReportModel, type StoredAnalysis } from './domain/school-report.js';
import { ReportStatus } from './entities/report.entity.js';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { ReportRepository } from './report.repository.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';
import { SchoolReportAnalyses } from './school-report-analyses.js';

/** A failure worth telling the admin about in Chinese; rendering again will not help until the cause is fixed. */
export class ReportInputError extends Error {}

export const reportBlobKey = (examId: number, schoolId: number) => `reports/${examId}/${schoolId}.pdf`;

export interface RenderOutcome {
  status: ReportStatus;
  blobKey: string | null;
  error: string | null;
}

/** The report job: one school's diagnostic PDF from the stored analysis (stored analysis → view model → PDF). */
@Injectable()
export class ReportRenderService {
  private readonly logger = new Logger('ReportRender');

  constructor(
    @Inject(ReportRepository) private readonly reports: ReportRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(SchoolReportPdf) private readonly pdf: SchoolReportPdf,
    @Inject(SuggestionRepository) private readonly suggestions: SuggestionRepository,
    @Inject(SchoolReportAnalyses) private readonly stored: SchoolReportAnalyses,
  ) {}

  /**
   * Reads the stored analysis (never recomputes), renders the PDF, stores it under reports/<examId>/<schoolId>.pdf and
   * marks the report ready, or failed with the reason. Known input problems are recorded and returned; unexpected
   * errors are recorded and rethrown so the queue retries them.
   */
  async renderSchoolReport(examId: number, schoolId: number): Promise<RenderOutcome> {
    try {
      // Read before the analysis: the PDF is drawn from results at least this new.
      const scoreVersion = (await this.analyses.computedVersion(examId))?.version ?? null;
      const { key, suggestionVersions } = await this.render(examId, schoolId);
      await this.reports.markReady(examId, schoolId, key, suggestionVersions, scoreVersion);
      return { status: ReportStatus.Ready, blobKey: key, error: null };
    } catch (err) {
      const known = err instanceof ReportInputError;
      const reason = known ? err.message : `报告生成失败：${String((err as Error)?.message ?? err).slice(0, 250)}`;
      // A report row needs an existing exam and school (foreign keys); without them there is nothing to mark.
      if (!(known && /考试不存在|学校不属于/.test(reason))) await this.reports.markFailed(examId, schoolId, reason);
      this.logger.warn(`report ${examId}/${schoolId} failed: ${reason}`);
      if (!known) throw err;
      return { status: ReportStatus.Failed, blobKey: null, error: reason };
    }
  }

  /** Renders and stores the PDF; its blob key and the suggestion versions it printed. */
  private async render(examId: number, schoolId: number): Promise<{ key: string; suggestionVersions: number[] }> {
    const model = await this.model(examId, schoolId);
    const key = reportBlobKey(examId, schoolId);
    await this.blobs.put(key, await this.pdf.render(model));
    return { key, suggestionVersions: model.measures.versionIds };
  }

  /**
   * The school report's content (stored analysis → view model): what the PDF lays out and the result page shows, so
   * both say the same. Throws ReportInputError for a missing exam, a school outside the alliance or no analysis yet.
   */
  async model(examId: number, schoolId: number, date?: Date): Promise<SchoolReportModel> {
    const exam = await this.exams.findById(examId);
    if (!exam) throw new ReportInputError('考试不存在');
    const school = await this.schools.findInAlliance(schoolId, exam.allianceId);
    if (!school) throw new ReportInputError('学校不属于该考试所在的联盟');
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    // The papers' analyses and, for a several-subject exam, the 总分 analysis (paper id 0).
    const analyses = papers.length
      ? await this.stored.dataOf(examId, [...papers.map((p) => p.id), TOTAL_PAPER_ID], schoolId)
      : [];
    if (!analyses.length) throw new ReportInputError('该考试的成绩尚未统计，无法生成报告');
    return buildSchoolReport({
      examName: exam.name,
      schoolId,
      schoolName: school.name,
      analyses: analyses as StoredAnalysis[],
      prior: await this.priorAnalyses(exam.priorExamId, schoolId),
      library: (await this.suggestions.currentFor(exam.allianceId, [...new Set(papers.map((p) => p.subject))])).entries,
      ...(date ? { date } : {}),
    });
  }

  /** The linked prior exam's stored analyses, so the report can revisit the knowledge points it flagged. */
  private async priorAnalyses(
    priorExamId: number | null,
    schoolId: number,
  ): Promise<{ examName: string; analyses: StoredAnalysis[] } | null> {
    if (!priorExamId) return null;
    const prior = await this.exams.findById(priorExamId);
    if (!prior) return null;
    const papers = papersOfRecord(await this.papers.ofExam(prior.id));
    if (!papers.length) return { examName: prior.name, analyses: [] };
    const analyses = await this.stored.dataOf(
      prior.id,
      papers.map((p) => p.id),
      schoolId,
    );
    return { examName: prior.name, analyses: analyses as StoredAnalysis[] };
  }
}
