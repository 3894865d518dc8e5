// Synthetic scans of filled answer sheets, for the demo, tests and benchmarks. Pure: plain pixels in, plain pixels out.
//
// Pixel convention (shared with the reader): a layout point (x, y) lands at the continuous pixel coordinate
// (x·dpi/72, y·dpi/72) before distortion; pixel (i, j) covers [i, i+1) × [j, j+1), so its centre is (i+0.5, j+0.5).
import { A4, MM, type Box, type SheetLayout } from '../../../src/sheets/domain/layout.js';

type PageSize = { width: number; height: number };

// Module-scope aliases: global lookups are slow inside a vm context (Jest), and these sit in per-pixel loops.
const { PI, abs, atan2, ceil, cos, floor, hypot, imul, log, max, min, round, sin, sqrt } = Math;

/** 8-bit grey image, row-major, 0 = black. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}
/** How the scanner moved the page: rotation about the page centre, then scale, then shift; noise = SD of grey noise in levels. */
export interface ScanDistortion {
  rotationDeg: number;
  shiftXPx: number;
  shiftYPx: number;
  scale: number;
  noise: number;
}
/** What a student wrote, by item id. choices: '' = blank, 'B', 'AC'; subjective: the score the tally shows. */
export interface SyntheticSheetAnswers {
  examNo: string;
  choices: Record<number, string>;
  subjective: Record<number, number>;
}

export const NO_DISTORTION: ScanDistortion = { rotationDeg: 0, shiftXPx: 0, shiftYPx: 0, scale: 1, noise: 0 };

/** Small, fast, seedable PRNG (Tommy Ettinger's mulberry32); returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A "slight" scanner distortion: by default ±1.5°, ±25 px, scale 0.99–1.01, noise SD 8. */
export function randomDistortion(
  rng: () => number,
  max: { rotationDeg?: number; shiftPx?: number; scale?: number; noise?: number } = {},
): ScanDistortion {
  const rot = max.rotationDeg ?? 1.5;
  const shift = max.shiftPx ?? 25;
  const scale = max.scale ?? 0.01;
  const sym = (m: number) => (rng() * 2 - 1) * m;
  return {
    rotationDeg: sym(rot),
    shiftXPx: sym(shift),
    shiftYPx: sym(shift),
    scale: 1 + sym(scale),
    noise: max.noise ?? 8,
  };
}

/** Where a page point lands in the synthetic image (continuous pixel coordinates), for tests that check positions. */
export function pagePointToPixel(
  x: number,
  y: number,
  dpi: number,
  d: ScanDistortion,
  page: PageSize = A4,
): { x: number; y: number } {
  const k = dpi / 72;
  const cx = (page.width * k) / 2;
  const cy = (page.height * k) / 2;
  const th = (d.rotationDeg * PI) / 180;
  const px = x * k - cx;
  const py = y * k - cy;
  return {
    x: cx + d.scale * (cos(th) * px - sin(th) * py) + d.shiftXPx,
    y: cy + d.scale * (sin(th) * px + cos(th) * py) + d.shiftYPx,
  };
}

/** A rectangle of an image (clipped to it), as a new image. */
export function cropGray(img: GrayImage, x: number, y: number, w: number, h: number): GrayImage {
  const x0 = max(0, floor(x));
  const y0 = max(0, floor(y));
  const x1 = min(img.width, ceil(x + w));
  const y1 = min(img.height, ceil(y + h));
  const out = new Uint8Array(max(0, x1 - x0) * max(0, y1 - y0));
  for (let j = y0; j < y1; j++)
    out.set(img.data.subarray(j * img.width + x0, j * img.width + x1), (j - y0) * (x1 - x0));
  return { width: max(0, x1 - x0), height: max(0, y1 - y0), data: out };
}

// --- tally geometry (shared with the tally reader's expectations) ---

export const TALLY = { side: 4 * MM, gap: 2 * MM, inset: 5 * MM };

/** Squares of the machine-readable score tally in a subjective box: rows from 5 mm inside the top-left, wrapping before the right edge. */
export function tallySquares(box: Box, count: number): Box[] {
  const pitch = TALLY.side + TALLY.gap;
  const perRow = max(1, floor((box.w - 2 * TALLY.inset + TALLY.gap) / pitch));
  const out: Box[] = [];
  for (let k = 0; k < count; k++) {
    const row = floor(k / perRow);
    const col = k % perRow;
    out.push({
      x: box.x + TALLY.inset + col * pitch,
      y: box.y + TALLY.inset + row * pitch,
      w: TALLY.side,
      h: TALLY.side,
    });
  }
  return out;
}

// --- a tiny 5×7 bitmap font for the light-grey letters printed inside bubbles (as the PDF prints them) ---

