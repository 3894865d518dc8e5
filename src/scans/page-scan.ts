// The image half of ingesting a page: decode, read, cut the snippets and review crops, encode them. No database and no
// blob store: it takes the image (its bytes, or its local file's path) and the exam's layouts and returns plain data,
// so it runs the same in the ingesting thread or in a worker thread (page-scan.pool.ts).
import { existsSync } from 'node:fs';
import type { PageLayout, SheetLayout } from '../sheets/domain/layout.js';
import { readingForKnownStudent } from './domain/exception-reasons.js';
import type { GrayImage } from './domain/gray-image.js';
import type { ChoiceReading } from './domain/omr.js';
import { pickFrame, readPage, sheetFrame, turnToFrames, type Alignment, type PageReading } from './domain/read-page.js';
import { rotateGray, type QuarterTurn } from './domain/rotate-gray.js';
import { readQrAt } from './qr-reader.js';
import type { ScanImageCodec } from './scan-image.codec.js';
import { snippetCutter, type SnippetCutter } from './snippet-cutter.js';
import { readStickerAt } from './sticker-reader.js';

/** Snippets keep a little of the page round the box, so writing over the frame is not lost. */
const SNIPPET_MARGIN_PT = 4;
/** Review crops of objective items: 216 dpi at most, plenty to see a pencil mark. */
const REVIEW_CROP_PX_PER_PT = 3;
/**
 * Snippet resolution cap (150 dpi): handwriting reads comfortably at it, and a snippet has about half the pixels of a
 * 200 dpi one to cut, encode, store and send to markers (cutting and encoding were a third of a page's ingestion).
 */
const SNIPPET_MAX_PX_PER_PT = 150 / 72;
/**
 * The reduced page kept for student notices: straightened into the sheet's frame at 750 px across an A4 width
 * (91 dpi; an A3 sheet is 1500 px wide), grey JPEG quality 70, about 90 KB. Marks are drawn on it at layout
 * coordinates × this scale, and a PDF embeds it without decoding it again. The notice prints a sheet two to a
 * landscape A4 page, at 0.63 of its size: 750 px is 144 dpi there (handwriting and bubbles read well; checked with
 * pdftoppm). It was 1000 px, which cost a fifth of a page's ingestion CPU (cut and encode, bench:ingest); 750 px has
 * 56 % of its pixels.
 */
export const REDUCED_PX_PER_PT = 750 / 595.28;
export const REDUCED_QUALITY = 70;

export interface PageScanInput {
  /**
   * The page image file as uploaded (JPEG, PNG, one TIFF page…): its bytes, or the path of a local file holding them
   * (libvips then reads the file itself while it decodes: no read into a JS buffer, no handing it to the thread).
   */
  image: Uint8Array | { path: string };
  /** Quarter turn a person asked for (exceptions workflow), applied before anything looks at the page. */
  rotation: number;
  examId: number;
  /** The exam's papers that have a sheet layout. */
  papers: { id: number; layout: SheetLayout }[];
  /** A person named the page's student: an unreadable exam number no longer matters. */
  studentKnown: boolean;
}

export interface EncodedCut {
  itemId: number;
  jpeg: Uint8Array;
}

export type PageScan =
  | { kind: 'undecodable'; message: string }
  | { kind: 'unreadable'; message: string }
  /** Snippets (answer boxes) and crops (objective items to review) are cut only from a page read ok. */
  | { kind: 'read'; reading: PageReading; snippets: EncodedCut[]; crops: EncodedCut[] };

