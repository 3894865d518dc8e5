// Reading one scanned page end to end: align, page code, exam number, objective bubbles. Pure.
import type { Box, PageLayout, SheetLayout } from '../../sheets/domain/layout.js';
import { decodePageCode } from '../../sheets/domain/layout.js';
import { parsePageQr } from '../../sheets/domain/page-qr.js';
import {
  describeTransform,
  fiducialsSymmetric,
  findFiducials,
  findFiducialsWide,
  fitHomography,
  fitTransform,
  MAX_ROTATION_DEG,
  turnedHalf,
  turnedHalfHomography,
  type FiducialSpec,
} from './align.js';
import {
  histogramPercentile,
  localAffine,
  rotateQuarter,
  type Affine,
  type GrayImage,
  type Homography,
  type Point,
} from './gray-image.js';
import type { StickerReading } from './page-identity.js';
import { readQrGrid } from './qr-sample.js';
import { readStickerArea, type StickerDecoder } from './sticker-area.js';
import {
  examNumberProblemText,
  readChoices,
  readExamNumber,
  readPageCode,
  type ChoiceReading,
  type ExamNumberReading,
} from './omr.js';

/** What every sheet of a paper size shares, whatever the paper: the fiducials, the page-code cells and the QR box. */
export interface SheetFrame {
  page: { width: number; height: number };
  fiducials: FiducialSpec[];
  pageCodeCells: PageLayout['pageCode']['cells'];
  /** Where the QR page code is printed; absent for layouts made before it existed. */
  qr?: Box;
}

export function sheetFrame(layout: SheetLayout): SheetFrame {
  const first = layout.pages[0];
  return {
    page: layout.page,
    fiducials: first.fiducials,
    pageCodeCells: first.pageCode.cells,
    ...(first.qr ? { qr: first.qr } : {}),
  };
}

const landscape = (s: { width: number; height: number }) => s.width > s.height * 1.05;

/**
 * The frame to read an image with, among the distinct frames of an exam's papers: the one of the image's orientation
 * (an A3 sheet is scanned landscape, an A4 one portrait), preferring one with a QR box; else the first.
 */
export function pickFrame(img: { width: number; height: number }, frames: SheetFrame[]): SheetFrame {
  const fitting = frames.filter((f) => landscape(f.page) === landscape(img));
  return fitting.find((f) => f.qr) ?? fitting[0] ?? frames[0];
}

/**
 * The image as it should be read: turned a quarter if no sheet of the exam has its orientation, as when an A3 sheet is
 * fed short edge first and comes out portrait. A quarter turn either way leaves it upright or upside down, and
 * readPage reads both.
 */
export function turnToFrames(img: GrayImage, frames: SheetFrame[]): GrayImage {
  if (!frames.length || frames.some((f) => landscape(f.page) === landscape(img))) return img;
  const turned = rotateQuarter(img);
  return frames.some((f) => landscape(f.page) === landscape(turned)) ? turned : img;
}

/**
 * Decodes a QR code printed at a box of the page (an adapter around a QR library; domain code cannot hold one).
 * readPage reads the symbol's module grid itself first (readQrGrid) and calls this when that fails.
 */
export type QrReader = (img: GrayImage, t: Affine, box: Box) => string | null;

export interface Alignment {
  /** The least-squares affine of the fiducials found: its residuals tell a mis-detected fiducial or a warped page. */
  transform: Affine;
  /** With all four fiducials, the homography through them (follows a keystone); bubbles are sampled with it. */
  homography: Homography | null;
  rmsPx: number;
  maxPx: number;
  fiducialsFound: number;
  scale: number;
  rotationDeg: number;
  upsideDown: boolean;
}

export type ExceptionCode =
  | 'BLANK_PAGE'
  | 'IMAGE_ORIENTATION'
  | 'LOW_RESOLUTION'
  | 'FIDUCIALS_NOT_FOUND'
  | 'ALIGNMENT_POOR'
  | 'PAGE_CODE_UNREADABLE'
  | 'PAPER_NOT_IN_EXAM'
  | 'EXAMNO_BLANK'
  | 'EXAMNO_MULTIPLE'
  | 'EXAMNO_AMBIGUOUS';

