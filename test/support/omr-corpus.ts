// The OMR robustness corpus: the real answer-sheet PDF rasterised by poppler, pencil marks drawn on it from the
// layout (fills, faint pencil, erasure residue, ticks, crosses, deliberately ambiguous half fills), then distorted
// like real scanners do (rotation, scale, shift, 180°, noise, blur, JPEG, perspective), read back with readPage and
// scored against the truth. Used by test/integration/omr-corpus.test.ts (sampled) and test/bench/omr-corpus.ts (full).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { GrayImage } from '../../src/scans/domain/gray-image.js';
import { readPage, sheetFrame, type PageReading, type SheetFrame } from '../../src/scans/domain/read-page.js';
import { readQrAt } from '../../src/scans/qr-reader.js';
import { fitHomography } from '../../src/scans/domain/align.js';
import {
  buildSheetLayout,
  QR_MODULE_PT,
  type Box,
  type Circle,
  type LayoutItem,
  type PageLayout,
  type PaperSize,
  type SheetLayout,
} from '../../src/sheets/domain/layout.js';
import { readPgm } from './pgm.js';
import { mulberry32 } from './synthetic/synthetic-scan.js';
import { SheetPdf } from '../../src/sheets/sheet-pdf.js';

export const CORPUS_PAPER_ID = 4242;
export const CORPUS_EXAM_ID = 1;

/**
 * 20 single choices (A–D), 4 multiple choices (A–E), 2 true/false, one answer box: objective block and exam number on
 * page 1 (and the barcode sticker area, with `barcodeArea`).
 */
export function corpusLayout(paperSize: PaperSize = 'A4', barcodeArea = false): SheetLayout {
  const items: LayoutItem[] = [
    ...Array.from({ length: 20 }, (_, n) => ({
      id: 100 + n,
      label: String(n + 1),
      type: 'single_choice' as const,
      maxScore: 3,
      optionCount: 4,
      boxHeightMm: 0,
    })),
    ...Array.from({ length: 4 }, (_, n) => ({
      id: 120 + n,
      label: String(21 + n),
      type: 'multiple_choice' as const,
      maxScore: 5,
      optionCount: 5,
      boxHeightMm: 0,
    })),
    ...Array.from({ length: 2 }, (_, n) => ({
      id: 124 + n,
      label: String(25 + n),
      type: 'true_false' as const,
      maxScore: 2,
      optionCount: 2,
      boxHeightMm: 0,
    })),
    { id: 130, label: '27', type: 'subjective', maxScore: 12, optionCount: 0, boxHeightMm: 60 },
  ];
  return buildSheetLayout({
    paperSize,
    examId: CORPUS_EXAM_ID,
    paperId: CORPUS_PAPER_ID,
    title: '七年级数学',
    subject: '数学',
    examNoDigits: 8,
    items,
    barcodeArea,
  });
}

