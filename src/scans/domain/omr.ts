// Optical mark reading: how dark a bubble or cell is, and what the marks on a page say. Pure.
import type { Box, Circle, ObjectiveBlock } from '../../sheets/domain/layout.js';
import {
  affineScale,
  applyAffine,
  type Affine,
  type GrayImage,
  histogramPercentile,
  type Homography,
  localAffine,
  paperSampleStep,
  pixelAt,
  regionHistogram,
} from './gray-image.js';

/** A bubble at or above this fill is marked. Pencil fills read about 0.7–0.9, a printed letter inside an empty bubble under 0.15. */
export const MARKED = 0.45;
/** At or below this a bubble is empty; between BLANK and MARKED it is a light or erased mark that we will not guess about. */
export const BLANK = 0.25;

/** Paper level near a point: the 90th percentile of a square around it (most of any neighbourhood is paper). */
function localPaper(img: GrayImage, t: Affine, cx: number, cy: number, halfPt: number): number {
  const corners = [
    applyAffine(t, cx - halfPt, cy - halfPt),
    applyAffine(t, cx + halfPt, cy - halfPt),
    applyAffine(t, cx - halfPt, cy + halfPt),
    applyAffine(t, cx + halfPt, cy + halfPt),
  ];
  const xs = corners.map((c) => c.x);
  const ys = corners.map((c) => c.y);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  // Every second pixel or so is plenty (30 or more a side): at 200 dpi the exam-number grid's squares alone were 0.4 M
  // pixels a page, overlapping each other.
  const { hist, total } = regionHistogram(
    img,
    x0,
    y0,
    Math.max(...xs),
    Math.max(...ys),
    paperSampleStep(Math.max(...xs) - x0, 30),
  );
  // A neighbourhood that is nearly all dark (a blot) has no paper to compare with: assume mid-grey paper so the blot reads as filled.
  return Math.max(histogramPercentile(hist, total, 0.9), 100);
}

/** Mean grey of the sheet-space region `inside` (within its bounding box), sampled about once per image pixel. */
function meanInside(
  img: GrayImage,
  t: Affine,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  inside: (x: number, y: number) => boolean,
): number {
  const step = 1 / Math.max(affineScale(t), 0.5);
  let sum = 0;
  let n = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) {
      if (!inside(x, y)) continue;
      // applyAffine written out (no object per sample): the same arithmetic, so the same pixel
      sum += pixelAt(img, t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f);
      n++;
    }
  }
  return n ? sum / n : 255;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Darkness inside 0.7·r of the bubble (the printed ring stays outside) relative to the local paper: 0 white, 1 black. */
export function bubbleFill(img: GrayImage, t: Affine, c: Circle): number {
  return bubbleMeasure(img, t, c).fill;
}

export interface BubbleMeasure {
  /** Mean darkness inside 0.7·r relative to the local paper: 0 white, 1 black. */
  fill: number;
  /** Share of that disc covered by ink (darker than half the paper level): pencil strokes, not grey print or erasure. */
  ink: number;
  /** Share of the disc that is solid ink (ink all round within CORE_PT): large for a fill, near 0 for a tick or a cross. */
  core: number;
  /** Darkness of the lightest quarter of the disc over the whole disc's: near 1 for a fill, near 0 for a half fill. */
  evenness: number;
}

/** Darkness of a bubble, and how much of it is covered by real pencil strokes (a tick or a cross covers some, solidly). */
export function bubbleMeasure(img: GrayImage, t: Affine, c: Circle): BubbleMeasure {
  const r = 0.7 * c.r;
  const paper = localPaper(img, t, c.cx, c.cy, 2 * c.r);
  const inkBelow = paper * (1 - INK_DARKNESS);
  const step = 1 / Math.max(affineScale(t), 0.5);
  let sum = 0;
  let n = 0;
  let ink = 0;
  let core = 0;
  const quad = [0, 0, 0, 0];
  const quadN = [0, 0, 0, 0];
  // applyAffine written out below (no object per sample: this runs for every sample of every bubble), same arithmetic
  const isInk = (x: number, y: number) => pixelAt(img, t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f) < inkBelow;
  for (let y = c.cy - r + step / 2; y < c.cy + r; y += step) {
    for (let x = c.cx - r + step / 2; x < c.cx + r; x += step) {
      if ((x - c.cx) ** 2 + (y - c.cy) ** 2 > r * r) continue;
      const g = pixelAt(img, t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f);
      sum += g;
      quad[(x < c.cx ? 0 : 1) + (y < c.cy ? 0 : 2)] += g;
      quadN[(x < c.cx ? 0 : 1) + (y < c.cy ? 0 : 2)]++;
      if (g < inkBelow) {
        ink++;
        // solid: ink also CORE_PT away in all four directions (a pencil stroke is thinner than that, a fill is not)
        if (isInk(x + CORE_PT, y) && isInk(x - CORE_PT, y) && isInk(x, y + CORE_PT) && isInk(x, y - CORE_PT)) core++;
      }
      n++;
    }
  }
  const mean = n ? sum / n : 255;
  const fill = clamp01((paper - mean) / paper);
  const quadFill = quad.map((q, k) => (quadN[k] ? clamp01((paper - q / quadN[k]) / paper) : 0));
  return {
    fill,
    ink: n ? ink / n : 0,
    core: n ? core / n : 0,
    evenness: fill > 0 ? Math.min(1, Math.min(...quadFill) / fill) : 1,
  };
}