export type PageReading =
  | {
      ok: false;
      code: ExceptionCode;
      reason: string;
      alignment?: Alignment;
      paperId?: number;
      pageNo?: number;
      examNoPartial?: string;
      /** Set when the page was identified but its exam number could not be read. */
      studentId?: number | null;
      pageCodeSource?: 'qr' | 'bubbles';
      /** The sticker area's reading, when the page has one and its exam number could not be read. */
      sticker?: StickerReading | null;
    }
  | {
      ok: true;
      alignment: Alignment;
      paperId: number;
      pageNo: number;
      page: PageLayout;
      /**
       * Read on the page that carries the exam-number grid (page 1); null on the others, and when left blank on a
       * personalised sheet or a sheet with a readable sticker. With a readable sticker it may not read whole (a
       * `problem`): its `partial` digits are then checked against the sticker.
       */
      examNo: ExamNumberReading | null;
      /** The student a personalised sheet was printed for, from its QR code; null on a sheet for anyone. */
      studentId: number | null;
      /** Which code identified the page: the QR code, or the bubble page code (older sheets, a damaged QR). */
      pageCodeSource: 'qr' | 'bubbles';
      /** The barcode sticker area's reading; null on a page without the area (or when no decoder was given). */
      sticker: StickerReading | null;
      choices: ChoiceReading[];
    };

/** Lowest resolution we read: at 100 dpi a bubble is still about 15 px across. */
export const MIN_DPI = 100;
/** Fitted fiducials may miss the found ones by this much (points) before the page counts as warped or mis-detected. */
const MAX_RESIDUAL_PT = 2.5;
/**
 * With all four fiducials the affine may miss them by this much: the homography through them follows a keystone (a
 * 1.2 % one leaves ~3.5 pt), and a fiducial mis-detected that close to its place would overlap the printed square.
 */
const MAX_KEYSTONE_RESIDUAL_PT = 6;

/**
 * Reads a page. `resolve` gives the layout of a (paper, page) of this exam, or null if the code is not one of
 * this exam's pages. A page fed upside down is read turned by 180°.
 */
export function readPage(img: GrayImage, frame: SheetFrame, resolve: Resolve, opts: ReadOptions = {}): PageReading {
  if (landscape(img) !== landscape(frame.page)) {
    return {
      ok: false,
      code: 'IMAGE_ORIENTATION',
      reason: landscape(frame.page) ? '图片为纵向，请按横向 A3 重新扫描' : '图片为横向，请按纵向 A4 重新扫描',
    };
  }
  const k = img.width / frame.page.width;
  if (k * 72 < MIN_DPI)
    return {
      ok: false,
      code: 'LOW_RESOLUTION',
      reason: `图片分辨率过低（约 ${Math.round(k * 72)} dpi，至少需要 ${MIN_DPI} dpi）`,
    };

  // A blank page (the back of a duplex scan) is told only where the page does not read: one that reads has fiducials, a
  // page code and bubbles, far above isBlankPage's threshold, so looking at every page first was work thrown away
  // (0.5–1 ms of each page at 200 dpi). A blank page is looked at once no fiducial is found near its printed place,
  // before the wide search of the corners.
  let blankChecked = false;
  const blank = () => {
    if (blankChecked) return false;
    blankChecked = true;
    return isBlankPage(img);
  };
  const reading = readAligned(img, frame, k, resolve, opts, blank);
  if (!reading.ok && reading.code !== 'BLANK_PAGE' && blank()) return { ...BLANK_PAGE_READING };
  return reading;
}

const BLANK_PAGE_READING: Extract<PageReading, { ok: false }> = {
  ok: false,
  code: 'BLANK_PAGE',
  reason: '空白页（如双面扫描的背面），已跳过',
};

type Resolve = (paperId: number, pageNo: number) => PageLayout | null;
type ReadOptions = { readQr?: QrReader; examId?: number; readSticker?: StickerDecoder };

/** readPage once the image's orientation and resolution are fine: fiducials, page code, exam number, bubbles. */
function readAligned(
  img: GrayImage,
  frame: SheetFrame,
  k: number,
  resolve: Resolve,
  opts: ReadOptions,
  blank: () => boolean,
): PageReading {
  const aligned = alignToFiducials(img, frame, k, blank);
  if (!('transform' in aligned)) return aligned;
  const base = aligned;
  let attempts: Alignment[] = [base];
  if (fiducialsSymmetric(frame.fiducials, frame.page))
    attempts.push({
      ...base,
      transform: turnedHalf(base.transform, frame.page),
      homography: base.homography && turnedHalfHomography(base.homography, frame.page),
      rotationDeg: base.rotationDeg + 180,
      upsideDown: true,
    });
  // The QR code's module grid read where each attempt puts it (cheap), until one reads: that way goes first, so an
  // upside-down page does not send the general reader searching the empty corner the upright attempt points at.
  const qrBox = opts.readQr ? frame.qr : undefined;
  const gridTexts = new Map<Alignment, string | null>();
  if (qrBox) {
    for (const a of attempts) {
      const text = readQrGrid(img, mapOver(a, qrBox), qrBox);
      gridTexts.set(a, text);
      if (text) break;
    }
  }
  attempts = [...attempts.filter((a) => gridTexts.get(a)), ...attempts.filter((a) => !gridTexts.get(a))];
  let certainButForeign: string | null = null;
  for (const alignment of attempts) {
    const read = readAttempt(img, frame, alignment, resolve, opts, gridTexts.get(alignment));
    if (read === null) continue;
    if ('foreign' in read) {
      certainButForeign ??= read.foreign;
      continue;
    }
    return read;
  }
  if (certainButForeign !== null) {
    return {
      ok: false,
      code: 'PAPER_NOT_IN_EXAM',
      reason: '答题卡不属于本次考试（可能是其他考试或其他科目的答题卡）',
      alignment: base,
    };
  }
  return { ok: false, code: 'PAGE_CODE_UNREADABLE', reason: '无法识别页码', alignment: base };
}