/** Page 1 of the printed sheet at each dpi, as grey pixels (pdftoppm -gray). */
export async function rasterisePage1(layout: SheetLayout, dpis: number[]): Promise<Map<number, GrayImage>> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-omr-corpus-'));
  try {
    const pdf = join(dir, 'sheet.pdf');
    writeFileSync(pdf, await new SheetPdf().render(layout));
    const out = new Map<number, GrayImage>();
    for (const dpi of dpis) {
      execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', '1', '-l', '1', pdf, join(dir, `p${dpi}`)]);
      const file = readdirPgm(dir, `p${dpi}`);
      out.set(dpi, readPgm(readFileSync(file)));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readdirPgm(dir: string, prefix: string): string {
  // pdftoppm names the page p<dpi>-1.pgm (zero-padded when the document has more pages)
  const hit = ['-1.pgm', '-01.pgm', '-001.pgm'].map((sfx) => join(dir, prefix + sfx)).find((f) => existsSync(f));
  if (!hit) throw new Error(`pdftoppm wrote no page for ${prefix}`);
  return hit;
}

// ───────────────────────── marks ─────────────────────────

export type MarkStyle = 'fill' | 'faint' | 'tick' | 'cross' | 'erased' | 'half' | 'light';
/**
 * Marks that count as "marked"; 'erased' counts as empty; 'half' is ambiguous by construction, and so is 'light' (a
 * light fill, fill 0.11–0.24 as grey paper or a faded scan gives it, drawn alone on its item): a person decides.
 */
export const MARKED_STYLES: MarkStyle[] = ['fill', 'faint', 'tick', 'cross'];

export interface SheetTruth {
  examNo: string;
  /** Column index of a digit drawn as a half fill (ambiguous by construction), or null. */
  ambiguousDigit: number | null;
  /** Per item: style per option ('' = untouched). */
  items: { itemId: number; options: string[]; styles: (MarkStyle | '')[] }[];
}

/** Pencil darkens what is under it: out = under × (1 − cover·(1 − ink/255)), cover by 4×4 supersampling. */
function paintShape(
  img: GrayImage,
  k: number,
  bbox: [number, number, number, number],
  inside: (x: number, y: number) => boolean,
  ink: () => number,
) {
  const [bx0, by0, bx1, by1] = bbox;
  const i0 = Math.max(0, Math.floor(bx0 * k));
  const j0 = Math.max(0, Math.floor(by0 * k));
  const i1 = Math.min(img.width, Math.ceil(bx1 * k));
  const j1 = Math.min(img.height, Math.ceil(by1 * k));
  for (let j = j0; j < j1; j++) {
    for (let i = i0; i < i1; i++) {
      let cover = 0;
      for (let sj = 0; sj < 4; sj++)
        for (let si = 0; si < 4; si++) if (inside((i + (si + 0.5) / 4) / k, (j + (sj + 0.5) / 4) / k)) cover++;
      if (!cover) continue;
      const c = cover / 16;
      const o = j * img.width + i;
      img.data[o] = Math.round(img.data[o] * (1 - c * (1 - ink() / 255)));
    }
  }
}

function segDist(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** Draws one mark on a bubble (sheet points, k px/pt). */
export function drawMark(img: GrayImage, k: number, b: Circle, style: MarkStyle, rng: () => number) {
  const { cx, cy, r } = b;
  const box: [number, number, number, number] = [cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1];
  const pencil = (level: number, spread: number) => () => level + (rng() - 0.5) * 2 * spread;
  const jx = (rng() - 0.5) * 0.6;
  const jy = (rng() - 0.5) * 0.6;
  const fr = r * (0.82 + rng() * 0.12);
  if (style === 'fill')
    paintShape(img, k, box, (x, y) => (x - cx - jx) ** 2 + (y - cy - jy) ** 2 <= fr * fr, pencil(45 + rng() * 30, 18));
  else if (style === 'faint')
    paintShape(img, k, box, (x, y) => (x - cx - jx) ** 2 + (y - cy - jy) ** 2 <= fr * fr, pencil(112 + rng() * 10, 12));
  else if (style === 'light')
    paintShape(img, k, box, (x, y) => (x - cx - jx) ** 2 + (y - cy - jy) ** 2 <= fr * fr, pencil(196 + rng() * 26, 8));
  else if (style === 'erased')
    paintShape(img, k, box, (x, y) => (x - cx - jx) ** 2 + (y - cy - jy) ** 2 <= fr * fr, pencil(212 + rng() * 14, 10));
  else if (style === 'half') {
    // exactly half the bubble, solidly: neither a mark nor not a mark
    const a = rng() * Math.PI * 2;
    const [ux, uy] = [Math.cos(a), Math.sin(a)];
    paintShape(
      img,
      k,
      box,
      (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= fr * fr && (x - cx) * ux + (y - cy) * uy < 0,
      pencil(55, 15),
    );
  } else if (style === 'tick') {
    const w = 0.55 + rng() * 0.15;
    const p = [
      cx - 0.6 * r + jx,
      cy - 0.05 * r + jy,
      cx - 0.15 * r + jx,
      cy + 0.55 * r + jy,
      cx + 0.75 * r + jx,
      cy - 0.7 * r + jy,
    ];
    paintShape(
      img,
      k,
      box,
      (x, y) => segDist(x, y, p[0], p[1], p[2], p[3]) <= w || segDist(x, y, p[2], p[3], p[4], p[5]) <= w,
      pencil(55, 15),
    );
  } else {
    const w = 0.5 + rng() * 0.15;
    const d = 0.6 * r;
    paintShape(
      img,
      k,
      box,
      (x, y) =>
        segDist(x, y, cx - d + jx, cy - d + jy, cx + d + jx, cy + d + jy) <= w ||
        segDist(x, y, cx - d + jx, cy + d + jy, cx + d + jx, cy - d + jy) <= w,
      pencil(55, 15),
    );
  }
}

/**
 * Spoils the QR code as correction fluid or a torn corner would: its three finder patterns whited out, and a pencil
 * stroke across it. No QR reader finds the symbol then: the page must be read by its bubble page code. (Dark blots
 * were not enough: at 300 dpi jsQR still found a finder pattern under grey ink on one page in 48.)
 */
export function damageQr(img: GrayImage, k: number, box: Box, rng: () => number) {
  const m = QR_MODULE_PT;
  for (const [fx, fy] of [
    [box.x, box.y],
    [box.x + box.w - 8 * m, box.y],
    [box.x, box.y + box.h - 8 * m],
  ]) {
    const i0 = Math.max(0, Math.floor((fx - 0.5 * m) * k));
    const j0 = Math.max(0, Math.floor((fy - 0.5 * m) * k));
    const i1 = Math.min(img.width, Math.ceil((fx + 8.5 * m) * k));
    const j1 = Math.min(img.height, Math.ceil((fy + 8.5 * m) * k));
    for (let j = j0; j < j1; j++) img.data.fill(235 + Math.floor(rng() * 10), j * img.width + i0, j * img.width + i1);
  }
  const y0 = box.y + box.h * (0.3 + 0.4 * rng());
  paintShape(
    img,
    k,
    [box.x - 4, y0 - 6, box.x + box.w + 4, y0 + 6],
    (x, y) => segDist(x, y, box.x - 3, y0 - 4, box.x + box.w + 3, y0 + 4) <= 0.7,
    () => 70,
  );
}

export interface MarkMix {
  /** Relative weights of the style of a chosen option. */
  marked: Partial<Record<'fill' | 'faint' | 'tick' | 'cross', number>>;
  /** Chance that an untouched option carries erasure residue. */
  erased: number;
  /** Chance that an item (or an exam-number column, a fifth of that) is a half fill, ambiguous by construction. */
  half: number;
  /** Chance that an item holds one light fill and nothing else (a lone faint mark, for review); none when absent. */
  loneLight?: number;
}

export const STANDARD_MIX: MarkMix = {
  marked: { fill: 0.55, faint: 0.15, tick: 0.15, cross: 0.15 },
  erased: 0.06,
  half: 0.04,
};

function pickStyle(mix: MarkMix, rng: () => number): MarkStyle {
  const entries = Object.entries(mix.marked) as [MarkStyle, number][];
  let u = rng() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [s, w] of entries) if ((u -= w) <= 0) return s;
  return entries[0][0];
}

/** Fills page 1 of a sheet: random exam number and answers, drawn in the mix's styles. */
export function fillSheet(
  clean: GrayImage,
  page: PageLayout,
  dpi: number,
  mix: MarkMix,
  rng: () => number,
): { image: GrayImage; truth: SheetTruth } {
  const img: GrayImage = { width: clean.width, height: clean.height, data: clean.data.slice() };
  const k = dpi / 72;
  let examNo = '';
  let ambiguousDigit: number | null = null;
  (page.examNo ?? []).forEach((col, d) => {
    const v = Math.floor(rng() * 10);
    examNo += String(v);
    if (ambiguousDigit === null && rng() < mix.half / 5) {
      ambiguousDigit = d;
      drawMark(img, k, col[v], 'half', rng);
    } else {
      drawMark(img, k, col[v], rng() < 0.8 ? 'fill' : 'faint', rng);
      // an erased earlier choice in the same column
      if (rng() < mix.erased) drawMark(img, k, col[(v + 1 + Math.floor(rng() * 9)) % 10], 'erased', rng);
    }
  });
  const items = page.objective.map((block) => {
    const n = block.options.length;
    const styles: (MarkStyle | '')[] = block.options.map(() => '');
    if (rng() < mix.half) {
      styles[Math.floor(rng() * n)] = 'half';
    } else if (mix.loneLight && rng() < mix.loneLight) {
      // (no random draw without loneLight, so the standard corpus keeps its sheets)
      styles[Math.floor(rng() * n)] = 'light';
    } else {
      const u = rng();
      const count = u < 0.08 ? 0 : u < 0.85 || n === 2 ? 1 : 2 + Math.floor(rng() * (n - 2));
      const order = block.options.map((_, o) => o).sort(() => rng() - 0.5);
      for (let m = 0; m < count; m++) styles[order[m]] = pickStyle(mix, rng);
      for (let o = 0; o < n; o++) if (styles[o] === '' && rng() < mix.erased) styles[o] = 'erased';
    }
    styles.forEach((s, o) => s && drawMark(img, k, block.bubbles[o], s, rng));
    return { itemId: block.itemId, options: block.options, styles };
  });
  return { image: img, truth: { examNo, ambiguousDigit, items } };
}

// ───────────────────────── distortions ─────────────────────────

export interface Distortion {
  name: string;
  rotateDeg?: number;
  scale?: number;
  shift?: [number, number];
  turn180?: boolean;
  noise?: number;
  blur?: number;
  jpeg?: number;
  /** Corner displacement as a fraction of the image size (keystone). */
  perspective?: number;
  /**
   * A true projective keystone (a flat sheet imaged tilted, as a camera or a lifted lid does): the top corners moved in
   * by this fraction of the width each. `perspective` above is a row-wise squeeze that no flat sheet produces (its
   * vertical change is a quarter of a projection's); it is kept as the standard corpus has always had it.
   */
  keystone?: number;
  /** The QR code spoilt before scanning (see damageQr): the bubble page code must take over. */
  qrDamaged?: boolean;
}

export function conditions(rng: () => number): Distortion[] {
  const sign = () => (rng() < 0.5 ? -1 : 1);
  return [
    { name: '无变形 clean' },
    { name: '旋转 ±3° rotate', rotateDeg: sign() * (1 + rng() * 2) },
    { name: '旋转 ±10° rotate', rotateDeg: sign() * (8 + rng() * 2) },
    { name: '缩放 scale', scale: 0.97 + rng() * 0.06 },
    { name: '平移 shift', shift: [Math.round(sign() * (10 + rng() * 30)), Math.round(sign() * (10 + rng() * 30))] },
    { name: '倒置 180°', turn180: true, rotateDeg: sign() * rng() * 2 },
    { name: '噪声 noise', noise: 14 },
    { name: '模糊 blur', blur: 1.2 },
    { name: 'JPEG q50', jpeg: 50 },
    { name: '透视 perspective', perspective: 0.004 },
    {
      name: '综合 combined',
      rotateDeg: sign() * (2 + rng() * 6),
      scale: 0.97 + rng() * 0.06,
      shift: [Math.round(sign() * rng() * 25), Math.round(sign() * rng() * 25)],
      noise: 8,
      blur: 0.8,
      jpeg: 50,
    },
    { name: '二维码污损 QR spoilt', qrDamaged: true, rotateDeg: sign() * rng() * 3, noise: 8 },
  ];
}

const raw = (img: GrayImage) =>
  sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 1 },
  });

