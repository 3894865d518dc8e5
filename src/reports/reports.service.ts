import { ReleaseGate } from '../results/release-gate.js';
import { Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { ExamAccess } from '../exams/exam-access.js';
import { disclosureFor } from '../exams/exam-disclosure.guard.js';
import { SchoolKind } from '../org/entities/school.entity.js';
import { SchoolRepository } from '../org/school.repository.js';
import { BlobStore } from '../storage/blob-store.js';
import { ReportStatus } from './entities/report.entity.js';
import { ReportRepository } from './report.repository.js';
import { ReportInputError, ReportRenderService } from './report-render.service.js';
import { schoolReportPage, type PageLink, type SchoolReportPage } from './domain/school-report-page.js';
import { pdfOutdated } from './domain/report-freshness.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';

export const reportUrl = (examId: number, schoolId: number) => `/api/reports/${examId}/${schoolId}.pdf`;

export interface ReportListEntry {
  schoolId: number;
  schoolName: string;
  status: ReportStatus | 'not_started';
  /** Download address while a rendered PDF exists, else null (an earlier version when `outdated`). */
  url: string | null;
  /**
   * The stored PDF is an earlier version: a render of newer results is queued (正在重新生成) or failed, or its render
   * was lost (the reconciliation queues it again). It stays downloadable, labelled as the earlier version.
   */
  outdated: boolean;
  /** The score version of the results the PDF was drawn from (null: none, or from before it was kept). */
  scoreVersion: number | null;
  error: string | null;
  updatedAt: Date | null;
  /** 成绩发布 done; outdated: scores changed since (the report is re-issued with the results). */
  released: boolean;
  releaseOutdated: boolean;
}

/** The reports as people reach them: the list of an exam's reports and the download of one. */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(ReportRepository) private readonly reports: ReportRepository,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
    @Inject(ReportRenderService) private readonly render: ReportRenderService,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
  ) {}

  /** The score version of the exam's stored results (null: none). */
  private async computedVersion(examId: number): Promise<number | null> {
    return (await this.analyses.computedVersion(examId))?.version ?? null;
  }

  /** GET /api/exams/:id/reports: admin and the county's bureau see every alliance school, a principal only their own. */
  async listReports(actor: Actor, examId: number): Promise<ReportListEntry[]> {
    const exam = await this.exams.get(examId);
    // The county's bureau reads every school's report, as the admin does (after the release only).
    const isAdmin = actor.readsAllianceOverview(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权查看该考试的报告');
    disclosureFor(actor, exam).assertAny(['school_stats']);
    await this.gate.assertVisible(actor, exam);
    const release = await this.gate.markOf(examId);
    const schools = await this.schools.ofAlliance(exam.allianceId, isAdmin ? undefined : own);
    const bySchool = new Map((await this.reports.ofExam(examId)).map((r) => [r.schoolId, r]));
    const computed = await this.computedVersion(examId);
    return schools
      .filter((s) => s.kind !== SchoolKind.Comparison || bySchool.has(s.id))
      .map((s) => {
        const r = bySchool.get(s.id);
        return {
          schoolId: s.id,
          schoolName: s.name,
          status: r?.status ?? 'not_started',
          url: r?.blobKey ? reportUrl(examId, s.id) : null,
          outdated: pdfOutdated(r ?? null, computed),
          scoreVersion: r?.scoreVersion ?? null,
          error: r?.error ?? null,
          updatedAt: r?.updatedAt ?? null,
          released: release.released,
          releaseOutdated: release.outdated,
        };
      });
  }

  /** GET /api/reports/:examId/:schoolId.pdf: the alliance's admin, its county's bureau or that school's principal; audited. */
  async download(actor: Actor, examId: number, schoolId: number): Promise<StreamableFile> {
    const exam = await this.exams.forActor(
      actor,
      examId,
      (a, e) => a.readsAllianceOverview(e.allianceId) || a.principalSchools(e.allianceId).includes(schoolId),
      '无权查看其他学校的报告',
    );
    disclosureFor(actor, exam).assertAny(['school_stats']);
    await this.gate.assertVisible(actor, exam);
    const school = await this.schools.findInAlliance(schoolId, exam.allianceId);
    if (!school) throw new NotFoundException('学校不存在');
    const report = await this.reports.find(examId, schoolId);
    if (!report?.blobKey || !(await this.blobs.exists(report.blobKey))) throw new NotFoundException('该校报告尚未生成');
    await this.audit.record({
      userId: actor.userId,
      action: 'report.download',
      entity: 'report',
      entityId: String(report.id),
      detail: {
        examId,
        schoolId,
        asAdmin: actor.isAdminOf(exam.allianceId),
        asBureau: !actor.isAdminOf(exam.allianceId) && actor.isBureauOf(exam.allianceId),
      },
    });
    // An earlier version (newer results being rendered) is still served, named as such.
    const outdated = pdfOutdated(report, await this.computedVersion(examId));
    const filename = `${exam.name}-${school.name}-质量诊断报告${outdated ? '（旧版）' : ''}.pdf`;
    const ascii = `report-${examId}-${schoolId}${outdated ? '-earlier' : ''}.pdf`;
    return new StreamableFile(this.blobs.stream(report.blobKey), {
      type: 'application/pdf',
      disposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }

  /**
   * GET /api/exams/:id/schools/:schoolId/report: the school report's content for the result page, built from the stored
   * analysis by the same model as the PDF (so the page and the PDF agree), with the PDF and the XLSX exports the reader
   * may download. The alliance's admin or that school's principal; released results only (admin: any time). Audited.
   */
  async schoolReport(actor: Actor, examId: number, schoolId: number): Promise<SchoolReportPage> {
    const exam = await this.exams.forActor(
      actor,
      examId,
      (a, e) => a.isAdminOf(e.allianceId) || a.principalSchools(e.allianceId).includes(schoolId),
      '无权查看其他学校的报告',
    );
    const disclosure = disclosureFor(actor, exam);
    disclosure.assertAny(['school_stats']);
    await this.gate.assertVisible(actor, exam);
    const school = await this.schools.findInAlliance(schoolId, exam.allianceId);
    if (!school) throw new NotFoundException('学校不存在');
    let model;
    try {
      model = await this.render.model(examId, schoolId);
    } catch (err) {
      if (err instanceof ReportInputError) throw new NotFoundException(err.message);
      throw err;
    }
    const report = await this.reports.find(examId, schoolId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    // Read like the PDF: recorded like its download.
    await this.audit.record({
      userId: actor.userId,
      action: 'report.view',
      entity: 'report',
      entityId: report ? String(report.id) : `${examId}/${schoolId}`,
      detail: { examId, schoolId, asAdmin: isAdmin },
    });
    const exports: PageLink[] = [];
    const base = `/api/exams/${examId}/exports`;
    if (disclosure.may('score_list'))
      exports.push({
        label: isAdmin ? '学生成绩（全联盟，XLSX）' : '本校学生成绩（XLSX）',
        url: `${base}/students.xlsx`,
      });
    else if (disclosure.may('grade_band'))
      exports.push({
        label: isAdmin ? '学生等级（全联盟，XLSX）' : '本校学生等级（XLSX）',
        url: `${base}/students.xlsx`,
      });
    if (disclosure.may('school_comparison') || disclosure.may('anonymous_comparison'))
      exports.push({
        label: isAdmin ? '各校对比（XLSX）' : '各校对比（其他学校匿名，XLSX）',
        url: `${base}/schools.xlsx`,
      });
    if (isAdmin && disclosure.may('item_analysis'))
      exports.push({ label: '试题分析（XLSX）', url: `${base}/items.xlsx` });
    return schoolReportPage(model, {
      examId,
      schoolId,
      release: await this.gate.markOf(examId),
      pdf:
        report?.status === ReportStatus.Ready &&
        report.blobKey &&
        !pdfOutdated(report, await this.computedVersion(examId))
          ? reportUrl(examId, schoolId)
          : null,
      exports,
    });
  }
}
