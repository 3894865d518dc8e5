// What the scanner of a school works from: the exceptions queue by reason, the roster with each student's read
// pages and 缺考 marks, and small images of the pages. Scoped to the school; views of children's data are audited.
import {
  BadRequestException,
  GoneException,
  Inject,
  Injectable,
  NotFoundException,
  StreamableFile,
} from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import type { Student } from '../org/entities/student.entity.js';
import { StudentRepository } from '../org/student.repository.js';
import { BlobStore } from '../storage/blob-store.js';
import { PURGED, ScanPurgeRepository } from './scan-purge.repository.js';
import { reasonInfo } from './domain/exception-reasons.js';
import { rosterCounts, rosterRows } from './domain/scan-roster.js';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { ExamAbsenceRepository } from './exam-absence.repository.js';
import { ScanAccess } from './scan-access.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

/** Thumbnails in the exceptions list: enough to see which sheet it is and which way up. */
const THUMB_WIDTH = 360;
const SCOPE = { message: '无权查看该学校的扫描情况' };

@Injectable()
export class ScanExceptionViewsService {
  constructor(
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ExamAbsenceRepository) private readonly absences: ExamAbsenceRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanPurgeRepository) private readonly purges: ScanPurgeRepository,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
  ) {}

  /**
   * A small image of the page as it will be read (turned as asked), for the exceptions list: a 300 dpi page is
   * megabytes, a list of them would not load. Audited like the full image: the sheet carries a child's answers.
   */
  async thumbnail(actor: Actor, pageId: number): Promise<StreamableFile> {
    const { page, exam } = await this.access.pageToView(actor, pageId);
    let jpeg: Buffer;
    try {
      // A page still inside its multi-page TIFF (not taken out yet, or refused by its size) shows its own page.
      const source = await this.blobs.get(page.blobKey);
      jpeg = await this.codec.thumbnail(source, THUMB_WIDTH, page.rotation, page.sourcePage ?? undefined);
    } catch {
      if (await this.purges.of(exam.id)) throw new GoneException(PURGED);
      throw new NotFoundException('该图片无法显示（文件可能已损坏）');
    }
    await this.audit.record({
      userId: actor.userId,
      action: 'view_scan_image',
      entity: 'scanned_page',
      entityId: String(page.id),
      detail: { examId: exam.id, schoolId: page.schoolId, thumbnail: true },
    });
    return new StreamableFile(jpeg, { type: 'image/jpeg', disposition: 'inline', length: jpeg.length });
  }

  /** The queue (status=exception, default) or the discarded pages, with counts per reason code and an optional code filter. */
  async queue(actor: Actor, examId: number, rawSchoolId: unknown, rawCode: unknown, rawStatus: unknown) {
    const { exam, schoolId } = await this.access.school(actor, examId, rawSchoolId, { ...SCOPE, adminMayOmit: true });
    const status = rawStatus === undefined || rawStatus === '' ? PageStatus.Exception : String(rawStatus);
    if (status !== PageStatus.Exception && status !== PageStatus.Discarded)
      throw new BadRequestException('状态应为 exception（异常）或 discarded（已作废）');
    const code = rawCode === undefined || rawCode === '' ? null : String(rawCode);
    const all = await this.pages.inStatus(exam.id, status, schoolId);
    const counts = new Map<string, number>();
    for (const p of all)
      counts.set(reasonInfo(p.exceptionCode).code, (counts.get(reasonInfo(p.exceptionCode).code) ?? 0) + 1);
    const pages = code === null ? all : all.filter((p) => reasonInfo(p.exceptionCode).code === code);
    const forced = await this.students.byIds(
      pages.map((p) => p.forcedStudentId).filter((id): id is number => id !== null),
    );
    const byId = new Map(forced.map((s) => [s.id, s]));
    return {
      examId: exam.id,
      schoolId,
      status,
      total: all.length,
      reasons: [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([c, count]) => ({ ...reasonInfo(c), count })),
      pages: pages.map((p) => queuedPage(p, p.forcedStudentId !== null ? byId.get(p.forcedStudentId) : undefined)),
    };
  }

  /**
   * The school's roster for one paper, for picking the student of a page and for 缺考: each student with the pages
   * read for them and whether they are marked absent. `q` filters by exam number (prefix) or name (part). Audited:
   * it shows children's names.
   */
  async roster(actor: Actor, examId: number, rawSchoolId: unknown, rawPaperId: unknown, rawQ: unknown) {
    const scope = await this.access.school(actor, examId, rawSchoolId, { ...SCOPE, adminMayOmit: false });
    const { exam } = scope;
    const schoolId = scope.schoolId!;
    const paper = await this.access.paperOf(exam, rawPaperId, true);
    const q = typeof rawQ === 'string' ? rawQ.trim() : '';
    const students = await this.students.rosterOf(schoolId, exam.grade || null);
    const pages = await this.pages.readOrQueued(exam.id, paper.id, schoolId);
    const absent = await this.absences.studentsOf(paper.id, schoolId);
    const rows = rosterRows(
      students,
      pages,
      absent,
      (paper.layout?.pages ?? []).map((p) => p.pageNo),
    );
    const shown = q ? rows.filter((r) => r.examNo.startsWith(q) || r.name.includes(q)) : rows;
    await this.audit.record({
      userId: actor.userId,
      action: 'view_scan_roster',
      entity: 'exam',
      entityId: String(exam.id),
      detail: { schoolId, paperId: paper.id, q, count: shown.length },
    });
    const papers = await this.papers.ofExam(exam.id);
    return {
      examId: exam.id,
      schoolId,
      paperId: paper.id,
      papers: papers.map((p) => ({ id: p.id, subject: p.subject })),
      counts: rosterCounts(rows),
      students: shown,
    };
  }
}

/** A page of the queue as the list shows it. */
function queuedPage(p: ScannedPage, assigned: Student | undefined) {
  const info = reasonInfo(p.exceptionCode);
  return {
    pageId: p.id,
    code: info.code,
    label: info.label,
    suggested: info.suggested,
    reason: p.exceptionReason,
    originalName: p.originalName,
    imageUrl: `/api/scans/pages/${p.id}/image`,
    thumbnailUrl: `/api/scans/pages/${p.id}/thumbnail?r=${p.rotation}`,
    batchId: p.batchId,
    schoolId: p.schoolId,
    paperId: p.paperId,
    pageNo: p.pageNo,
    examNoRead: p.examNoRead,
    rotation: p.rotation,
    assignedStudent: assigned ? { id: assigned.id, examNo: assigned.examNo, name: assigned.name } : null,
  };
}