/** Half the width of a solid patch that no pencil stroke reaches (strokes are 0.5–1.3 pt wide). */
const CORE_PT = 1.2;

/** A pixel this much darker than the paper (relative) is pencil or black print; printed letters and erasures stay lighter. */
const INK_DARKNESS = 0.5;
/** A tick or a cross covers this share of the inner disc or more with ink, but not the whole of it. */
export const STROKE_INK = 0.08;
/** A mark of thin strokes has (almost) no solid core; with more, and no full fill, it is a partial fill: a person decides. */
export const STROKE_CORE = 0.04;
/** A fill whose lightest quarter is less than this share of its mean darkness is partial: a person decides. */
export const UNEVEN = 0.5;
/** Verdicts of lower confidence than this go to review. */
export const REVIEW_BELOW = 0.1;
/**
 * A bubble this much darker than the emptiest of its item is a mark of some kind. Empty bubbles of one item differ by
 * their printed letters only (0.02–0.03 apart in the corpus, at every condition); an erasure residue or a light pencil
 * fill stands 0.10 or more above them.
 */
export const LONE_FAINT_ABOVE = 0.06;

export type BubbleState = 'marked' | 'empty' | 'unsure';

/**
 * One bubble: marked (a fill, or a tick/cross of solid strokes), empty (white or a light erasure residue), or unsure
 * (a uniform grey between the two, a partial solid fill). Confidence 0–1: how far the measure is from the unsure band.
 */
