import { Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { disclosureFor } from '../exams/exam-disclosure.guard.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { TOTAL_PAPER_ID } from '../results/domain/subject-totals.js';
import { ReleaseGate } from '../results/release-gate.js';
import type { OverviewResponse } from './api-types.js';
import {
  buildAllianceOverview,
  TREND_DEPTH,
  type AllianceOverview,
  type OverviewAnalysis,
} from './domain/alliance-overview.js';
import { dateText } from './domain/school-report.js';
import { AllianceOverviewPdf } from './pdf/alliance-overview.pdf.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';

export const OVERVIEW_DENIED = '无权查看联盟总览：仅联盟管理员和所属区县教育局可以查看';

export const overviewPdfUrl = (examId: number) => `/api/exams/${examId}/overview.pdf`;

/**
 * The bureau and alliance overview (issue 17 §1): every school named, for the alliance's admin (at any time) and its
 * county's bureau (after 成绩发布). Built from the stored analyses on each request; nothing is recomputed from scores.
 */
@Injectable()
export class AllianceOverviewService {
  constructor(
    @Inject(ExamAccess) private readonly access: ExamAccess,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(AllianceOverviewPdf) private readonly pdf: AllianceOverviewPdf,
  ) {}

  /** GET /api/exams/:id/overview */
  async overview(actor: Actor, examId: number): Promise<OverviewResponse> {
    const exam = await this.visibleExam(actor, examId);
    return {
      examId,
      examName: exam.name,
      release: await this.gate.markOf(examId),
      pdfUrl: overviewPdfUrl(examId),
      overview: await this.build(actor, exam),
    };
  }

  /** GET /api/exams/:id/overview.pdf; every download is audited. */
  async overviewPdf(actor: Actor, examId: number): Promise<StreamableFile> {
    const exam = await this.visibleExam(actor, examId);
    const model = await this.build(actor, exam);
    const buffer = await this.pdf.render(model, dateText(new Date()));
    await this.audit.record({
      userId: actor.userId,
      action: 'overview.download',
      entity: 'exam',
      entityId: String(examId),
      detail: { examId, asAdmin: actor.isAdminOf(exam.allianceId) },
    });
    const filename = `${exam.name}-联盟质量分析总览.pdf`;
    return new StreamableFile(buffer, {
      type: 'application/pdf',
      disposition: `attachment; filename="overview-${examId}.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }

  /** The alliance's admin or its county's bureau, a reader the rule lets see schools by name, after release. */
  private async visibleExam(actor: Actor, examId: number): Promise<Exam> {
    const exam = await this.access.forActor(
      actor,
      examId,
      (a, e) => a.readsAllianceOverview(e.allianceId),
      OVERVIEW_DENIED,
    );
    disclosureFor(actor, exam).assertAny(['school_comparison']);
    await this.gate.assertVisible(actor, exam);
    return exam;
  }

  private async build(actor: Actor, exam: Exam): Promise<AllianceOverview> {
    const analyses = await this.analysesOf(exam.id);
    if (!analyses.length) throw new NotFoundException('该考试的成绩尚未统计，暂无联盟总览');
    return buildAllianceOverview({
      examName: exam.name,
      analyses,
      priors: await this.priors(exam),
      itemAnalysis: disclosureFor(actor, exam).may('item_analysis'),
    });
  }

  private async analysesOf(examId: number): Promise<OverviewAnalysis[]> {
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    if (!papers.length) return [];
    // The overview shows schools, not classes: none are read.
    return (await this.analyses.dataOf(examId, [...papers.map((p) => p.id), TOTAL_PAPER_ID], {
      classesOf: [],
    })) as OverviewAnalysis[];
  }

  /** The chain of linked prior exams of the same alliance (newest first), as far as TREND_DEPTH, with their analyses. */
  private async priors(exam: Exam): Promise<{ examName: string; analyses: OverviewAnalysis[] }[]> {
    const out: { examName: string; analyses: OverviewAnalysis[] }[] = [];
    const seen = new Set([exam.id]);
    let next = exam.priorExamId;
    while (next && !seen.has(next) && out.length < TREND_DEPTH) {
      seen.add(next);
      const prior = await this.exams.findById(next);
      if (!prior || prior.allianceId !== exam.allianceId) break;
      out.push({ examName: prior.name, analyses: await this.analysesOf(prior.id) });
      next = prior.priorExamId;
    }
    return out;
  }
}
