// Quarter turns of a grey image, for pages a person says were scanned sideways or upside down. Pure.
import type { GrayImage } from './gray-image.js';

export const QUARTER_TURNS = [0, 90, 180, 270] as const;
export type QuarterTurn = (typeof QUARTER_TURNS)[number];

export function isQuarterTurn(v: unknown): v is QuarterTurn {
  return typeof v === 'number' && (QUARTER_TURNS as readonly number[]).includes(v);
}

/** The image turned clockwise by `degrees` (0, 90, 180 or 270). */
export function rotateGray(img: GrayImage, degrees: QuarterTurn): GrayImage {
  const { width: w, height: h, data } = img;
  if (degrees === 0) return img;
  const out = new Uint8Array(w * h);
  if (degrees === 180) {
    for (let i = 0, n = w * h; i < n; i++) out[i] = data[n - 1 - i];
    return { width: w, height: h, data: out };
  }
  // Turned a quarter: the new image is h wide and w high.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      // clockwise: (x, y) lands at (h-1-y, x); anticlockwise (270): at (y, w-1-x)
      const target = degrees === 90 ? x * h + (h - 1 - y) : (w - 1 - x) * h + y;
      out[target] = data[row + x];
    }
  }
  return { width: h, height: w, data: out };
}
