// The one place scans meet jsQR: decodes the QR code printed at a layout box, from a crop of the page's grey pixels.
import jsQRModule from 'jsqr';
import type { Box } from '../sheets/domain/layout.js';
import { applyAffine, type Affine, type GrayImage } from './domain/gray-image.js';
import { QR_QUIET_PT } from '../sheets/domain/layout.js';

// jsqr is CommonJS with an ES-style default export: Node hands us module.exports, whose `default` is the function.
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

/**
 * Text of the QR code printed at `box` (sheet points) on the page `t` maps into `img`, or null. Only the box and its
 * quiet zone (plus a few points for alignment error) are cropped and turned into RGBA: jsQR wants RGBA, a whole A3
 * page of it would be 35 MB. jsQR finds the symbol in any orientation inside the crop.
 */
export function readQrAt(img: GrayImage, t: Affine, box: Box): string | null {
  const pad = QR_QUIET_PT + 3;
  const corners = [applyAffine(t, box.x - pad, box.y - pad), applyAffine(t, box.x + box.w + pad, box.y - pad), applyAffine(t, box.x - pad, box.y + box.h + pad), applyAffine(t, box.x + box.w + pad, box.y + box.h + pad)];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))));
  const x1 = Math.min(img.width, Math.ceil(Math.max(...corners.map((c) => c.x))));
  const y1 = Math.min(img.height, Math.ceil(Math.max(...corners.map((c) => c.y))));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 21 || h < 21) return null;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let j = 0; j < h; j++) {
    const row = (y0 + j) * img.width + x0;
    for (let i = 0; i < w; i++) {
      const g = img.data[row + i];
      const o = (j * w + i) * 4;
      rgba[o] = g;
      rgba[o + 1] = g;
      rgba[o + 2] = g;
      rgba[o + 3] = 255;
    }
  }
  // Printed black on paper only: no need for jsQR's second pass over the inverted image.
  const found = jsQR(rgba, w, h, { inversionAttempts: 'dontInvert' });
  return found?.data ?? null;
}