async function toGray(s: Sharp): Promise<GrayImage> {
  const { data, info } = await s.greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The grey at (u, v) of `img`, bilinear between the four pixels around it; `paper` outside the image. */
function bilinear(img: GrayImage, u: number, v: number, paper: number): number {
  const { width: w, height: h } = img;
  const x = Math.floor(u);
  const y = Math.floor(v);
  if (x < 0 || y < 0 || x + 1 >= w || y + 1 >= h) return paper;
  const fx = u - x;
  const fy = v - y;
  const o = y * w + x;
  const top = img.data[o] * (1 - fx) + img.data[o + 1] * fx;
  const bot = img.data[o + w] * (1 - fx) + img.data[o + w + 1] * fx;
  return Math.round(top * (1 - fy) + bot * fy);
}

/** A keystone warp: the top edge narrower by `f` of the width on each side (bilinear; outside is paper). */
function perspective(img: GrayImage, f: number, paper: number): GrayImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    const t = 1 - j / h; // 1 at the top, 0 at the bottom
    const squeeze = 1 - 2 * f * t;
    const v = j * (1 + f * 0.5 * t);
    for (let i = 0; i < w; i++) {
      const u = w / 2 + (i - w / 2) / squeeze;
      out[j * w + i] = bilinear(img, u, v, paper);
    }
  }
  return { width: w, height: h, data: out };
}

