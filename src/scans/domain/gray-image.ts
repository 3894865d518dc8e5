// Plain grey pixels and the affine map from sheet points to image pixels. Pure.
//
// Pixel convention (shared with the synthetic scans): a layout point (x, y) lands at the continuous pixel
// coordinate (x·k, y·k) on an undistorted scan of k px/pt; pixel (i, j) covers [i, i+1) × [j, j+1).

/** 8-bit grey image, row-major, 0 = black. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

/** x' = a·x + b·y + c, y' = d·x + e·y + f (sheet points → image pixels). */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyAffine(t: Affine, x: number, y: number): Point {
  return { x: t.a * x + t.b * y + t.c, y: t.d * x + t.e * y + t.f };
}

/**
 * A projective map (homography), row-major 3×3 with h[8] = 1: x' = (h0·x + h1·y + h2) / w, y' = (h3·x + h4·y + h5) / w,
 * w = h6·x + h7·y + 1. Sheet points → image pixels when the page was not flat under the lens (keystone).
 */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export function applyHomography(h: Homography, x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
}

/**
 * The affine map that agrees with `h` at (x, y) to first order (its Jacobian there): over a bubble a few points across
 * it differs from `h` by far less than a pixel, so the samplers written for an affine map read a projective page.
 */
export function localAffine(h: Homography, x: number, y: number): Affine {
  const w = h[6] * x + h[7] * y + h[8];
  const u = (h[0] * x + h[1] * y + h[2]) / w;
  const v = (h[3] * x + h[4] * y + h[5]) / w;
  const a = (h[0] - h[6] * u) / w;
  const b = (h[1] - h[7] * u) / w;
  const d = (h[3] - h[6] * v) / w;
  const e = (h[4] - h[7] * v) / w;
  return { a, b, c: u - a * x - b * y, d, e, f: v - d * x - e * y };
}

/** Pixels per point, averaged over both axes (square root of the determinant). */
export function affineScale(t: Affine): number {
  return Math.sqrt(Math.abs(t.a * t.e - t.b * t.d));
}

/** The nearest pixel's grey level at a continuous coordinate; outside the image counts as white paper. */
export function pixelAt(img: GrayImage, u: number, v: number): number {
  const i = Math.floor(u);
  const j = Math.floor(v);
  if (i < 0 || j < 0 || i >= img.width || j >= img.height) return 255;
  return img.data[j * img.width + i];
}

/** Bilinear interpolation between pixel centres; outside the image counts as white paper. */
export function bilinearAt(img: GrayImage, u: number, v: number): number {
  const x = u - 0.5;
  const y = v - 0.5;
  const i = Math.floor(x);
  const j = Math.floor(y);
  const fx = x - i;
  const fy = y - j;
  const p = (ii: number, jj: number) =>
    ii < 0 || jj < 0 || ii >= img.width || jj >= img.height ? 255 : img.data[jj * img.width + ii];
  const top = p(i, j) * (1 - fx) + p(i + 1, j) * fx;
  const bottom = p(i, j + 1) * (1 - fx) + p(i + 1, j + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** The grey level below which the given fraction of the histogram lies. */
export function histogramPercentile(hist: Uint32Array, total: number, fraction: number): number {
  if (total <= 0) return 255;
  const target = Math.max(1, Math.ceil(total * fraction));
  let seen = 0;
  for (let g = 0; g < 256; g++) {
    seen += hist[g];
    if (seen >= target) return g;
  }
  return 255;
}

/** regionHistogram's partial histograms (calls are synchronous: one at a time per thread). */
const histogramParts = new Uint32Array(1024);

/**
 * Histogram of the pixels of an axis-aligned pixel rectangle (clipped to the image); with `step` > 1 of every step-th
 * pixel of every step-th row only, from the top left one (a paper level needs a few hundred samples, not thousands).
 */
export function regionHistogram(
  img: GrayImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  step = 1,
): { hist: Uint32Array; total: number } {
  if (step > 1) return sampledHistogram(img, x0, y0, x1, y1, Math.floor(step));
  const i0 = Math.max(0, Math.floor(x0));
  const j0 = Math.max(0, Math.floor(y0));
  const i1 = Math.min(img.width, Math.ceil(x1));
  const j1 = Math.min(img.height, Math.ceil(y1));
  const { width, data } = img;
  // Four partial histograms, pixel by pixel in turn: the pixels are mostly paper, and incrementing one counter back to
  // back waits for the previous increment each time.
  const parts = histogramParts.fill(0);
  let total = 0;
  for (let j = j0; j < j1; j++) {
    const row = j * width;
    let i = row + i0;
    const end = row + i1;
    for (; i + 3 < end; i += 4) {
      parts[data[i]]++;
      parts[256 + data[i + 1]]++;
      parts[512 + data[i + 2]]++;
      parts[768 + data[i + 3]]++;
    }
    for (; i < end; i++) parts[data[i]]++;
    total += Math.max(0, i1 - i0);
  }
  const hist = new Uint32Array(256);
  for (let g = 0; g < 256; g++) hist[g] = parts[g] + parts[256 + g] + parts[512 + g] + parts[768 + g];
  return { hist, total };
}

function sampledHistogram(
  img: GrayImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  step: number,
): { hist: Uint32Array; total: number } {
  const i0 = Math.max(0, Math.floor(x0));
  const j0 = Math.max(0, Math.floor(y0));
  const i1 = Math.min(img.width, Math.ceil(x1));
  const j1 = Math.min(img.height, Math.ceil(y1));
  const { width, data } = img;
  const hist = new Uint32Array(256);
  let total = 0;
  for (let j = j0; j < j1; j += step) {
    const row = j * width;
    for (let i = i0; i < i1; i += step) hist[data[row + i]]++;
    if (i1 > i0) total += Math.ceil((i1 - i0) / step);
  }
  return { hist, total };
}

/** Sampling step for a paper level over a square region `sidePx` across: about `samples` per side or more. */
export function paperSampleStep(sidePx: number, samples: number): number {
  return Math.max(1, Math.floor(sidePx / samples));
}

/** The image turned a quarter clockwise (width and height swap). */
export function rotateQuarter(img: GrayImage): GrayImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h);
  // source (i, j) → destination (h − 1 − j, i) in an image h wide
  for (let j = 0; j < h; j++) {
    const row = j * w;
    const x = h - 1 - j;
    for (let i = 0; i < w; i++) out[i * h + x] = data[row + i];
  }
  return { width: h, height: w, data: out };
}
