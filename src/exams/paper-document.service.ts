import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { OrgAccess } from '../org/org-access.js';
import { BlobStore } from '../storage/blob-store.js';
import type { UploadedSheetFile } from './blueprint-workbook.js';
import { beijingTime } from './domain/release-time.js';
import { uploadedFileName } from './domain/upload-name.js';
import type { Exam } from './entities/exam.entity.js';
import { ExamsService } from './exams.service.js';
import { PaperStamper, pdfPageCount } from './paper-stamp.js';
import { PaperRepository } from './paper.repository.js';
import { PaperWorkflowService } from './paper-workflow.service.js';

/** Records one download of the paper document, or one refused attempt. */
type AuditDownload = (action: string, detail: object) => Promise<void>;

/**
 * The paper PDF under confidentiality: before the exam's release time only the subject's leads and the alliance's
 * admins read it; afterwards a principal or scanner downloads a copy stamped with its own school's name on every
 * page. Every download, and every refused attempt, is written to audit_log.
 */
@Injectable()
export class PaperDocumentService {
  constructor(
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ExamsService) private readonly exams: ExamsService,
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(PaperStamper) private readonly stamper: PaperStamper,
  ) {}

  /** A draft's PDF (uploading is a change of the paper: refused once it is in review or locked). */
  async upload(actor: Actor, paperId: number, file: UploadedSheetFile | undefined) {
    await this.exams.paperWithItems(paperId);
    return this.workflow.withEditablePaper(actor, paperId, async (tx, paper) => {
      if (!file?.buffer?.length) throw new BadRequestException('请用表单字段 file 上传试卷 PDF');
      const name = uploadedFileName(file.originalname);
      const pages = await pdfPageCount(file.buffer);
      if (!pages) throw new BadRequestException(`“${name}”不是可读取的 PDF 文件（加密或损坏的 PDF 也无法使用）`);
      const { key, hash } = await this.blobs.putContentAddressed('papers', file.buffer, '.pdf');
      const documentName = name.slice(0, 200);
      await this.papers.setDocument(tx, paper.id, key, documentName);
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'upload_document',
          entity: 'paper',
          entityId: String(paper.id),
          detail: { hash, pages, name: documentName, bytes: file.size },
        },
        tx,
      );
      return { paperId: paper.id, pages, name: documentName };
    });
  }

  async download(actor: Actor, paperId: number, schoolIdParam: unknown): Promise<{ data: Buffer; fileName: string }> {
    const { paper, exam } = await this.exams.paperWithItems(paperId);
    const audit: AuditDownload = (action, detail) =>
      this.audit.record({
        userId: actor.userId,
        action,
        entity: 'paper_document',
        entityId: String(paperId),
        detail: { examId: exam.id, ...detail },
      });
    if (!actor.belongsTo(exam.allianceId)) throw new ForbiddenException('无权查看该试卷');
    if (!paper.documentKey) throw new NotFoundException('该试卷尚未上传 PDF');
    const baseName = `${paper.subject}-${paper.title}-第${paper.version}版`;

    if (actor.isSubjectLeadOf(exam.allianceId, paper.subject)) {
      await audit('download', {
        stamped: false,
        role: actor.isAdminOf(exam.allianceId) ? Role.Admin : Role.SubjectLead,
      });
      return { data: await this.blobs.get(paper.documentKey), fileName: `${baseName}.pdf` };
    }
    const released = exam.releaseAt !== null && Date.now() >= exam.releaseAt.getTime();
    if (!released) {
      await audit('download_denied', { reason: 'not_released' });
      throw new ForbiddenException(
        exam.releaseAt
          ? `试卷在 ${beijingTime(exam.releaseAt)}（北京时间）公开之前，只有本学科组长和联盟管理员可以查看`
          : '试卷尚未公开，只有本学科组长和联盟管理员可以查看',
      );
    }
    const school = await this.org.school(await this.schoolOfCopy(actor, exam, schoolIdParam, audit));
    const data = await this.stamper.stamp(
      await this.blobs.get(paper.documentKey),
      school.name,
      `${exam.name} 本校专用 · 严禁外传`,
    );
    await audit('download', { stamped: true, schoolId: school.id, schoolName: school.name });
    return { data, fileName: `${baseName}-${school.name}.pdf` };
  }

  /** The school whose stamped copy a principal or scanner gets: the one asked for, or their only school. */
  private async schoolOfCopy(actor: Actor, exam: Exam, schoolIdParam: unknown, audit: AuditDownload): Promise<number> {
    const schoolIds = [
      ...new Set(
        actor.grants
          .filter(
            (g) =>
              (g.role === Role.Principal || g.role === Role.Scanner) &&
              g.allianceId === exam.allianceId &&
              g.schoolId !== null,
          )
          .map((g) => g.schoolId!),
      ),
    ];
    if (!schoolIds.length) {
      await audit('download_denied', { reason: 'no_school_role' });
      throw new ForbiddenException('只有学校的校长或扫描员可以下载公开后的试卷');
    }
    if (schoolIdParam !== undefined && schoolIdParam !== '') {
      const schoolId = Number(schoolIdParam);
      if (!schoolIds.includes(schoolId)) {
        await audit('download_denied', { reason: 'other_school', schoolId: String(schoolIdParam).slice(0, 20) });
        throw new ForbiddenException('只能下载本校的试卷副本');
      }
      return schoolId;
    }
    if (schoolIds.length === 1) return schoolIds[0];
    throw new BadRequestException('您在多所学校有角色，请指定学校（schoolId）');
  }
}