/** A projective keystone: the image's top corners moved in by `f` of the width each, bilinear, outside is paper. */
function keystone(img: GrayImage, f: number, paper: number): GrayImage {
  const { width: w, height: h } = img;
  const corners = [
    { x: 0, y: 0 },
    { x: w, y: 0 },
    { x: 0, y: h },
    { x: w, y: h },
  ];
  const moved = [{ x: f * w, y: 0 }, { x: w - f * w, y: 0 }, corners[2], corners[3]];
  // output position → input position
  const m = fitHomography(moved, corners).homography;
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const X = i + 0.5;
      const Y = j + 0.5;
      const d = m[6] * X + m[7] * Y + m[8];
      const u = (m[0] * X + m[1] * Y + m[2]) / d - 0.5;
      const v = (m[3] * X + m[4] * Y + m[5]) / d - 0.5;
      out[j * w + i] = bilinear(img, u, v, paper);
    }
  }
  return { width: w, height: h, data: out };
}

let normals: Float64Array | null = null;
/** 64 Ki standard normal deviates (Box-Muller, fixed seed), drawn from at random per pixel: fast Gaussian grain. */
function normalTable(): Float64Array {
  if (normals) return normals;
  const rng = mulberry32(12345);
  normals = new Float64Array(65536);
  for (let n = 0; n < normals.length; n++)
    normals[n] = Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  return normals;
}

