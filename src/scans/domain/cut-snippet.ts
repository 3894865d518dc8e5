// Cutting an answer box out of a scanned page, straightened, and normalising its contrast. Pure.
import type { Box } from '../../sheets/domain/layout.js';
import { type Affine, bilinearAt, type GrayImage, histogramPercentile } from './gray-image.js';

/**
 * Resamples the sheet-space box (plus `marginPt` all round) at `pxPerPt` through the transform, so the snippet
 * comes out upright whatever the page's skew. Parts outside the scan read as white.
 */
export function cutBox(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number): GrayImage {
  const x0 = box.x - marginPt;
  const y0 = box.y - marginPt;
  const width = Math.max(1, Math.round((box.w + 2 * marginPt) * pxPerPt));
  const height = Math.max(1, Math.round((box.h + 2 * marginPt) * pxPerPt));
  const data = new Uint8Array(width * height);
  const inv = 1 / pxPerPt;
  for (let j = 0; j < height; j++) {
    const y = y0 + (j + 0.5) * inv;
    // the image position moves linearly along a row: start + i·(step)
    let u = t.a * (x0 + 0.5 * inv) + t.b * y + t.c;
    let v = t.d * (x0 + 0.5 * inv) + t.e * y + t.f;
    const du = t.a * inv;
    const dv = t.d * inv;
    const row = j * width;
    const src = img.data;
    const sw = img.width;
    for (let i = 0; i < width; i++) {
      // bilinear between pixel centres, inlined: this loop runs for every snippet pixel
      const x = u - 0.5;
      const y = v - 0.5;
      const xi = Math.floor(x);
      const yi = Math.floor(y);
      if (xi >= 0 && yi >= 0 && xi + 1 < sw && yi + 1 < img.height) {
        const fx = x - xi;
        const fy = y - yi;
        const o = yi * sw + xi;
        const top = src[o] + (src[o + 1] - src[o]) * fx;
        const bottom = src[o + sw] + (src[o + sw + 1] - src[o + sw]) * fx;
        data[row + i] = (top + (bottom - top) * fy + 0.5) | 0;
      } else {
        data[row + i] = Math.round(bilinearAt(img, u, v));
      }
      u += du;
      v += dv;
    }
  }
  return { width, height, data };
}

/**
 * Stretches grey levels so the paper is white and the darkest ink near black, keeping pencil greys apart.
 * A (nearly) blank snippet is only lifted to white paper, never stretched into amplified noise.
 */
export function normaliseContrast(img: GrayImage): GrayImage {
  const hist = new Uint32Array(256);
  for (let n = 0; n < img.data.length; n++) hist[img.data[n]]++;
  const total = img.data.length;
  const paper = Math.max(histogramPercentile(hist, total, 0.6), 1);
  const darkest = histogramPercentile(hist, total, 0.002);
  // Real ink sits well below the paper; grain and noise stay within a few dozen levels of it.
  const lo = Math.max(0, paper - darkest >= 60 ? darkest : paper - 160);
  const span = Math.max(paper - lo, 1);
  const lut = new Uint8Array(256);
  for (let g = 0; g < 256; g++) lut[g] = Math.max(0, Math.min(255, Math.round(((g - lo) / span) * 255)));
  const data = new Uint8Array(img.data.length);
  for (let n = 0; n < data.length; n++) data[n] = lut[img.data[n]];
  return { width: img.width, height: img.height, data };
}