const GLYPHS: Record<string, string[]> = {
  A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  C: ['01110', '10001', '10000', '10000', '10000', '10001', '01110'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  F: ['11111', '10000', '10000', '11110', '10000', '10000', '10000'],
  G: ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
  H: ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
};

// Grey levels (before noise) of what is printed and what is written.
const PAPER = 240;
const PRINT_RING = 135;
const PRINT_LETTER = 190;
const PRINT_LINE = 110;
const BLACK = 12;
const TALLY_INK = 35;

/** Signed distance (in the shape's units) of a point; negative inside. */
type Sdf = (x: number, y: number) => number;

class Canvas {
  readonly w: number;
  readonly h: number;
  readonly buf: Float32Array;
  private readonly k: number; // pixels per point on the undistorted page
  private readonly cos: number;
  private readonly sin: number;
  private readonly s: number;
  private readonly cx: number;
  private readonly cy: number;
  private readonly tx: number;
  private readonly ty: number;

  constructor(dpi: number, d: ScanDistortion, page: PageSize) {
    this.k = dpi / 72;
    this.w = round(page.width * this.k);
    this.h = round(page.height * this.k);
    this.buf = new Float32Array(this.w * this.h).fill(PAPER);
    const th = (d.rotationDeg * PI) / 180;
    this.cos = cos(th);
    this.sin = sin(th);
    this.s = d.scale;
    this.cx = (page.width * this.k) / 2;
    this.cy = (page.height * this.k) / 2;
    this.tx = d.shiftXPx;
    this.ty = d.shiftYPx;
  }

  /** Page point → image pixel coordinate. */
  forward(x: number, y: number): [number, number] {
    const px = x * this.k - this.cx;
    const py = y * this.k - this.cy;
    return [
      this.cx + this.s * (this.cos * px - this.sin * py) + this.tx,
      this.cy + this.s * (this.sin * px + this.cos * py) + this.ty,
    ];
  }

  /**
   * Blends `ink` into every pixel the shape covers. The shape is given by its bounding box in page points and a
   * signed distance in points; coverage is anti-aliased over one pixel. `shade` may vary the ink per pixel.
   */
  draw(
    bx0: number,
    by0: number,
    bx1: number,
    by1: number,
    sdf: Sdf,
    ink: number,
    shade?: (x: number, y: number) => number,
  ): void {
    const pad = 2 / this.k;
    const corners = [
      this.forward(bx0 - pad, by0 - pad),
      this.forward(bx1 + pad, by0 - pad),
      this.forward(bx0 - pad, by1 + pad),
      this.forward(bx1 + pad, by1 + pad),
    ];
    const i0 = max(0, floor(min(...corners.map((c) => c[0]))));
    const i1 = min(this.w - 1, ceil(max(...corners.map((c) => c[0]))));
    const j0 = max(0, floor(min(...corners.map((c) => c[1]))));
    const j1 = min(this.h - 1, ceil(max(...corners.map((c) => c[1]))));
    const inv = 1 / (this.s * this.k);
    const pxPerPt = this.s * this.k;
    for (let j = j0; j <= j1; j++) {
      const vy = j + 0.5 - this.cy - this.ty;
      for (let i = i0; i <= i1; i++) {
        const vx = i + 0.5 - this.cx - this.tx;
        // inverse: rotate by −θ, divide by scale, back to points
        const x = (this.cos * vx + this.sin * vy) * inv + this.cx / this.k;
        const y = (-this.sin * vx + this.cos * vy) * inv + this.cy / this.k;
        const dPx = sdf(x, y) * pxPerPt;
        if (dPx >= 0.5) continue;
        const a = dPx <= -0.5 ? 1 : 0.5 - dPx;
        const idx = j * this.w + i;
        const c = shade ? shade(x, y) : ink;
        this.buf[idx] = this.buf[idx] * (1 - a) + c * a;
      }
    }
  }

  rect(b: Box, ink: number): void {
    const mx = b.x + b.w / 2;
    const my = b.y + b.h / 2;
    const hw = b.w / 2;
    const hh = b.h / 2;
    this.draw(
      b.x,
      b.y,
      b.x + b.w,
      b.y + b.h,
      (x, y) => {
        const dx = abs(x - mx) - hw;
        const dy = abs(y - my) - hh;
        return dx > 0 || dy > 0 ? hypot(max(dx, 0), max(dy, 0)) : max(dx, dy);
      },
      ink,
    );
  }

  ring(cx: number, cy: number, r: number, width: number, ink: number): void {
    this.draw(
      cx - r - width,
      cy - r - width,
      cx + r + width,
      cy + r + width,
      (x, y) => abs(hypot(x - cx, y - cy) - r) - width / 2,
      ink,
    );
  }

  /** Outline of a box (a printed frame). */
  frame(b: Box, width: number, ink: number): void {
    const hw = width / 2;
    this.rect({ x: b.x - hw, y: b.y - hw, w: b.w + width, h: width }, ink);
    this.rect({ x: b.x - hw, y: b.y + b.h - hw, w: b.w + width, h: width }, ink);
    this.rect({ x: b.x - hw, y: b.y + hw, w: width, h: b.h - width }, ink);
    this.rect({ x: b.x + b.w - hw, y: b.y + hw, w: width, h: b.h - width }, ink);
  }

  /** A line segment with round caps. */
  segment(x0: number, y0: number, x1: number, y1: number, width: number, ink: number): void {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy || 1e-9;
    const hw = width / 2;
    this.draw(
      min(x0, x1) - hw,
      min(y0, y1) - hw,
      max(x0, x1) + hw,
      max(y0, y1) + hw,
      (x, y) => {
        const t = max(0, min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
        return hypot(x - x0 - t * dx, y - y0 - t * dy) - hw;
      },
      ink,
    );
  }

  glyph(ch: string, cx: number, cy: number, height: number, ink: number): void {
    const rows = GLYPHS[ch];
    if (!rows) return;
    const cell = height / 7;
    const x0 = cx - 2.5 * cell;
    const y0 = cy - 3.5 * cell;
    rows.forEach((row, r) => {
      for (let c = 0; c < 5; c++)
        if (row[c] === '1')
          this.rect(
            { x: x0 + c * cell + cell * 0.1, y: y0 + r * cell + cell * 0.1, w: cell * 0.8, h: cell * 0.8 },
            ink,
          );
    });
  }

  /** A pencil-filled bubble: dark, about 90 % of the circle, with an irregular edge and grainy texture. */
  pencil(cx: number, cy: number, r: number, rng: () => number): void {
    const ink = 40 + rng() * 30;
    const ox = (rng() - 0.5) * 0.5;
    const oy = (rng() - 0.5) * 0.5;
    const a1 = 0.03 + rng() * 0.03;
    const a2 = 0.01 + rng() * 0.02;
    const p1 = rng() * 2 * PI;
    const p2 = rng() * 2 * PI;
    const base = 0.95 * r;
    const seed = floor(rng() * 1e9);
    this.draw(
      cx - r * 1.1,
      cy - r * 1.1,
      cx + r * 1.1,
      cy + r * 1.1,
      (x, y) => {
        const dx = x - cx - ox;
        const dy = y - cy - oy;
        const t = atan2(dy, dx);
        return hypot(dx, dy) - base * (1 + a1 * sin(3 * t + p1) + a2 * sin(7 * t + p2));
      },
      ink,
      (x, y) => ink + (hash2(floor(x * 4), floor(y * 4), seed) - 0.5) * 24,
    );
  }

  toImage(noise: number, rng: () => number): GrayImage {
    const data = new Uint8Array(this.w * this.h);
    const buf = this.buf;
    if (noise > 0) {
      // Box–Muller, two normal samples per pair of uniforms
      for (let i = 0; i < buf.length; i += 2) {
        const u = rng() || 1e-12;
        const v = rng();
        const m = noise * sqrt(-2 * log(u));
        data[i] = clamp8(buf[i] + m * cos(2 * PI * v));
        if (i + 1 < buf.length) data[i + 1] = clamp8(buf[i + 1] + m * sin(2 * PI * v));
      }
    } else {
      for (let i = 0; i < buf.length; i++) data[i] = clamp8(buf[i]);
    }
    return { width: this.w, height: this.h, data };
  }
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : round(v);
}

/** Deterministic hash of integer coordinates to [0, 1). */
function hash2(x: number, y: number, seed: number): number {
  let h = imul(x, 374761393) ^ imul(y, 668265263) ^ seed;
  h = imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Pseudo-handwriting: rows of "characters" made of a few short curved strokes, inside the region. */
function scribble(c: Canvas, region: Box, rng: () => number): void {
  const charW = 4.5 * MM;
  const lineH = 7 * MM;
  if (region.w < charW * 2 || region.h < lineH) return;
  const ink = 45 + rng() * 35;
  const width = 0.8 + rng() * 0.6;
  const lines = min(4, floor(region.h / lineH));
  const usedLines = 1 + floor(rng() * lines);
  for (let l = 0; l < usedLines; l++) {
    const chars = floor((region.w / charW) * (0.3 + rng() * 0.6));
    for (let ch = 0; ch < chars; ch++) {
      const ox = region.x + ch * charW + charW * 0.15;
      const oy = region.y + l * lineH + lineH * 0.2;
      const strokes = 2 + floor(rng() * 3);
      for (let s = 0; s < strokes; s++) {
        // a quadratic curve across the character cell, drawn as short segments; at least ~2 mm long
        const p0 = [ox + rng() * charW * 0.7, oy + rng() * lineH * 0.6];
        const p2 = [ox + rng() * charW * 0.7, oy + rng() * lineH * 0.6];
        if (hypot(p2[0] - p0[0], p2[1] - p0[1]) < 2 * MM) p2[0] = p0[0] + (p2[0] >= p0[0] ? 2 * MM : -2 * MM);
        const p1 = [
          (p0[0] + p2[0]) / 2 + (rng() - 0.5) * charW * 0.6,
          (p0[1] + p2[1]) / 2 + (rng() - 0.5) * lineH * 0.4,
        ];
        let prev = p0;
        for (let t = 1; t <= 5; t++) {
          const u = t / 5;
          const q = [
            (1 - u) * (1 - u) * p0[0] + 2 * (1 - u) * u * p1[0] + u * u * p2[0],
            (1 - u) * (1 - u) * p0[1] + 2 * (1 - u) * u * p1[1] + u * u * p2[1],
          ];
          c.segment(prev[0], prev[1], q[0], q[1], width, ink);
          prev = q;
        }
      }
    }
  }
}

/**
 * Renders one page of a filled sheet as a scanner would deliver it: printed marks, the student's pencil and
 * handwriting, the score tally in each subjective box, then rotation/scale/shift and grey noise.
 * Output size is the layout's page at the dpi (A4 at 200 dpi → 1654 × 2339). `qr`, when given, is the module matrix
 * of the page's QR code (made by an adapter: domain code holds no QR library), printed in the layout's QR box.
 */
export function renderSyntheticPage(
  layout: SheetLayout,
  pageNo: number,
  answers: SyntheticSheetAnswers,
  opts: {
    dpi: number;
    distortion: ScanDistortion;
    seed: number;
    scoreSteps?: Record<number, number>;
    qr?: { size: number; data: Uint8Array };
  },
): GrayImage {
  const page = layout.pages.find((p) => p.pageNo === pageNo);
  if (!page) throw new Error(`layout has no page ${pageNo}`);
  const rng = mulberry32(opts.seed);
  const c = new Canvas(opts.dpi, opts.distortion, layout.page);

  for (const f of page.fiducials) c.rect({ x: f.cx - f.size / 2, y: f.cy - f.size / 2, w: f.size, h: f.size }, BLACK);
  const bits = page.pageCode.cells.length;
  page.pageCode.cells.forEach((cell, b) => {
    if ((floor(page.pageCode.value / 2 ** (bits - 1 - b)) & 1) === 1) c.rect(cell, BLACK);
  });

  if (page.qr && opts.qr) {
    const m = page.qr.w / opts.qr.size;
    for (let r = 0; r < opts.qr.size; r++) {
      for (let q = 0; q < opts.qr.size; q++)
        if (opts.qr.data[r * opts.qr.size + q])
          c.rect({ x: page.qr.x + q * m, y: page.qr.y + r * m, w: m, h: m }, BLACK);
    }
  }

  if (page.examNo) {
    page.examNo.forEach((col, d) => {
      col.forEach((b, v) => {
        c.ring(b.cx, b.cy, b.r, 0.7, PRINT_RING);
        c.glyph(String(v), b.cx, b.cy, b.r * 1.1, PRINT_LETTER);
      });
      const digit = answers.examNo[d];
      if (digit !== undefined && /[0-9]/.test(digit)) {
        const b = col[Number(digit)];
        c.pencil(b.cx, b.cy, b.r, rng);
      }
    });
  }

  for (const block of page.objective) {
    const chosen = (answers.choices[block.itemId] ?? '').toUpperCase();
    block.bubbles.forEach((b, o) => {
      c.ring(b.cx, b.cy, b.r, 0.7, PRINT_RING);
      c.glyph(block.options[o], b.cx, b.cy, b.r * 1.1, PRINT_LETTER);
      if (chosen.includes(block.options[o])) c.pencil(b.cx, b.cy, b.r, rng);
    });
  }

  for (const block of page.subjective) {
    const box = block.box;
    c.frame(box, 0.8, PRINT_LINE);
    const step = opts.scoreSteps?.[block.itemId] ?? 1;
    const score = answers.subjective[block.itemId] ?? 0;
    const squares = tallySquares(box, max(0, round(score / step)));
    for (const sq of squares) c.rect(sq, TALLY_INK);
    // handwriting goes below the tally rows so the two never touch
    const tallyBottom = squares.length ? max(...squares.map((s) => s.y + s.h)) + TALLY.gap : box.y + TALLY.inset;
    scribble(
      c,
      { x: box.x + TALLY.inset, y: tallyBottom, w: box.w - 2 * TALLY.inset, h: box.y + box.h - 3 * MM - tallyBottom },
      rng,
    );
  }

  return c.toImage(opts.distortion.noise, rng);
}
