// The barcode sticker area of a read page: is anything stuck there, and its pixels cut upright for a barcode decoder.
// Pure: the decoder itself is an adapter (scans/sticker-reader.ts).
import type { Box } from '../../sheets/domain/layout.js';
import { applyAffine, bilinearAt, histogramPercentile, pixelAt, type Affine, type GrayImage } from './gray-image.js';
import { stickerFromText, type StickerReading } from './page-identity.js';

/** Decodes the Code 128 barcode stuck in the sticker area at `box` (sheet points), or null. */
export type StickerDecoder = (img: GrayImage, t: Affine, box: Box) => string | null;

/** Inside the dashed frame by this much: the frame itself is not ink on the area. */
const FRAME_INSET_PT = 3;
/**
 * Share of the area's samples that must be dark for it to count as covered. A label's bars and digits cover 10–30 %
 * of the area; the printed hint is light grey (well above the dark level) and scanner noise leaves under 0.1 %.
 */
const INKED_SHARE = 0.01;

/**
 * Whether something dark is in the area (a sticker, a scribble): samples on a 1 pt grid, dark below half the paper's
 * level (the 90th percentile of the samples, or 255 if the area is all dark).
 */
export function stickerAreaInked(img: GrayImage, t: Affine, box: Box): boolean {
  const hist = new Uint32Array(256);
  let total = 0;
  for (let y = box.y + FRAME_INSET_PT; y < box.y + box.h - FRAME_INSET_PT; y += 1) {
    for (let x = box.x + FRAME_INSET_PT; x < box.x + box.w - FRAME_INSET_PT; x += 1) {
      const p = applyAffine(t, x, y);
      hist[pixelAt(img, p.x, p.y)]++;
      total++;
    }
  }
  if (!total) return false;
  const dark = histogramPercentile(hist, total, 0.9) * 0.5;
  let n = 0;
  for (let g = 0; g < dark; g++) n += hist[g];
  return n / total >= INKED_SHARE;
}

/** What the sticker area shows: the decoder's text if it finds a barcode, else whether anything is stuck there. */
export function readStickerArea(img: GrayImage, t: Affine, box: Box, decode: StickerDecoder): StickerReading {
  // an empty area (most sheets of an exam that prints the area but does not use stickers) is not decoded at all
  if (!stickerAreaInked(img, t, box)) return { state: 'empty' };
  return stickerFromText(decode(img, t, box), true);
}

/** The sticker area seen upright, a row at a time (a row decoder reads a few dozen rows, never the whole area). */
export interface UprightRows {
  width: number;
  height: number;
  /** Row j of the upright area into `out` (grey levels, bilinear), the page's rotation and scale undone. */
  row(j: number, out: Uint8ClampedArray): Uint8ClampedArray;
}

/**
 * The box (plus `marginPt` round it) resampled upright at `pxPerPt`: a decoder that scans rows then sees the bars across
 * them (a sticker stuck a few degrees askew still crosses every bar of a row through its middle).
 */
export function uprightRows(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number): UprightRows {
  const width = Math.max(1, Math.round((box.w + 2 * marginPt) * pxPerPt));
  const height = Math.max(1, Math.round((box.h + 2 * marginPt) * pxPerPt));
  const x0 = box.x - marginPt;
  const y0 = box.y - marginPt;
  const step = 1 / pxPerPt;
  // along a row the image position moves by a fixed step: one affine map per row, additions along it
  const du = t.a * step;
  const dv = t.d * step;
  return {
    width,
    height,
    row(j, out) {
      const start = applyAffine(t, x0 + 0.5 * step, y0 + (j + 0.5) * step);
      let u = start.x;
      let v = start.y;
      for (let i = 0; i < width; i++) {
        out[i] = bilinearAt(img, u, v);
        u += du;
        v += dv;
      }
      return out;
    },
  };
}
