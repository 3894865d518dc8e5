// The reduced copy of a read page that the students' notices print (原卷 with marks): rendered from the original with
// the alignment ingestion stored, after the page is read (a low-priority copy-page job, so that reading pages is not
// slowed by it: it was about a fifth of a page's ingestion CPU), or when a notice first needs a page that has none.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import { turnToFrames, sheetFrame } from './domain/read-page.js';
import { affineScale, type Affine, type Homography } from './domain/gray-image.js';
import { rotateGray, type QuarterTurn } from './domain/rotate-gray.js';
import { IngestPapersCache } from './ingest-papers.cache.js';
import { REDUCED_PX_PER_PT, reducedPage } from './page-scan.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScannedPageRepository, type NoticePageRow } from './scanned-page.repository.js';
import { snippetCutter } from './snippet-cutter.js';

/**
 * Renders the page's reduced copy, stores it and records it on the page (unless the page was read again meanwhile:
 * its row's `version` moved). The JPEG, or null when the page has no layout or alignment to cut it by.
 */
export async function renderReducedCopy(
  deps: { codec: ScanImageCodec; blobs: BlobStore; pages: ScannedPageRepository },
  row: NoticePageRow,
  layout: SheetLayout | null,
): Promise<Buffer | null> {
  const t = row.alignment?.transform;
  if (!layout || !t) return null;
  // As ingestion read it: the person's quarter turn, then the turn to the sheet's orientation (page-scan.ts).
  // A page still inside its multi-page TIFF is that page of it, not the TIFF's first.
  const source = deps.blobs.localPath(row.blobKey) ?? (await deps.blobs.get(row.blobKey));
  // A page scanned at twice the copy's resolution or more (200 dpi and up) is decoded at half its size: the copy
  // needs no more, and the decode costs about a third. The alignment then maps to pixels half as far.
  const half =
    affineScale(t) >= 2 * REDUCED_PX_PER_PT && row.sourcePage === null
      ? await deps.codec.decodeGrayHalfJpeg(source)
      : null;
  let image = half ?? (await deps.codec.decodeGray(source, row.sourcePage ?? undefined));
  if (row.rotation) image = rotateGray(image, row.rotation as QuarterTurn);
  image = turnToFrames(image, [sheetFrame(layout)]);
  const h = row.alignment?.homography;
  const alignment = {
    transform: half ? scaledAffine(t, 0.5) : t,
    homography: h?.length === 9 ? (half ? scaledHomography(h, 0.5) : (h as unknown as Homography)) : null,
  };
  const jpeg = await reducedPage(deps.codec, await snippetCutter(), image, alignment, layout.page);
  const { key } = await deps.blobs.putContentAddressed('pages-reduced', jpeg, '.jpg');
  await deps.pages.setReduced(row.id, key, row.version);
  return jpeg;
}

/** The map to pixels of the page scaled by `s` (pixel coordinates × s). */
function scaledAffine(t: Affine, s: number): Affine {
  return { a: t.a * s, b: t.b * s, c: t.c * s, d: t.d * s, e: t.e * s, f: t.f * s };
}

function scaledHomography(h: number[], s: number): Homography {
  return [h[0] * s, h[1] * s, h[2] * s, h[3] * s, h[4] * s, h[5] * s, h[6], h[7], h[8]];
}

export type CopyOutcome = 'copied' | 'not-needed' | 'no-layout';

@Injectable()
export class PageCopyService {
  private readonly logger = new Logger('PageCopy');

  constructor(
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(IngestPapersCache) private readonly catalog: IngestPapersCache,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
  ) {}

  /** The copy-page job: the page's reduced copy, if it is read for a student and has none. Storage failures throw. */
  async copyPage(pageId: number): Promise<CopyOutcome> {
    const row = await this.pages.copySource(pageId);
    if (!row || row.reducedBlobKey) return 'not-needed';
    const layout = (await this.catalog.papersOf(row.examId)).find((p) => p.id === row.paperId)?.layout ?? null;
    const jpeg = await renderReducedCopy({ codec: this.codec, blobs: this.blobs, pages: this.pages }, row, layout);
    if (!jpeg) this.logger.warn(`page ${pageId}: no reduced copy (no layout or alignment)`);
    return jpeg ? 'copied' : 'no-layout';
  }
}