/** The page's alignment from its fiducials, or the reading that says why there is none. */
function alignToFiducials(
  img: GrayImage,
  frame: SheetFrame,
  k: number,
  blank: () => boolean,
): Alignment | Extract<PageReading, { ok: false }> {
  const fitOf = (found: (Point | null)[]) => {
    const pairs = found
      .map((p, n) => ({ from: { x: frame.fiducials[n].cx, y: frame.fiducials[n].cy }, to: p }))
      .filter((q): q is { from: Point; to: Point } => q.to !== null);
    if (pairs.length < 3) return { pairs, fit: null, shape: null, good: false };
    const fit = fitTransform(
      pairs.map((q) => q.from),
      pairs.map((q) => q.to),
    );
    const shape = describeTransform(fit.transform);
    const good =
      fit.maxPx <= (pairs.length >= 4 ? MAX_KEYSTONE_RESIDUAL_PT : MAX_RESIDUAL_PT) * shape.scale &&
      shape.anisotropy <= 0.05 &&
      shape.shear <= 0.05 &&
      Math.abs(shape.rotationDeg) <= MAX_ROTATION_DEG &&
      Math.abs(shape.scale / k - 1) <= 0.35;
    return { pairs, fit, shape, good };
  };
  // Near the printed places first (fast, the usual case); a page turned or shifted further is searched for widely.
  let found = fitOf(findFiducials(img, frame.fiducials, k));
  if (!found.pairs.length && blank()) return { ...BLANK_PAGE_READING };
  if (!found.good || found.pairs.length < 4) {
    const wide = fitOf(findFiducialsWide(img, frame.fiducials, frame.page, k, MAX_RESIDUAL_PT));
    if (wide.good && (!found.good || wide.pairs.length > found.pairs.length)) found = wide;
  }
  const { pairs, fit, shape } = found;
  if (!fit || !shape)
    return {
      ok: false,
      code: 'FIDUCIALS_NOT_FOUND',
      reason: `找不到定位点（只找到 ${pairs.length} 个，需要至少 3 个）`,
    };
  const base: Alignment = {
    transform: fit.transform,
    homography: found.good ? homographyOf(pairs) : null,
    rmsPx: fit.rmsPx,
    maxPx: fit.maxPx,
    fiducialsFound: pairs.length,
    scale: shape.scale,
    rotationDeg: shape.rotationDeg,
    upsideDown: false,
  };
  if (!found.good) {
    return {
      ok: false,
      code: 'ALIGNMENT_POOR',
      reason: '定位点位置异常：图片可能变形、歪斜过大或不完整',
      alignment: base,
    };
  }
  return base;
}

/**
 * The map to read a small region (the QR code, the sticker) with: the homography's local affine at its centre where four
 * fiducials gave one (over a few centimetres within a fraction of a pixel of it), else the affine.
 */
function mapOver(a: Alignment, box: Box): Affine {
  return a.homography ? localAffine(a.homography, box.x + box.w / 2, box.y + box.h / 2) : a.transform;
}

/**
 * The homography through four fiducials (null with three, or if they are degenerate). The affine fit has already
 * judged the points (residual, shape), so this only takes the keystone the affine cannot follow.
 */
function homographyOf(pairs: { from: Point; to: Point }[]): Homography | null {
  if (pairs.length < 4) return null;
  try {
    return fitHomography(
      pairs.map((q) => q.from),
      pairs.map((q) => q.to),
    ).homography;
  } catch {
    return null;
  }
}

/**
 * The page read with one alignment: null when its page code does not read this way, `foreign` when it reads
 * certainly but names no page of this exam.
 */