export async function scanPage(codec: ScanImageCodec, input: PageScanInput): Promise<PageScan> {
  let image: GrayImage;
  const source = input.image;
  try {
    image = await codec.decodeGray(
      source instanceof Uint8Array ? Buffer.from(source.buffer, source.byteOffset, source.byteLength) : source.path,
    );
  } catch (err) {
    // A file that is not there is the store's failure (a shared folder not mounted…), not a bad image: the job retries.
    if (!(source instanceof Uint8Array) && !existsSync(source.path))
      throw new Error(`page image file missing: ${source.path}`);
    return { kind: 'undecodable', message: (err as Error).message };
  }
  let reading: PageReading;
  try {
    if (input.rotation) image = rotateGray(image, input.rotation as QuarterTurn);
    // An exam may print A4 and A3 sheets: the image's orientation says which frame to look for (an image of neither is turned).
    const frames = input.papers.map((p) => sheetFrame(p.layout));
    image = turnToFrames(image, frames);
    const frame = pickFrame(image, frames);
    const byId = new Map(input.papers.map((p) => [p.id, p.layout]));
    const layoutOf = (paperId: number, pageNo: number) =>
      byId.get(paperId)?.pages.find((p) => p.pageNo === pageNo) ?? null;
    reading = readPage(image, frame, layoutOf, { readQr: readQrAt, examId: input.examId, readSticker: readStickerAt });
    if (!reading.ok && input.studentKnown) reading = readingForKnownStudent(image, reading, layoutOf) ?? reading;
  } catch (err) {
    return { kind: 'unreadable', message: (err as Error).stack ?? String(err) };
  }
  if (!reading.ok) return { kind: 'read', reading, snippets: [], crops: [] };
  const cutter = await snippetCutter();
  // (the reduced copy for the notices is not made here: a copy-page job makes it after the page is recorded)
  const [snippets, crops] = await Promise.all([
    cutSnippets(codec, cutter, image, reading.alignment, reading.page),
    cutReviewCrops(codec, cutter, image, reading.alignment, reading.page, reading.choices),
  ]);
  return { kind: 'read', reading, snippets, crops };
}

/** The whole page cut upright into its frame at REDUCED_PX_PER_PT (see there), as a grey JPEG. */
export function reducedPage(
  codec: ScanImageCodec,
  cutter: SnippetCutter,
  image: GrayImage,
  alignment: Pick<Alignment, 'transform' | 'homography'>,
  page: { width: number; height: number },
): Promise<Buffer> {
  const whole = { x: 0, y: 0, w: page.width, h: page.height };
  const cut = cutter.cutBox(image, alignment.transform, whole, 0, REDUCED_PX_PER_PT, alignment.homography);
  return codec.encodeJpeg(cut, REDUCED_QUALITY);
}

function cutSnippets(
  codec: ScanImageCodec,
  cutter: SnippetCutter,
  image: GrayImage,
  alignment: Alignment,
  layout: PageLayout,
): Promise<EncodedCut[]> {
  const k = Math.min(alignment.scale, SNIPPET_MAX_PX_PER_PT);
  // Cut in this thread one after the other (WebAssembly, snippet-cutter.ts); encoding (sharp's threads) overlaps with
  // the next cut. libvips does neither better: its linear (float in between) cost twice the CPU of the JS lookup table
  // for the contrast stretch, and its affine (bilinear, from the raw page, only the box's region) cost more than the JS
  // resampling (sharp 0.35.5 / libvips 8.18, a 1090×350 snippet: 5.0 ms against 2.9 ms with the histogram; end to end
  // 51 against 43 ms per page).
  return Promise.all(
    layout.subjective.map((block) =>
      codec
        .encodeJpeg(
          cutter.cutBoxNormalised(image, alignment.transform, block.box, SNIPPET_MARGIN_PT, k, alignment.homography),
          80,
        )
        .then((jpeg) => ({ itemId: block.itemId, jpeg })),
    ),
  );
}

/** The bubbles of each item that needs review, cut upright with its label, for the person who decides. */
function cutReviewCrops(
  codec: ScanImageCodec,
  cutter: SnippetCutter,
  image: GrayImage,
  alignment: Alignment,
  layout: PageLayout,
  choices: ChoiceReading[],
): Promise<EncodedCut[]> {
  const pending: Promise<EncodedCut>[] = [];
  for (const c of choices.filter((x) => x.needsReview)) {
    const block = layout.objective.find((b) => b.itemId === c.itemId);
    if (!block) continue;
    const xs = block.bubbles.map((b) => b.cx);
    const r = block.bubbles[0].r;
    const box = {
      x: Math.min(...xs) - r - 24,
      y: block.bubbles[0].cy - r - 3,
      w: Math.max(...xs) - Math.min(...xs) + 2 * r + 28,
      h: 2 * r + 6,
    };
    const k = Math.min(alignment.scale, REVIEW_CROP_PX_PER_PT);
    const crop = cutter.cutBox(image, alignment.transform, box, 0, k, alignment.homography);
    pending.push(codec.encodeJpeg(crop, 85).then((jpeg) => ({ itemId: c.itemId, jpeg })));
  }
  return Promise.all(pending);
}
