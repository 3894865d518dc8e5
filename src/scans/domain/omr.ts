// Optical mark reading: how dark a bubble or cell is, and what the marks on a page say. Pure.
import type { Box, Circle, ObjectiveBlock } from '../../sheets/domain/layout.js';
import { affineScale, applyAffine, type Affine, type GrayImage, histogramPercentile, pixelAt, regionHistogram } from './gray-image.js';

/** A bubble at or above this fill is marked. Pencil fills read about 0.7–0.9, a printed letter inside an empty bubble under 0.15. */
export const MARKED = 0.45;
/** At or below this a bubble is empty; between BLANK and MARKED it is a light or erased mark that we will not guess about. */
export const BLANK = 0.25;

/** Paper level near a point: the 90th percentile of a square around it (most of any neighbourhood is paper). */
function localPaper(img: GrayImage, t: Affine, cx: number, cy: number, halfPt: number): number {
  const corners = [applyAffine(t, cx - halfPt, cy - halfPt), applyAffine(t, cx + halfPt, cy - halfPt), applyAffine(t, cx - halfPt, cy + halfPt), applyAffine(t, cx + halfPt, cy + halfPt)];
  const xs = corners.map((c) => c.x);
  const ys = corners.map((c) => c.y);
  const { hist, total } = regionHistogram(img, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
  // A neighbourhood that is nearly all dark (a blot) has no paper to compare with: assume mid-grey paper so the blot reads as filled.
  return Math.max(histogramPercentile(hist, total, 0.9), 100);
}

/** Mean grey of the sheet-space region `inside` (within its bounding box), sampled about once per image pixel. */
function meanInside(img: GrayImage, t: Affine, x0: number, y0: number, x1: number, y1: number, inside: (x: number, y: number) => boolean): number {
  const step = 1 / Math.max(affineScale(t), 0.5);
  let sum = 0;
  let n = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) {
      if (!inside(x, y)) continue;
      const p = applyAffine(t, x, y);
      sum += pixelAt(img, p.x, p.y);
      n++;
    }
  }
  return n ? sum / n : 255;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Darkness inside 0.7·r of the bubble (the printed ring stays outside) relative to the local paper: 0 white, 1 black. */
export function bubbleFill(img: GrayImage, t: Affine, c: Circle): number {
  const r = 0.7 * c.r;
  const mean = meanInside(img, t, c.cx - r, c.cy - r, c.cx + r, c.cy + r, (x, y) => (x - c.cx) ** 2 + (y - c.cy) ** 2 <= r * r);
  const paper = localPaper(img, t, c.cx, c.cy, 2 * c.r);
  return clamp01((paper - mean) / paper);
}

/** Darkness of the middle 60 % of a printed cell, relative to the local paper. */
export function cellFill(img: GrayImage, t: Affine, b: Box): number {
  const mx = b.x + b.w / 2;
  const my = b.y + b.h / 2;
  const hw = b.w * 0.3;
  const hh = b.h * 0.3;
  const mean = meanInside(img, t, mx - hw, my - hh, mx + hw, my + hh, () => true);
  const paper = localPaper(img, t, mx, my, Math.max(b.w, b.h) * 1.4);
  return clamp01((paper - mean) / paper);
}

export interface PageCodeReading {
  value: number;
  fills: number[];
  /** False if some cell is neither clearly printed nor clearly empty. */
  certain: boolean;
}

/** Reads the page-code cells: a printed (dark) cell is a 1 bit, most significant first. */
export function readPageCode(img: GrayImage, t: Affine, cells: Box[]): PageCodeReading {
  const fills = cells.map((c) => cellFill(img, t, c));
  let value = 0;
  for (const f of fills) value = value * 2 + (f >= 0.5 ? 1 : 0);
  return { value, fills, certain: fills.every((f) => f <= 0.3 || f >= 0.6) };
}

export type DigitVerdict = 'ok' | 'blank' | 'multiple' | 'ambiguous';

export interface ExamNumberReading {
  /** The number read, or null unless every column holds exactly one clear mark. */
  examNo: string | null;
  /** The digits as read, '?' where a column has no clear single mark (for the scanner's review). */
  partial: string;
  columns: { digit: number | null; verdict: DigitVerdict; fills: number[] }[];
  /** The first column (0-based) that is not clear, with why. */
  problem: { column: number; verdict: Exclude<DigitVerdict, 'ok'> } | null;
}

/** One column of ten bubbles → the single clearly filled digit, or why there is none. Never a guess. */
export function readDigitColumn(fills: number[]): { digit: number | null; verdict: DigitVerdict } {
  const strong = fills.map((f, v) => ({ f, v })).filter((x) => x.f >= MARKED);
  const weak = fills.filter((f) => f > BLANK && f < MARKED);
  if (strong.length > 1) return { digit: null, verdict: 'multiple' };
  if (strong.length === 1) {
    // A faint mark next to a clear one (an erasure) is tolerated only if it is much lighter.
    if (weak.length && Math.max(...weak) > strong[0].f - 0.3) return { digit: null, verdict: 'ambiguous' };
    return { digit: strong[0].v, verdict: 'ok' };
  }
  return { digit: null, verdict: weak.length ? 'ambiguous' : 'blank' };
}

export function readExamNumber(img: GrayImage, t: Affine, grid: Circle[][]): ExamNumberReading {
  const columns = grid.map((col) => {
    const fills = col.map((c) => bubbleFill(img, t, c));
    return { ...readDigitColumn(fills), fills };
  });
  const bad = columns.findIndex((c) => c.verdict !== 'ok');
  const partial = columns.map((c) => (c.digit === null ? '?' : String(c.digit))).join('');
  return {
    examNo: bad < 0 ? partial : null,
    partial,
    columns,
    problem: bad < 0 ? null : { column: bad, verdict: columns[bad].verdict as Exclude<DigitVerdict, 'ok'> },
  };
}

export function examNumberProblemText(p: NonNullable<ExamNumberReading['problem']>): string {
  const pos = `第${p.column + 1}位`;
  if (p.verdict === 'blank') return `考号填涂不完整（${pos}）`;
  if (p.verdict === 'multiple') return `考号${pos}填涂了多个数字`;
  return `考号${pos}填涂不清`;
}

export type ChoiceVerdict = 'blank' | 'single' | 'multiple';

export interface ChoiceReading {
  itemId: number;
  /** Marked option letters in print order, '' when blank. */
  marked: string;
  verdict: ChoiceVerdict;
  fills: number[];
}

/** Per objective item: which options are marked (fill ≥ MARKED). */
export function readChoices(img: GrayImage, t: Affine, blocks: ObjectiveBlock[]): ChoiceReading[] {
  return blocks.map((b) => {
    const fills = b.bubbles.map((c) => bubbleFill(img, t, c));
    const marked = b.options.filter((_, o) => fills[o] >= MARKED).join('');
    const verdict: ChoiceVerdict = marked.length === 0 ? 'blank' : marked.length === 1 ? 'single' : 'multiple';
    return { itemId: b.itemId, marked, verdict, fills: fills.map((f) => Math.round(f * 1000) / 1000) };
  });
}