function readAttempt(
  img: GrayImage,
  frame: SheetFrame,
  alignment: Alignment,
  resolve: Resolve,
  opts: ReadOptions,
  gridText: string | null | undefined,
): PageReading | { foreign: string } | null {
  const qrBox = opts.readQr ? frame.qr : undefined;
  // The QR code first (error-corrected, carries the student on a personalised sheet); the bubble code as fallback.
  const qr = qrBox && opts.readQr ? parsePageQr(gridText ?? opts.readQr(img, mapOver(alignment, qrBox), qrBox)) : null;
  let paperId: number;
  let pageNo: number;
  if (qr) {
    ({ paperId, pageNo } = qr);
    if (opts.examId !== undefined && qr.examId !== opts.examId) return { foreign: `${qr.examId}-${paperId}-${pageNo}` };
  } else {
    const code = readPageCode(img, alignment.transform, frame.pageCodeCells, alignment.homography);
    if (!code.certain || code.value === 0) return null;
    ({ paperId, pageNo } = decodePageCode(code.value));
  }
  const page = pageNo > 0 ? resolve(paperId, pageNo) : null;
  if (!page) return { foreign: `${paperId}-${pageNo}` };
  const studentId = qr?.studentId ?? null;
  const pageCodeSource = qr ? 'qr' : 'bubbles';
  // The sticker beats the bubbles: with a readable one, blank or badly filled bubbles no longer matter (filled ones
  // that read must agree, checked with the roster).
  const sticker =
    page.sticker && opts.readSticker
      ? readStickerArea(img, mapOver(alignment, page.sticker), page.sticker, opts.readSticker)
      : null;
  let examNo = page.examNo ? readExamNumber(img, alignment.transform, page.examNo, alignment.homography) : null;
  // A personalised sheet names its student: exam-number bubbles left blank are fine, filled ones must agree (checked against the roster).
  if (examNo && (studentId !== null || sticker?.state === 'read') && examNo.columns.every((c) => c.verdict === 'blank'))
    examNo = null;
  // Bubbles that do not read whole are kept with a readable sticker: the digits they do show must agree with it.
  if (examNo?.problem && sticker?.state !== 'read') {
    const code =
      examNo.problem.verdict === 'blank'
        ? 'EXAMNO_BLANK'
        : examNo.problem.verdict === 'multiple'
          ? 'EXAMNO_MULTIPLE'
          : 'EXAMNO_AMBIGUOUS';
    return {
      ok: false,
      code,
      reason: stickerPrefix(sticker) + examNumberProblemText(examNo.problem),
      alignment,
      paperId,
      pageNo,
      examNoPartial: examNo.partial,
      studentId,
      pageCodeSource,
      sticker,
    };
  }
  return {
    ok: true,
    alignment,
    paperId,
    pageNo,
    page,
    examNo,
    studentId,
    pageCodeSource,
    sticker,
    choices: readChoices(img, alignment.transform, page.objective, alignment.homography),
  };
}

/** Why the sticker did not settle the student, before what is wrong with the bubbles. */
function stickerPrefix(sticker: StickerReading | null): string {
  if (sticker?.state === 'empty') return '未贴条形码，';
  if (sticker?.state === 'unreadable') return '条形码无法识别，';
  return '';
}

/**
 * A blank page (the back of a single-sided sheet scanned duplex): almost no pixel is much darker than the paper.
 * Looked at on a coarse grid of the whole page; a printed sheet has fiducials, a page code, rings and text, far above it.
 */
export function isBlankPage(img: GrayImage): boolean {
  const { width, height, data } = img;
  const step = Math.max(1, Math.floor(Math.min(width, height) / 400));
  // Four partial histograms, alternating: nearly every sample is paper, and incrementing one counter back to back
  // waits for the previous increment each time (this loop was 0.5 ms of a page at 200 dpi).
  const parts = new Uint32Array(1024);
  let total = 0;
  for (let j = 0; j < height; j += step) {
    const row = j * width;
    let i = 0;
    for (; i + 3 * step < width; i += 4 * step) {
      parts[data[row + i]]++;
      parts[256 + data[row + i + step]]++;
      parts[512 + data[row + i + 2 * step]]++;
      parts[768 + data[row + i + 3 * step]]++;
    }
    for (; i < width; i += step) parts[data[row + i]]++;
    total += Math.ceil(width / step);
  }
  const hist = new Uint32Array(256);
  for (let g = 0; g < 256; g++) hist[g] = parts[g] + parts[256 + g] + parts[512 + g] + parts[768 + g];
  const paper = histogramPercentile(hist, total, 0.5);
  let dark = 0;
  for (let g = 0; g < Math.min(256, Math.floor(paper * 0.6)); g++) dark += hist[g];
  // Four 16 pt fiducials alone cover 0.2 % of an A4 page; show-through and dust stay far below 0.05 %.
  return dark / total < 0.0005;
}
