// Cutting an answer box out of a scanned page, straightened, and normalising its contrast. Pure.
import type { Box } from '../../sheets/domain/layout.js';
import { type Affine, bilinearAt, type GrayImage, type Homography, histogramPercentile } from './gray-image.js';

/**
 * Resamples the sheet-space box (plus `marginPt` all round) at `pxPerPt` through the transform, so the snippet
 * comes out upright whatever the page's skew. Parts outside the scan read as white.
 */
export function cutBox(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number): GrayImage {
  return cutInto(img, t, box, marginPt, pxPerPt, null);
}

/** The pixel size of a box's snippet with its margin (at least 1 × 1), the same for the affine and projective cuts. */
export function snippetSize(box: Box, marginPt: number, pxPerPt: number): { width: number; height: number } {
  return {
    width: Math.max(1, Math.round((box.w + 2 * marginPt) * pxPerPt)),
    height: Math.max(1, Math.round((box.h + 2 * marginPt) * pxPerPt)),
  };
}

/** Stretches the grey levels in place by the contrast table of their histogram (normaliseContrast's rule). */
function applyContrast(data: Uint8Array, hist: Uint32Array): void {
  const lut = contrastLut(hist, data.length);
  for (let n = 0; n < data.length; n++) data[n] = lut[data[n]];
}

/** cutBox, also counting the snippet's grey levels into `hist` (when given) as it writes them: one pass fewer. */
function cutInto(
  img: GrayImage,
  t: Affine,
  box: Box,
  marginPt: number,
  pxPerPt: number,
  hist: Uint32Array | null,
): GrayImage {
  const x0 = box.x - marginPt;
  const y0 = box.y - marginPt;
  const { width, height } = snippetSize(box, marginPt, pxPerPt);
  const data = new Uint8Array(width * height);
  const inv = 1 / pxPerPt;
  const src = img.data;
  const sw = img.width;
  const sh = img.height;
  // the image position moves linearly along a row: start + i·step (shifted by half a pixel to address pixel centres)
  const du = t.a * inv;
  const dv = t.d * inv;
  for (let j = 0; j < height; j++) {
    const y = y0 + (j + 0.5) * inv;
    const u0 = t.a * (x0 + 0.5 * inv) + t.b * y + t.c - 0.5;
    const v0 = t.d * (x0 + 0.5 * inv) + t.e * y + t.f - 0.5;
    const row = j * width;
    // The columns whose 2×2 neighbourhood lies inside the image: [iStart, iEnd). Outside them, the slow exact path.
    const [iStart, iEnd] = insideSpan(u0, du, sw, width, v0, dv, sh);
    for (let i = 0; i < iStart; i++) data[row + i] = Math.round(bilinearAt(img, u0 + i * du + 0.5, v0 + i * dv + 0.5));
    let u = u0 + iStart * du;
    let v = v0 + iStart * dv;
    if (hist) {
      for (let i = 0; i < iStart; i++) hist[data[row + i]]++;
      // the same inner loop as below, counting as it goes (kept separate so the plain loop stays branch-free)
      for (let i = iStart; i < iEnd; i++) {
        const xi = u | 0;
        const yi = v | 0;
        const fx = u - xi;
        const fy = v - yi;
        const o = yi * sw + xi;
        const p00 = src[o];
        const p10 = src[o + 1];
        const p01 = src[o + sw];
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (src[o + sw + 1] - p01) * fx;
        const g = (top + (bottom - top) * fy + 0.5) | 0;
        data[row + i] = g;
        hist[g]++;
        u += du;
        v += dv;
      }
      for (let i = Math.max(iEnd, iStart); i < width; i++)
        hist[(data[row + i] = Math.round(bilinearAt(img, u0 + i * du + 0.5, v0 + i * dv + 0.5)))]++;
      continue;
    }
    for (let i = iStart; i < iEnd; i++) {
      // bilinear between pixel centres, inlined: this loop runs for every snippet pixel (coordinates ≥ 0 here, so |0 floors)
      const xi = u | 0;
      const yi = v | 0;
      const fx = u - xi;
      const fy = v - yi;
      const o = yi * sw + xi;
      const p00 = src[o];
      const p10 = src[o + 1];
      const p01 = src[o + sw];
      const top = p00 + (p10 - p00) * fx;
      const bottom = p01 + (src[o + sw + 1] - p01) * fx;
      data[row + i] = (top + (bottom - top) * fy + 0.5) | 0;
      u += du;
      v += dv;
    }
    for (let i = Math.max(iEnd, iStart); i < width; i++)
      data[row + i] = Math.round(bilinearAt(img, u0 + i * du + 0.5, v0 + i * dv + 0.5));
  }
  return { width, height, data };
}

/** Columns i in [0, n) with 0 ≤ u0 + i·du < size − 1 for both axes (a margin of one column either side for rounding). */
function insideSpan(
  u0: number,
  du: number,
  uSize: number,
  n: number,
  v0: number,
  dv: number,
  vSize: number,
): [number, number] {
  let lo = 0;
  let hi = n;
  for (const [p0, dp, size] of [
    [u0, du, uSize],
    [v0, dv, vSize],
  ]) {
    const lim = size - 1;
    if (Math.abs(dp) < 1e-12) {
      if (!(p0 >= 0 && p0 < lim)) return [0, 0];
      continue;
    }
    // p0 + i·dp ≥ 0 and p0 + i·dp < lim
    const a = (0 - p0) / dp;
    const b = (lim - p0) / dp;
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    lo = Math.max(lo, Math.ceil(from) + 1);
    hi = Math.min(hi, Math.floor(to) - 1);
  }
  return hi > lo ? [lo, hi] : [0, 0];
}

