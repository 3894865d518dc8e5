// The students' own answer-sheet pages for their notices: the reduced copy made after the page was read (copy-page job,
// page-copies.ts), or, for a page whose copy is not made yet, one rendered now from the original (and kept).
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import { renderReducedCopy } from './page-copies.js';
import { REDUCED_PX_PER_PT } from './page-scan.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScannedPageRepository, type NoticePageRow } from './scanned-page.repository.js';

/** One page of a student's sheet as a notice shows it: JPEG pixels = layout points × pxPerPt. */
export interface NoticePage {
  paperId: number;
  pageNo: number;
  jpeg: Buffer;
  pxPerPt: number;
}

@Injectable()
export class NoticePageImages {
  private readonly logger = new Logger('NoticePageImages');
  private readonly codec = new ScanImageCodec();

  constructor(
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  /** studentId → the student's read pages of the exam, by paper and page; a page that cannot be shown is left out. */
  async pagesOf(
    examId: number,
    studentIds: number[],
    layoutOf: (paperId: number) => SheetLayout | null,
  ): Promise<Map<number, NoticePage[]>> {
    const out = new Map<number, NoticePage[]>();
    const rows = await this.pages.noticePages(examId, studentIds);
    const images = await Promise.all(rows.map((r) => this.imageOf(r, layoutOf(r.paperId))));
    rows.forEach((r, i) => {
      const jpeg = images[i];
      if (!jpeg) return;
      let list = out.get(r.studentId);
      if (!list) out.set(r.studentId, (list = []));
      list.push({ paperId: r.paperId, pageNo: r.pageNo, jpeg, pxPerPt: REDUCED_PX_PER_PT });
    });
    return out;
  }

  private async imageOf(row: NoticePageRow, layout: SheetLayout | null): Promise<Buffer | null> {
    if (row.reducedBlobKey) return this.blobs.get(row.reducedBlobKey);
    try {
      return await renderReducedCopy({ codec: this.codec, blobs: this.blobs, pages: this.pages }, row, layout);
    } catch (err) {
      this.logger.warn(`page ${row.id}: no reduced copy (${(err as Error).message})`);
      return null;
    }
  }
}