export function classifyBubble(m: Pick<BubbleMeasure, 'fill' | 'ink'> & { core?: number; evenness?: number }): {
  state: BubbleState;
  confidence: number;
} {
  if (m.fill >= MARKED) {
    // Dark enough, but only on one side (half filled, or a blot beside the bubble): not a mark we take.
    const even = m.evenness ?? 1;
    if (even < UNEVEN) return { state: 'unsure', confidence: 0 };
    return { state: 'marked', confidence: clamp01(Math.min((m.fill - MARKED) / 0.15, (even - UNEVEN) / 0.2)) };
  }
  const core = m.core ?? 0;
  if (m.ink >= STROKE_INK) {
    if (core >= STROKE_CORE) return { state: 'unsure', confidence: 0 };
    return { state: 'marked', confidence: clamp01(Math.min((m.ink - STROKE_INK) / 0.05, (STROKE_CORE - core) / 0.02)) };
  }
  if (m.fill <= BLANK)
    return { state: 'empty', confidence: clamp01(Math.min((BLANK - m.fill) / 0.1, (STROKE_INK - m.ink) / 0.04)) };
  return { state: 'unsure', confidence: 0 };
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
/** The page code's cells, each through the homography's local affine at the cell where four fiducials gave one. */
export function readPageCode(img: GrayImage, t: Affine, cells: Box[], h?: Homography | null): PageCodeReading {
  const fills = cells.map((c) => cellFill(img, h ? localAffine(h, c.x + c.w / 2, c.y + c.h / 2) : t, c));
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
export function readDigitColumn(
  fills: number[],
  shapes?: { ink: number; core: number; evenness: number }[],
): { digit: number | null; verdict: DigitVerdict } {
  const states = fills.map((f, v) =>
    classifyBubble({
      fill: f,
      ink: shapes?.[v]?.ink ?? 0,
      core: shapes?.[v]?.core ?? 0,
      evenness: shapes?.[v]?.evenness ?? 1,
    }),
  );
  // The exam number decides who the sheet belongs to: a low-confidence bubble is never taken either way.
  const strong = states.map((s, v) => ({ s, v })).filter((x) => x.s.state === 'marked');
  if (strong.length > 1) return { digit: null, verdict: 'multiple' };
  // A faint mark next to a clear one (an erasure) is tolerated only if it is much lighter.
  const top = strong.length ? fills[strong[0].v] : null;
  const unsure = states.some(
    (s, v) =>
      (s.state === 'unsure' && (top === null || fills[v] > top - 0.3)) ||
      (s.confidence < REVIEW_BELOW && s.state !== 'unsure'),
  );
  if (unsure) return { digit: null, verdict: 'ambiguous' };
  if (strong.length === 1) return { digit: strong[0].v, verdict: 'ok' };
  return { digit: null, verdict: 'blank' };
}

/** The map to sample a bubble with: the homography's local affine where four fiducials gave one, else the affine. */
const mapAt = (t: Affine, h: Homography | null | undefined, c: Circle) => (h ? localAffine(h, c.cx, c.cy) : t);

export function readExamNumber(img: GrayImage, t: Affine, grid: Circle[][], h?: Homography | null): ExamNumberReading {
  const columns = grid.map((col) => {
    const measures = col.map((c) => bubbleMeasure(img, mapAt(t, h, c), c));
    const fills = measures.map((m) => m.fill);
    return { ...readDigitColumn(fills, measures), fills };
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

export type ChoiceVerdict = 'blank' | 'single' | 'multiple' | 'ambiguous';

export interface ChoiceReading {
  itemId: number;
  /** Marked option letters in print order, '' when blank; for an ambiguous item, the options that did read as marked. */
  marked: string;
  verdict: ChoiceVerdict;
  /** 0–1, the least confident bubble of the item; 0 when ambiguous. */
  confidence: number;
  /** True when a person must decide (ambiguous or low confidence): the item is not scored from this reading. */
  needsReview: boolean;
  fills: number[];
  /** Ink cover and solid core per option (see BubbleMeasure). */
  inks: number[];
  cores: number[];
}

/** Verdict of one objective item from its bubbles' measures. */
export function judgeChoice(
  options: string[],
  measures: BubbleMeasure[],
): Pick<ChoiceReading, 'marked' | 'verdict' | 'confidence' | 'needsReview'> {
  const states = measures.map(classifyBubble);
  const marked = options.filter((_, o) => states[o].state === 'marked').join('');
  const confidence = states.length ? Math.min(...states.map((s) => s.confidence)) : 1;
  const ambiguous = states.some((s) => s.state === 'unsure');
  // A lone faint mark (no clear mark on the item, one or more bubbles clearly darker than the emptiest): a light fill
  // on grey paper or a faded scan reads 0.11–0.24, as an erasure residue does; only a person can tell which it is.
  const faint = !ambiguous && marked.length === 0 && loneFaint(measures.map((m) => m.fill));
  const verdict: ChoiceVerdict = ambiguous
    ? 'ambiguous'
    : marked.length === 0
      ? 'blank'
      : marked.length === 1
        ? 'single'
        : 'multiple';
  return {
    marked,
    verdict,
    confidence: faint ? 0 : Math.round(confidence * 1000) / 1000,
    needsReview: ambiguous || faint || confidence < REVIEW_BELOW,
  };
}

/** True when some bubble of an item stands LONE_FAINT_ABOVE or more above the item's emptiest one. */
export function loneFaint(fills: number[]): boolean {
  if (fills.length < 2) return false;
  const emptiest = Math.min(...fills);
  return fills.some((f) => f - emptiest >= LONE_FAINT_ABOVE);
}

/** Per objective item: which options are marked, the verdict and its confidence. */
export function readChoices(
  img: GrayImage,
  t: Affine,
  blocks: ObjectiveBlock[],
  h?: Homography | null,
): ChoiceReading[] {
  return blocks.map((b) => {
    const measures = b.bubbles.map((c) => bubbleMeasure(img, mapAt(t, h, c), c));
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      itemId: b.itemId,
      ...judgeChoice(b.options, measures),
      fills: measures.map((m) => r3(m.fill)),
      inks: measures.map((m) => r3(m.ink)),
      cores: measures.map((m) => r3(m.core)),
    };
  });
}