/**
 * Scanner-like distortions, in the order a scan suffers them: page placement (scale, rotation on the platen — the
 * whole sheet stays in the picture —, shift, upside-down), optics (perspective, blur), sensor noise, JPEG.
 */
export async function distort(img: GrayImage, d: Distortion, rng: () => number): Promise<GrayImage> {
  const paper = 248;
  let cur = img;
  if (d.scale && d.scale !== 1) {
    const w = Math.round(cur.width * d.scale);
    const h = Math.round(cur.height * d.scale);
    const scaled = await toGray(raw(cur).resize(w, h, { kernel: 'linear' }));
    cur = await toGray(
      d.scale > 1
        ? raw(scaled).extract({
            left: Math.floor((w - cur.width) / 2),
            top: Math.floor((h - cur.height) / 2),
            width: cur.width,
            height: cur.height,
          })
        : raw(scaled).extend({
            left: Math.floor((cur.width - w) / 2),
            right: Math.ceil((cur.width - w) / 2),
            top: Math.floor((cur.height - h) / 2),
            bottom: Math.ceil((cur.height - h) / 2),
            background: { r: paper, g: paper, b: paper },
          }),
    );
  }
  if (d.rotateDeg) cur = await toGray(raw(cur).rotate(d.rotateDeg, { background: { r: paper, g: paper, b: paper } }));
  if (d.shift) {
    const [dx, dy] = d.shift;
    const bg = { r: paper, g: paper, b: paper };
    const ext = await toGray(
      raw(cur).extend({
        left: Math.max(dx, 0),
        right: Math.max(-dx, 0),
        top: Math.max(dy, 0),
        bottom: Math.max(-dy, 0),
        background: bg,
      }),
    );
    cur = await toGray(
      raw(ext).extract({ left: Math.max(-dx, 0), top: Math.max(-dy, 0), width: cur.width, height: cur.height }),
    );
  }
  if (d.turn180) cur = await toGray(raw(cur).rotate(180));
  if (d.perspective) cur = perspective(cur, d.perspective, paper);
  if (d.keystone) cur = keystone(cur, d.keystone, paper);
  if (d.blur) cur = await toGray(raw(cur).blur(d.blur));
  if (d.noise) {
    const normals = normalTable();
    const data = cur.data.slice();
    for (let n = 0; n < data.length; n++) {
      const v = Math.round(data[n] + normals[(rng() * normals.length) | 0] * d.noise);
      data[n] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    cur = { ...cur, data };
  }
  if (d.jpeg) cur = await toGray(sharp(await raw(cur).jpeg({ quality: d.jpeg }).toBuffer()));
  return cur;
}

// ───────────────────────── scoring ─────────────────────────

export interface ConditionTally {
  condition: string;
  dpi: number;
  pages: number;
  pageExceptions: number;
  /** Bubbles not ambiguous by construction, on pages read. */
  bubbles: number;
  correct: number;
  wrong: number;
  /** Non-ambiguous bubbles whose item went to review. */
  reviewed: number;
  ambiguousItems: number;
  ambiguousReviewed: number;
  /**
   * Items whose only pencil is faint and alone (a light fill, or an erasure residue with nothing beside it): no pixel
   * tells one from the other, so they go to review; a light fill decided silently counts as wrong.
   */
  loneFaintItems: number;
  loneFaintReviewed: number;
  examNoRead: number;
  examNoWrong: number;
  examNoException: number;
  ambiguousExamNo: number;
  ambiguousExamNoCaught: number;
  /** Pages read (not an exception) identified by their QR code, and those identified by the code we did not expect. */
  qrRead: number;
  codeSourceWrong: number;
  wrongDetails: string[];
  /** Why non-ambiguous items went to review (style and measures), for tuning. */
  reviewDetails: string[];
}

export function emptyTally(condition: string, dpi: number): ConditionTally {
  return {
    condition,
    dpi,
    pages: 0,
    pageExceptions: 0,
    bubbles: 0,
    correct: 0,
    wrong: 0,
    reviewed: 0,
    ambiguousItems: 0,
    ambiguousReviewed: 0,
    loneFaintItems: 0,
    loneFaintReviewed: 0,
    examNoRead: 0,
    examNoWrong: 0,
    examNoException: 0,
    ambiguousExamNo: 0,
    ambiguousExamNoCaught: 0,
    qrRead: 0,
    codeSourceWrong: 0,
    wrongDetails: [],
    reviewDetails: [],
  };
}

export function corpusFrame(layout: SheetLayout): SheetFrame {
  return sheetFrame(layout);
}

/** Reads a page as ingestion does (QR code first, bubble page code as fallback) and scores it; `expectQr`: the QR is intact. */
export function readAndScore(
  img: GrayImage,
  layout: SheetLayout,
  truth: SheetTruth,
  t: ConditionTally,
  expectQr = true,
): PageReading {
  const reading = readPage(
    img,
    corpusFrame(layout),
    (paperId, pageNo) => (paperId === layout.paperId ? (layout.pages.find((p) => p.pageNo === pageNo) ?? null) : null),
    { readQr: readQrAt, examId: CORPUS_EXAM_ID },
  );
  t.pages++;
  if (truth.ambiguousDigit !== null) t.ambiguousExamNo++;
  if (!reading.ok) {
    if (reading.code.startsWith('EXAMNO_')) {
      t.examNoException++;
      if (truth.ambiguousDigit !== null) t.ambiguousExamNoCaught++;
      else t.wrongDetails.push(`exam number ${truth.examNo} → exception ${reading.code} (${reading.examNoPartial})`);
    } else {
      t.pageExceptions++;
      t.wrongDetails.push(`page exception ${reading.code}: ${reading.reason}`);
    }
    return reading;
  }
  t.examNoRead++;
  if (reading.pageCodeSource === 'qr') t.qrRead++;
  if ((reading.pageCodeSource === 'qr') !== expectQr) {
    t.codeSourceWrong++;
    t.wrongDetails.push(`page identified by ${reading.pageCodeSource}, expected ${expectQr ? 'qr' : 'bubbles'}`);
  }
  if (reading.examNo?.examNo !== truth.examNo || truth.ambiguousDigit !== null) {
    t.examNoWrong++;
    t.wrongDetails.push(
      `exam number read ${reading.examNo?.examNo} for ${truth.examNo}${truth.ambiguousDigit !== null ? ` (column ${truth.ambiguousDigit + 1} ambiguous)` : ''}`,
    );
  }
  const byItem = new Map(reading.choices.map((c) => [c.itemId, c]));
  for (const item of truth.items) {
    const r = byItem.get(item.itemId)!;
    if (item.styles.includes('half')) {
      const o = item.styles.indexOf('half');
      noteRange('half', r.fills[o], r.inks[o], r.cores[o]);
      t.ambiguousItems++;
      if (r.needsReview) t.ambiguousReviewed++;
      else
        t.wrongDetails.push(
          `item ${item.itemId} half fill decided as "${r.marked}" (fills ${r.fills.join(',')}, inks ${r.inks.join(',')}, cores ${r.cores.join(',')})`,
        );
      continue;
    }
    const pencil = item.styles.filter((x) => x !== '');
    if (pencil.length && pencil.every((x) => x === 'light' || x === 'erased')) {
      item.styles.forEach((x, o) => x && noteRange(x, r.fills[o], r.inks[o], r.cores[o]));
      t.loneFaintItems++;
      if (r.needsReview) t.loneFaintReviewed++;
      else if (pencil.includes('light')) {
        t.wrong++;
        t.wrongDetails.push(
          `item ${item.itemId} lone light fill decided as "${r.marked}" (fills ${r.fills.join(',')}, inks ${r.inks.join(',')})`,
        );
      }
      continue;
    }
    if (r.needsReview)
      t.reviewDetails.push(
        `item ${item.itemId} [${item.styles.map((x) => x || '-').join(',')}] fills ${r.fills.join(',')} inks ${r.inks.join(',')} cores ${r.cores.join(',')} conf ${r.confidence}`,
      );
    item.options.forEach((opt, o) => {
      noteRange(item.styles[o] || 'empty', r.fills[o], r.inks[o], r.cores[o]);
      t.bubbles++;
      if (r.needsReview) {
        t.reviewed++;
        return;
      }
      const expected = MARKED_STYLES.includes(item.styles[o] as MarkStyle);
      if (r.marked.includes(opt) === expected) t.correct++;
      else {
        t.wrong++;
        t.wrongDetails.push(
          `item ${item.itemId} option ${opt} (${item.styles[o] || 'empty'}) read ${expected ? 'empty' : 'marked'}: fill ${r.fills[o]} ink ${r.inks[o]} core ${r.cores[o]}`,
        );
      }
    });
  }
  return reading;
}

/** Per mark style: the range of the measures seen (fill, ink, core), to show the margins to the thresholds. */
export const STYLE_RANGES = new Map<
  string,
  { n: number; fill: [number, number]; ink: [number, number]; core: [number, number] }
>();
function noteRange(style: string, fill: number, ink: number, core: number) {
  const r = STYLE_RANGES.get(style) ?? { n: 0, fill: [1, 0], ink: [1, 0], core: [1, 0] };
  r.n++;
  r.fill = [Math.min(r.fill[0], fill), Math.max(r.fill[1], fill)];
  r.ink = [Math.min(r.ink[0], ink), Math.max(r.ink[1], ink)];
  r.core = [Math.min(r.core[0], core), Math.max(r.core[1], core)];
  STYLE_RANGES.set(style, r);
}
export function formatRanges(): string {
  return [...STYLE_RANGES.entries()]
    .map(
      ([s, r]) =>
        `${s.padEnd(6)} n=${String(r.n).padEnd(6)} fill ${r.fill.join('–')}  ink ${r.ink.join('–')}  core ${r.core.join('–')}`,
    )
    .join('\n');
}

export function formatTable(rows: ConditionTally[]): string {
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) + '%' : '—');
  const head = [
    'condition',
    'dpi',
    'pages',
    'page exc.',
    'via QR',
    'bubbles',
    'accuracy',
    'wrong',
    'to review',
    'ambig. items→review',
    'lone faint→review',
    'exam no. read/wrong/exc.',
    'ambig. exam no.→exc.',
  ];
  const lines = rows.map((r) => [
    r.condition,
    String(r.dpi),
    String(r.pages),
    String(r.pageExceptions),
    String(r.qrRead),
    String(r.bubbles),
    pct(r.correct, r.bubbles),
    String(r.wrong),
    String(r.reviewed),
    `${r.ambiguousReviewed}/${r.ambiguousItems}`,
    `${r.loneFaintReviewed}/${r.loneFaintItems}`,
    `${r.examNoRead}/${r.examNoWrong}/${r.examNoException}`,
    `${r.ambiguousExamNoCaught}/${r.ambiguousExamNo}`,
  ]);
  const total = rows.reduce(
    (s, r) => {
      for (const k of [
        'pages',
        'pageExceptions',
        'qrRead',
        'codeSourceWrong',
        'bubbles',
        'correct',
        'wrong',
        'reviewed',
        'ambiguousItems',
        'ambiguousReviewed',
        'loneFaintItems',
        'loneFaintReviewed',
        'examNoRead',
        'examNoWrong',
        'examNoException',
        'ambiguousExamNo',
        'ambiguousExamNoCaught',
      ] as const)
        s[k] += r[k];
      return s;
    },
    emptyTally('TOTAL', 0),
  );
  lines.push([
    'TOTAL',
    '',
    String(total.pages),
    String(total.pageExceptions),
    String(total.qrRead),
    String(total.bubbles),
    pct(total.correct, total.bubbles),
    String(total.wrong),
    String(total.reviewed),
    `${total.ambiguousReviewed}/${total.ambiguousItems}`,
    `${total.loneFaintReviewed}/${total.loneFaintItems}`,
    `${total.examNoRead}/${total.examNoWrong}/${total.examNoException}`,
    `${total.ambiguousExamNoCaught}/${total.ambiguousExamNo}`,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (l: string[]) => l.map((v, c) => v.padEnd(widths[c])).join(' | ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(fmt)].join('\n');
}

/**
 * Keystones stronger than the standard corpus's (where the affine fit of the fiducials leaves pixels of error at the
 * corners and a half fill could read as its letter), alone and with the placement and optics of a real scan.
 */
export function perspectiveConditions(rng: () => number): Distortion[] {
  const sign = () => (rng() < 0.5 ? -1 : 1);
  return [
    { name: '透视 0.8% keystone', keystone: 0.008 },
    { name: '透视 1.2% keystone', keystone: 0.012 },
    {
      name: '透视 1% + 旋转 keystone+rotate',
      keystone: 0.01,
      rotateDeg: sign() * (1 + rng() * 3),
      noise: 6,
      blur: 0.6,
      jpeg: 60,
    },
  ];
}

/** Lone light fills and half fills, far more often than in STANDARD_MIX: the cases that only a person may decide. */
export const FAINT_MIX: MarkMix = { ...STANDARD_MIX, half: 0.12, loneLight: 0.12 };

/** Conditions an A3 sheet is put through too (the rest test the reader, not the paper size). */
export const A3_CONDITIONS = ['无变形 clean', '旋转 ±3° rotate', '倒置 180°', '综合 combined', '二维码污损 QR spoilt'];

/**
 * Runs the corpus: for each paper size, dpi and condition, `sheets` filled sheets. A4 goes through every condition,
 * A3 (landscape, two columns) through A3_CONDITIONS; condition names of A3 rows start with "A3 ".
 */
export async function runCorpus(opts: {
  dpis: number[];
  sheets: number;
  seed: number;
  mix?: MarkMix;
  sizes?: PaperSize[];
  only?: (condition: string, dpi: number) => boolean;
  /** The conditions each sheet goes through (default: `conditions`). */
  conditionsOf?: (rng: () => number) => Distortion[];
}): Promise<ConditionTally[]> {
  const conditionsOf = opts.conditionsOf ?? conditions;
  const rows: ConditionTally[] = [];
  for (const size of opts.sizes ?? ['A4', 'A3']) {
    const layout = corpusLayout(size);
    const page1 = layout.pages[0];
    const rasters = await rasterisePage1(layout, opts.dpis);
    const label = (c: string) => (size === 'A4' ? c : `A3 ${c}`);
    for (const dpi of opts.dpis) {
      // A4 keeps the random stream it always had; A3 gets its own
      const rng = mulberry32(opts.seed * 1000 + dpi + (size === 'A4' ? 0 : 500));
      const clean = rasters.get(dpi)!;
      const conds = conditionsOf(rng).filter((c) => size === 'A4' || A3_CONDITIONS.includes(c.name));
      const tallies = conds.map((c) => emptyTally(label(c.name), dpi));
      for (let s = 0; s < opts.sheets; s++) {
        // fresh random parameters per sheet, same condition kinds
        const perSheet = conditionsOf(rng).filter((c) => size === 'A4' || A3_CONDITIONS.includes(c.name));
        for (let c = 0; c < perSheet.length; c++) {
          // the marks are drawn (and the random stream used) either way, so a sample reads the same sheets as the full run
          const { image, truth } = fillSheet(clean, page1, dpi, opts.mix ?? STANDARD_MIX, rng);
          if (opts.only && !opts.only(label(perSheet[c].name), dpi)) continue;
          if (perSheet[c].qrDamaged) damageQr(image, dpi / 72, page1.qr!, rng);
          const scanned = await distort(image, perSheet[c], rng);
          readAndScore(scanned, layout, truth, tallies[c], !perSheet[c].qrDamaged);
        }
      }
      rows.push(...tallies.filter((t) => t.pages > 0));
    }
  }
  return rows;
}
