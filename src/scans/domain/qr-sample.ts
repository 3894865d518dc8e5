// Reading the module grid of the page's QR code where the alignment says it is printed, without a general QR search.
// Pure. The three finder patterns' cores are located near their expected places (the fiducial fit is good to a
// fraction of a module there, but not to the module), the alignment pattern corrects the far corner for mild
// perspective, and each module's centre is sampled and thresholded. Nothing here decides what the symbol says:
// the bits go to decodeQrV3M, whose Reed–Solomon check rejects a badly sampled grid.
import type { Box } from '../../sheets/domain/layout.js';
import { QR_MODULE_PT, QR_MODULES } from '../../sheets/domain/layout.js';
import { affineScale, applyAffine, bilinearAt, type Affine, type GrayImage, type Point } from './gray-image.js';
import { decodeQrV3M } from './qr-decode.js';

const N = QR_MODULES;
/** Module index of the finder centres (top-left, top-right, bottom-left) and of the alignment pattern's centre. */
const FINDER_LO = 3;
const FINDER_HI = N - 4;
const ALIGN = N - 7;
/** Below this, modules are too small to sample directly (about 100 dpi); the general reader decides. */
const MIN_MODULE_PX = 2.2;

/** Scratch for the flood fill, reused (one page at a time on a thread). */
let seen = new Uint8Array(0);
let stack = new Int32Array(0);

interface Blob {
  x: number;
  y: number;
  area: number;
  w: number;
  h: number;
}

/**
 * The dark connected blob nearest to `p` (searched within `reach` px), grown inside the square of half-side `limit`
 * around `p`; null if there is none or it touches the square's edge (merged with something larger).
 */
