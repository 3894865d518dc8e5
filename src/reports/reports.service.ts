import { Inject, Injectable, Logger, NotFoundException, StreamableFile } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { School, SchoolKind } from '../org/entities/school.entity.js';
import { TOTAL_PAPER_ID } from '../results/domain/subject-totals.js';
import { ExamAnalysis } from '../results/entities/exam-analysis.entity.js';
import { principalSchools } from '../results/results.service.js';
import { BlobStore } from '../storage/blob-store.js';
import { buildSchoolReport, type StoredAnalysis } from './domain/school-report.js';
import { Report, ReportStatus } from './entities/report.entity.js';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';

/** A failure worth telling the admin about in Chinese; rendering again will not help until the cause is fixed. */
export class ReportInputError extends Error {}

export const reportBlobKey = (examId: number, schoolId: number) => `reports/${examId}/${schoolId}.pdf`;
export const reportUrl = (examId: number, schoolId: number) => `/api/reports/${examId}/${schoolId}.pdf`;

export interface ReportListEntry {
  schoolId: number;
  schoolName: string;
  status: ReportStatus | 'not_started';
  /** Download address while a rendered PDF exists, else null. */
  url: string | null;
  error: string | null;
  updatedAt: Date | null;
}

@Injectable()
export class ReportsService {
  private readonly logger = new Logger('ReportsService');

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(SchoolReportPdf) private readonly pdf: SchoolReportPdf,
  ) {}

  private async examOrThrow(examId: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /**
   * The report job: reads the stored analysis (never recomputes), renders the PDF, stores it under
   * reports/<examId>/<schoolId>.pdf and marks the report ready, or failed with the reason.
   * Known input problems are recorded and returned; unexpected errors are recorded and rethrown so the
   * queue retries them.
   */
  async renderSchoolReport(
    examId: number,
    schoolId: number,
  ): Promise<{ status: ReportStatus; blobKey: string | null; error: string | null }> {
    try {
      const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
      if (!exam) throw new ReportInputError('考试不存在');
      const school = await this.ds.getRepository(School).findOneBy({ id: schoolId, allianceId: exam.allianceId });
      if (!school) throw new ReportInputError('学校不属于该考试所在的联盟');
      const papers = papersOfRecord(
        await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } }),
      );
      // The papers' analyses and, for a several-subject exam, the 总分 analysis (paper id 0).
      const rows = papers.length
        ? await this.ds
            .getRepository(ExamAnalysis)
            .find({ where: { examId, paperId: In([...papers.map((p) => p.id), TOTAL_PAPER_ID]) } })
        : [];
      if (!rows.length) throw new ReportInputError('该考试的成绩尚未统计，无法生成报告');
      const model = buildSchoolReport({
        examName: exam.name,
        schoolId,
        schoolName: school.name,
        analyses: rows.map((r) => r.data as StoredAnalysis),
      });
      const bytes = await this.pdf.render(model);
      const key = reportBlobKey(examId, schoolId);
      await this.blobs.put(key, bytes);
      await this.upsertReport(examId, schoolId, ReportStatus.Ready, key, null);
      return { status: ReportStatus.Ready, blobKey: key, error: null };
    } catch (err) {
      const known = err instanceof ReportInputError;
      const reason = known ? err.message : `报告生成失败：${String((err as Error)?.message ?? err).slice(0, 250)}`;
      // A report row needs an existing exam and school (foreign keys); without them there is nothing to mark.
      if (!(known && /考试不存在|学校不属于/.test(reason)))
        await this.upsertReport(examId, schoolId, ReportStatus.Failed, undefined, reason);
      this.logger.warn(`report ${examId}/${schoolId} failed: ${reason}`);
      if (!known) throw err;
      return { status: ReportStatus.Failed, blobKey: null, error: reason };
    }
  }

  /** Upsert on the natural key (exam, school). A failed re-render keeps the last good PDF's key. */
  private async upsertReport(
    examId: number,
    schoolId: number,
    status: ReportStatus,
    blobKey: string | undefined,
    error: string | null,
  ) {
    if (blobKey === undefined) {
      await this.ds.query(
        'INSERT INTO report (exam_id, school_id, status, error) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), error = VALUES(error)',
        [examId, schoolId, status, error],
      );
    } else {
      await this.ds.query(
        'INSERT INTO report (exam_id, school_id, status, blob_key, error) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), blob_key = VALUES(blob_key), error = VALUES(error)',
        [examId, schoolId, status, blobKey, error],
      );
    }
  }

  /** GET /api/exams/:id/reports: admin sees every alliance school, a principal only their own. */
  async listReports(actor: Actor, examId: number): Promise<ReportListEntry[]> {
    const exam = await this.examOrThrow(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = principalSchools(actor, exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权查看该考试的报告');
    const schools = await this.ds.getRepository(School).find({
      where: isAdmin ? { allianceId: exam.allianceId } : { allianceId: exam.allianceId, id: In(own) },
      order: { id: 'ASC' },
    });
    const reports = await this.ds.getRepository(Report).find({ where: { examId } });
    const bySchool = new Map(reports.map((r) => [r.schoolId, r]));
    return schools
      .filter((s) => s.kind !== SchoolKind.Comparison || bySchool.has(s.id))
      .map((s) => {
        const r = bySchool.get(s.id);
        return {
          schoolId: s.id,
          schoolName: s.name,
          status: r?.status ?? 'not_started',
          url: r?.blobKey ? reportUrl(examId, s.id) : null,
          error: r?.error ?? null,
          updatedAt: r?.updatedAt ?? null,
        };
      });
  }

  /** GET /api/reports/:examId/:schoolId.pdf: the alliance's admin or that school's principal; every download is audited. */
  async download(actor: Actor, examId: number, schoolId: number): Promise<StreamableFile> {
    const exam = await this.examOrThrow(examId);
    assertScope(
      actor.isAdminOf(exam.allianceId) || principalSchools(actor, exam.allianceId).includes(schoolId),
      '无权查看其他学校的报告',
    );
    const school = await this.ds.getRepository(School).findOneBy({ id: schoolId, allianceId: exam.allianceId });
    if (!school) throw new NotFoundException('学校不存在');
    const report = await this.ds.getRepository(Report).findOneBy({ examId, schoolId });
    if (!report?.blobKey || !(await this.blobs.exists(report.blobKey))) throw new NotFoundException('该校报告尚未生成');
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'report.download',
      entity: 'report',
      entityId: String(report.id),
      detail: { examId, schoolId, asAdmin: actor.isAdminOf(exam.allianceId) },
    });
    const filename = `${exam.name}-${school.name}-质量诊断报告.pdf`;
    return new StreamableFile(this.blobs.stream(report.blobKey), {
      type: 'application/pdf',
      disposition: `attachment; filename="report-${examId}-${schoolId}.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }
}
