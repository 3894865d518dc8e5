// The students' own answer-sheet pages for their notices: the reduced copy stored at ingest, or, for a page read
// before copies were kept, one rendered now from the original with the alignment ingestion stored (and kept).
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import { turnToFrames, sheetFrame } from './domain/read-page.js';
import type { Homography } from './domain/gray-image.js';
import { rotateGray, type QuarterTurn } from './domain/rotate-gray.js';
import { REDUCED_PX_PER_PT, reducedPage } from './page-scan.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScannedPageRepository, type NoticePageRow } from './scanned-page.repository.js';
import { snippetCutter } from './snippet-cutter.js';

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
    const t = row.alignment?.transform;
    if (!layout || !t) return null;
    try {
      // As ingestion read it: the person's quarter turn, then the turn to the sheet's orientation (page-scan.ts).
      // A page still inside its multi-page TIFF is that page of it, not the TIFF's first.
      const source = this.blobs.localPath(row.blobKey) ?? (await this.blobs.get(row.blobKey));
      let image = await this.codec.decodeGray(source, row.sourcePage ?? undefined);
      if (row.rotation) image = rotateGray(image, row.rotation as QuarterTurn);
      image = turnToFrames(image, [sheetFrame(layout)]);
      const h = row.alignment?.homography;
      const homography = h?.length === 9 ? (h as unknown as Homography) : null;
      const jpeg = await reducedPage(
        this.codec,
        await snippetCutter(),
        image,
        { transform: t, homography },
        layout.page,
      );
      const { key } = await this.blobs.putContentAddressed('pages-reduced', jpeg, '.jpg');
      await this.pages.setReduced(row.id, key);
      return jpeg;
    } catch (err) {
      this.logger.warn(`page ${row.id}: no reduced copy (${(err as Error).message})`);
      return null;
    }
  }
}