function blobNear(img: GrayImage, p: Point, threshold: number, reach: number, limit: number): Blob | null {
  const x0 = Math.max(0, Math.floor(p.x - limit));
  const y0 = Math.max(0, Math.floor(p.y - limit));
  const x1 = Math.min(img.width, Math.ceil(p.x + limit));
  const y1 = Math.min(img.height, Math.ceil(p.y + limit));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 3 || h < 3) return null;
  // the seed: the dark pixel nearest to p
  let seed = -1;
  let best = reach * reach;
  const r = Math.ceil(reach);
  const cx = Math.floor(p.x);
  const cy = Math.floor(p.y);
  for (let j = Math.max(y0, cy - r); j <= Math.min(y1 - 1, cy + r); j++) {
    for (let i = Math.max(x0, cx - r); i <= Math.min(x1 - 1, cx + r); i++) {
      const d = (i + 0.5 - p.x) ** 2 + (j + 0.5 - p.y) ** 2;
      if (d <= best && img.data[j * img.width + i] < threshold) {
        best = d;
        seed = (j - y0) * w + (i - x0);
      }
    }
  }
  if (seed < 0) return null;
  if (seen.length < w * h) seen = new Uint8Array(w * h * 2);
  else seen.fill(0, 0, w * h);
  if (stack.length < w * h) stack = new Int32Array(w * h * 2);
  let top = 0;
  stack[top++] = seed;
  seen[seed] = 1;
  let area = 0;
  let sx = 0;
  let sy = 0;
  let minX = w;
  let maxX = -1;
  let minY = h;
  let maxY = -1;
  while (top > 0) {
    const q = stack[--top];
    const i = q % w;
    const j = (q - i) / w;
    if (i === 0 || j === 0 || i === w - 1 || j === h - 1) return null;
    area++;
    sx += i;
    sy += j;
    if (i < minX) minX = i;
    if (i > maxX) maxX = i;
    if (j < minY) minY = j;
    if (j > maxY) maxY = j;
    // the four neighbours (never outside the window: a pixel on its edge ended the fill above)
    const at = (y0 + j) * img.width + x0 + i;
    if (!seen[q - 1]) {
      seen[q - 1] = 1;
      if (img.data[at - 1] < threshold) stack[top++] = q - 1;
    }
    if (!seen[q + 1]) {
      seen[q + 1] = 1;
      if (img.data[at + 1] < threshold) stack[top++] = q + 1;
    }
    if (!seen[q - w]) {
      seen[q - w] = 1;
      if (img.data[at - img.width] < threshold) stack[top++] = q - w;
    }
    if (!seen[q + w]) {
      seen[q + w] = 1;
      if (img.data[at + img.width] < threshold) stack[top++] = q + w;
    }
  }
  return { x: x0 + sx / area + 0.5, y: y0 + sy / area + 0.5, area, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/** A finder pattern's 3×3-module core near `p`, if a blob of about that size is there. */
function finderCore(img: GrayImage, p: Point, m: number, threshold: number): Point | null {
  const b = blobNear(img, p, threshold, 1.6 * m, 3 * m);
  if (!b) return null;
  const area = b.area / (m * m);
  if (area < 9 * 0.45 || area > 9 * 1.8) return null;
  if (Math.max(b.w, b.h) > 4.6 * m || Math.min(b.w, b.h) < 1.8 * m) return null;
  return b;
}

/**
 * The 29×29 modules (row-major, 1 = dark) of the QR code printed at `box` on the page `t` maps into `img`, or null if
 * the finder patterns are not where they should be (no symbol there, spoilt, or the page is upside down for `t`).
 */
export function sampleQrModules(img: GrayImage, t: Affine, box: Box): Uint8Array | null {
  const m = QR_MODULE_PT * affineScale(t);
  if (m < MIN_MODULE_PX) return null;
  const at = (col: number, row: number) =>
    applyAffine(t, box.x + (col + 0.5) * QR_MODULE_PT, box.y + (row + 0.5) * QR_MODULE_PT);
  // ink and paper levels from the symbol's area (about half its modules are dark)
  const corners = [at(-0.5, -0.5), at(N - 0.5, -0.5), at(-0.5, N - 0.5), at(N - 0.5, N - 0.5)];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))));
  const x1 = Math.min(img.width, Math.ceil(Math.max(...corners.map((c) => c.x))));
  const y1 = Math.min(img.height, Math.ceil(Math.max(...corners.map((c) => c.y))));
  if (x1 - x0 < N || y1 - y0 < N) return null;
  const hist = new Uint32Array(256);
  let total = 0;
  const step = m >= 4 ? 2 : 1;
  for (let j = y0; j < y1; j += step) {
    const row = j * img.width;
    for (let i = x0; i < x1; i += step) hist[img.data[row + i]]++;
    total += Math.ceil((x1 - x0) / step);
  }
  const level = (fraction: number) => {
    let acc = 0;
    for (let g = 0; g < 256; g++) if ((acc += hist[g]) >= fraction * total) return g;
    return 255;
  };
  const ink = level(0.15);
  const paper = level(0.85);
  if (paper - ink < 40) return null;
  const threshold = (ink + paper) / 2;

  const f0 = finderCore(img, at(FINDER_LO, FINDER_LO), m, threshold);
  const f1 = f0 && finderCore(img, at(FINDER_HI, FINDER_LO), m, threshold);
  const f2 = f1 && finderCore(img, at(FINDER_LO, FINDER_HI), m, threshold);
  if (!f0 || !f1 || !f2) return null;
  const span = FINDER_HI - FINDER_LO;
  const u = { x: (f1.x - f0.x) / span, y: (f1.y - f0.y) / span };
  const v = { x: (f2.x - f0.x) / span, y: (f2.y - f0.y) / span };
  // the finders must make the symbol's square, of the size and direction the alignment expects
  const lu = Math.hypot(u.x, u.y);
  const lv = Math.hypot(v.x, v.y);
  const ex = { x: t.a * QR_MODULE_PT, y: t.d * QR_MODULE_PT };
  if (Math.abs(lu / m - 1) > 0.12 || Math.abs(lv / m - 1) > 0.12) return null;
  if (Math.abs(u.x * v.x + u.y * v.y) / (lu * lv) > 0.1) return null;
  if ((u.x * ex.x + u.y * ex.y) / (lu * Math.hypot(ex.x, ex.y)) < 0.97) return null;
  const grid = (col: number, row: number): Point => ({
    x: f0.x + (col - FINDER_LO) * u.x + (row - FINDER_LO) * v.x,
    y: f0.y + (col - FINDER_LO) * u.y + (row - FINDER_LO) * v.y,
  });
  // the alignment pattern's dark centre module: where the three finders' parallelogram misses it is perspective
  const expected = grid(ALIGN, ALIGN);
  const dot = blobNear(img, expected, threshold, 0.8 * m, 1.6 * m);
  let dx = 0;
  let dy = 0;
  if (dot && dot.area >= 0.3 * m * m && dot.area <= 2.5 * m * m && Math.max(dot.w, dot.h) <= 2 * m) {
    dx = dot.x - expected.x;
    dy = dot.y - expected.y;
  }

  const out = new Uint8Array(N * N);
  const d = 0.2;
  const span2 = (ALIGN - FINDER_LO) * (ALIGN - FINDER_LO);
  for (let row = 0; row < N; row++) {
    for (let col = 0; col < N; col++) {
      const p = grid(col, row);
      // bilinear correction: none at the finders' rows and columns through the top-left, full at the alignment pattern
      const w = ((col - FINDER_LO) * (row - FINDER_LO)) / span2;
      const x = p.x + w * dx;
      const y = p.y + w * dy;
      const g =
        bilinearAt(img, x, y) +
        bilinearAt(img, x + d * (u.x + v.x), y + d * (u.y + v.y)) +
        bilinearAt(img, x + d * (u.x - v.x), y + d * (u.y - v.y)) +
        bilinearAt(img, x - d * (u.x + v.x), y - d * (u.y + v.y)) +
        bilinearAt(img, x - d * (u.x - v.x), y - d * (u.y - v.y));
      out[row * N + col] = g < 5 * threshold ? 1 : 0;
    }
  }
  return out;
}

/** The text of the QR code at `box`, read from its module grid; null when that fails (the caller has a general reader). */
export function readQrGrid(img: GrayImage, t: Affine, box: Box): string | null {
  const modules = sampleQrModules(img, t, box);
  return modules ? decodeQrV3M(modules) : null;
}
