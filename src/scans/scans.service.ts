// Scans as the scanner of a school (or the alliance's admin) follows them: progress by status, the exceptions and
// the page images. Scope checked here (ScanAccess); every view of a page image is audited.
import { GoneException, Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { BlobStore } from '../storage/blob-store.js';
import { PageStatus } from './entities/scanned-page.entity.js';
import { OmrReviewRepository } from './omr-review.repository.js';
import { ScanAccess } from './scan-access.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScannedPageRepository } from './scanned-page.repository.js';
import { PURGED, ScanPurgeRepository } from './scan-purge.repository.js';

const SCOPE = { adminMayOmit: true, message: '无权查看该学校的扫描情况' };

@Injectable()
export class ScansService {
  constructor(
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(OmrReviewRepository) private readonly reviews: OmrReviewRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
    @Inject(ScanPurgeRepository) private readonly purges: ScanPurgeRepository,
  ) {}

  /** Pages of the exam (of one school, or all for an admin) by ingestion status. */
  async status(actor: Actor, examId: number, rawSchoolId: unknown) {
    const { exam, schoolId } = await this.access.school(actor, examId, rawSchoolId, SCOPE);
    const counts = await this.pages.countByStatus(exam.id, schoolId);
    const count = (s: PageStatus) => counts.get(s) ?? 0;
    const byStatus = {
      queued: count(PageStatus.Queued),
      processed: count(PageStatus.Processed),
      exception: count(PageStatus.Exception),
      skipped: count(PageStatus.Skipped),
    };
    // Discarded pages are set aside by a person: counted apart, not in the total.
    const discarded = count(PageStatus.Discarded);
    // Objective items waiting for a person (OMR review): not scored until resolved.
    const omrReview = await this.reviews.countOpen(exam.id, schoolId);
    return {
      examId: exam.id,
      schoolId,
      total: byStatus.queued + byStatus.processed + byStatus.exception + byStatus.skipped,
      ...byStatus,
      discarded,
      omrReview,
    };
  }

  /** The exceptions queue: pages that could not be read, with the reason in Chinese and a link to the image. */
  async exceptions(actor: Actor, examId: number, rawSchoolId: unknown) {
    const { exam, schoolId } = await this.access.school(actor, examId, rawSchoolId, SCOPE);
    const pages = await this.pages.inStatus(exam.id, PageStatus.Exception, schoolId);
    return pages.map((p) => ({
      pageId: p.id,
      code: p.exceptionCode,
      reason: p.exceptionReason,
      originalName: p.originalName,
      imageUrl: `/api/scans/pages/${p.id}/image`,
      batchId: p.batchId,
      schoolId: p.schoolId,
      pageNo: p.pageNo,
      examNoRead: p.examNoRead,
    }));
  }

  /** A page image for the scanner of its school (or an admin). Every view is audited: sheets carry children's data. */
  async pageImage(actor: Actor, pageId: number): Promise<StreamableFile> {
    const { page, exam } = await this.access.pageToView(actor, pageId);
    if (await this.purges.of(exam.id)) throw new GoneException(PURGED);
    await this.audit.record({
      userId: actor.userId,
      action: 'view_scan_image',
      entity: 'scanned_page',
      entityId: String(page.id),
      detail: { examId: exam.id, schoolId: page.schoolId },
    });
    if (page.blobKey.endsWith('.tif')) {
      return new StreamableFile(
        await this.codec.browserViewable(await this.blobs.get(page.blobKey), page.sourcePage ?? undefined),
        {
          type: 'image/jpeg',
        },
      );
    }
    const type = page.blobKey.endsWith('.png') ? 'image/png' : 'image/jpeg';
    return new StreamableFile(this.blobs.stream(page.blobKey), { type, disposition: 'inline' });
  }
}