/**
 * Stretches grey levels so the paper is white and the darkest ink near black, keeping pencil greys apart.
 * A (nearly) blank snippet is only lifted to white paper, never stretched into amplified noise.
 */
export function normaliseContrast(img: GrayImage): GrayImage {
  const hist = new Uint32Array(256);
  for (let n = 0; n < img.data.length; n++) hist[img.data[n]]++;
  const lut = contrastLut(hist, img.data.length);
  const data = new Uint8Array(img.data.length);
  for (let n = 0; n < data.length; n++) data[n] = lut[img.data[n]];
  return { width: img.width, height: img.height, data };
}

/** The grey-level map of normaliseContrast for a histogram (also used by the compiled cut, snippet-cutter.ts). */
export function contrastLut(hist: Uint32Array, total: number): Uint8Array {
  const paper = Math.max(histogramPercentile(hist, total, 0.6), 1);
  const darkest = histogramPercentile(hist, total, 0.002);
  // Real ink sits well below the paper; grain and noise stay within a few dozen levels of it.
  const lo = Math.max(0, paper - darkest >= 60 ? darkest : paper - 160);
  const span = Math.max(paper - lo, 1);
  const lut = new Uint8Array(256);
  for (let g = 0; g < 256; g++) lut[g] = Math.max(0, Math.min(255, Math.round(((g - lo) / span) * 255)));
  return lut;
}

/** cutBox followed by normaliseContrast, mapping the snippet in place (no second image): the same pixels, less garbage. */
export function cutBoxNormalised(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number): GrayImage {
  const hist = new Uint32Array(256);
  const cut = cutInto(img, t, box, marginPt, pxPerPt, hist);
  const data = cut.data;
  applyContrast(data, hist);
  return cut;
}

/**
 * cutBox through a homography (four fiducials on a keystoned page): every snippet pixel is mapped exactly, so the box's
 * top corners land where they are printed, where the affine of the same fiducials is off by up to ~12 px on a 1.2%
 * keystone. Bilinear as cutBox; parts outside the scan read as white. Along a row the homography's numerators and
 * denominator move linearly, so each pixel costs one division more than the affine cut.
 */
export function cutBoxProjective(
  img: GrayImage,
  h: Homography,
  box: Box,
  marginPt: number,
  pxPerPt: number,
): GrayImage {
  return cutProjectiveInto(img, h, box, marginPt, pxPerPt, null);
}

/** cutBoxProjective followed by normaliseContrast (as cutBoxNormalised). */
export function cutBoxProjectiveNormalised(
  img: GrayImage,
  h: Homography,
  box: Box,
  marginPt: number,
  pxPerPt: number,
): GrayImage {
  const hist = new Uint32Array(256);
  const cut = cutProjectiveInto(img, h, box, marginPt, pxPerPt, hist);
  const data = cut.data;
  applyContrast(data, hist);
  return cut;
}

function cutProjectiveInto(
  img: GrayImage,
  h: Homography,
  box: Box,
  marginPt: number,
  pxPerPt: number,
  hist: Uint32Array | null,
): GrayImage {
  const x0 = box.x - marginPt;
  const y0 = box.y - marginPt;
  const { width, height } = snippetSize(box, marginPt, pxPerPt);
  const data = new Uint8Array(width * height);
  const inv = 1 / pxPerPt;
  const src = img.data;
  const sw = img.width;
  const sh = img.height;
  const lastX = sw - 1;
  const lastY = sh - 1;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = h;
  // per column step of the numerators and the denominator
  const dU = h0 * inv;
  const dV = h3 * inv;
  const dW = h6 * inv;
  for (let j = 0; j < height; j++) {
    const y = y0 + (j + 0.5) * inv;
    const x = x0 + 0.5 * inv;
    let U = h0 * x + h1 * y + h2;
    let V = h3 * x + h4 * y + h5;
    let W = h6 * x + h7 * y + h8;
    const row = j * width;
    for (let i = 0; i < width; i++) {
      // the image position, less half a pixel to address pixel centres
      const u = U / W - 0.5;
      const v = V / W - 0.5;
      U += dU;
      V += dV;
      W += dW;
      let g: number;
      if (u >= 0 && v >= 0 && u < lastX && v < lastY) {
        const xi = u | 0;
        const yi = v | 0;
        const fx = u - xi;
        const fy = v - yi;
        const o = yi * sw + xi;
        const p00 = src[o];
        const p01 = src[o + sw];
        const top = p00 + (src[o + 1] - p00) * fx;
        const bottom = p01 + (src[o + sw + 1] - p01) * fx;
        g = (top + (bottom - top) * fy + 0.5) | 0;
      } else g = Math.round(bilinearAt(img, u + 0.5, v + 0.5));
      data[row + i] = g;
      if (hist) hist[g]++;
    }
  }
  return { width, height, data };
}
