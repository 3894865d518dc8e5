// The one place scans meet jsQR: decodes the QR code printed at a layout box, from its module grid (domain/qr-sample.ts)
// or, when that fails, with jsQR on a crop of the page's grey pixels.
import { createRequire } from 'node:module';
import type jsQRModule from 'jsqr';
import type { Box } from '../sheets/domain/layout.js';
import { affineScale, applyAffine, type Affine, type GrayImage } from './domain/gray-image.js';
import { QR_MODULE_PT, QR_QUIET_PT } from '../sheets/domain/layout.js';
import { readQrGrid } from './domain/qr-sample.js';

type JsQr = typeof jsQRModule.default;
let jsQRLoaded: JsQr | undefined;
/**
 * jsQR, loaded on first use: the module grid reads nearly every page, and the scan threads keep 1.1 MB less live heap
 * to mark in each full collection without it. jsqr is CommonJS with an ES-style default export (`default` on exports).
 */
function jsQR(...args: Parameters<JsQr>): ReturnType<JsQr> {
  jsQRLoaded ??= (createRequire(import.meta.url)('jsqr') as { default: JsQr }).default;
  return jsQRLoaded(...args);
}

/**
 * Pixels per module jsQR is first given when the scan has many more (a 200 dpi scan has 4.9, a 300 dpi one 7.3): jsQR's
 * time grows with the crop's pixels, and three per module read reliably. If that fails, the full-resolution crop is read.
 */
const QR_PX_PER_MODULE = 3;

/**
 * Text of the QR code printed at `box` (sheet points) on the page `t` maps into `img`, or null. The module grid is read
 * where the transform puts it first (readQrGrid, about 0.1 ms at 200 dpi); jsQR, about ten times the cost and most of
 * a page's garbage, only when that fails (a damaged symbol, a poor 100 dpi scan). readPage tries the grid itself
 * before calling this, so there the grid is read twice only on a page whose grid read failed.
 */
export function readQrAt(img: GrayImage, t: Affine, box: Box): string | null {
  return readQrGrid(img, t, box) ?? readQrJsqr(img, t, box);
}

/**
 * jsQR's reading of the symbol at `box`: first on a crop downsampled to QR_PX_PER_MODULE, then at full resolution.
 * Only the box and its quiet zone (plus a few points for alignment error) are cropped and turned into RGBA: jsQR wants
 * RGBA, a whole A3 page of it would be 35 MB. jsQR finds the symbol in any orientation inside the crop.
 */
export function readQrJsqr(img: GrayImage, t: Affine, box: Box): string | null {
  const pad = QR_QUIET_PT + 3;
  const corners = [
    applyAffine(t, box.x - pad, box.y - pad),
    applyAffine(t, box.x + box.w + pad, box.y - pad),
    applyAffine(t, box.x - pad, box.y + box.h + pad),
    applyAffine(t, box.x + box.w + pad, box.y + box.h + pad),
  ];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))));
  const x1 = Math.min(img.width, Math.ceil(Math.max(...corners.map((c) => c.x))));
  const y1 = Math.min(img.height, Math.ceil(Math.max(...corners.map((c) => c.y))));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 21 || h < 21) return null;
  const modulePx = QR_MODULE_PT * affineScale(t);
  if (modulePx >= 1.5 * QR_PX_PER_MODULE) {
    const found = decode(img, x0, y0, w, h, QR_PX_PER_MODULE / modulePx);
    if (found !== null) return found;
  }
  return decode(img, x0, y0, w, h, 1);
}

/** RGBA scratch for jsQR, reused from page to page (this runs on one thread, one crop at a time). */
let scratch = new Uint8ClampedArray(0);

/** jsQR on the crop (x0, y0, w, h) of the image scaled by `s` ≤ 1 (each pixel the mean of the source pixels it covers). */
function decode(img: GrayImage, x0: number, y0: number, w: number, h: number, s: number): string | null {
  const ow = s < 1 ? Math.max(21, Math.floor(w * s)) : w;
  const oh = s < 1 ? Math.max(21, Math.floor(h * s)) : h;
  if (scratch.length < ow * oh * 4) scratch = new Uint8ClampedArray(ow * oh * 4 * 2);
  const rgba = new Uint8ClampedArray(scratch.buffer, 0, ow * oh * 4);
  const src = img.data;
  const sw = img.width;
  // source columns [cx[i], cx[i+1]) make output column i, rows likewise (n ≤ size: each span has a pixel at least)
  const edges = (n: number, size: number) => Int32Array.from({ length: n + 1 }, (_, i) => Math.floor((i * size) / n));
  const cx = edges(ow, w);
  const cy = edges(oh, h);
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      let sum = 0;
      for (let y = cy[j]; y < cy[j + 1]; y++) {
        const row = (y0 + y) * sw + x0;
        for (let x = cx[i]; x < cx[i + 1]; x++) sum += src[row + x];
      }
      const g = Math.round(sum / ((cy[j + 1] - cy[j]) * (cx[i + 1] - cx[i])));
      const o = (j * ow + i) * 4;
      rgba[o] = g;
      rgba[o + 1] = g;
      rgba[o + 2] = g;
      rgba[o + 3] = 255;
    }
  }
  // Printed black on paper only: no need for jsQR's second pass over the inverted image.
  const found = jsQR(rgba, ow, oh, { inversionAttempts: 'dontInvert' });
  return found?.data ?? null;
}
