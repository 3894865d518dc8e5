import type { Affine, GrayImage } from './gray-image.js';
import { readStickerArea, stickerAreaInked, uprightRows } from './sticker-area.js';

const K = 2; // px per pt
const T: Affine = { a: K, b: 0, c: 0, d: 0, e: K, f: 0 };
const AREA = { x: 20, y: 10, w: 100, h: 40 };

/** A 150 × 70 pt page at 2 px/pt: paper 245, light grey hint text (180) in the area, and `bars` dark stripes. */
function page(bars: number, hint = true): GrayImage {
  const width = 150 * K;
  const height = 70 * K;
  const data = new Uint8Array(width * height).fill(245);
  const fill = (x0: number, y0: number, w: number, h: number, g: number) => {
    for (let y = y0 * K; y < (y0 + h) * K; y++) data.fill(g, y * width + x0 * K, y * width + (x0 + w) * K);
  };
  if (hint) fill(50, 25, 40, 8, 180);
  for (let b = 0; b < bars; b++) fill(40 + 3 * b, 20, 1, 20, 30);
  return { width, height, data };
}

describe('sticker area', () => {
  it.each([
    ['paper and the light printed hint only', 0, false],
    ['a label of bars', 12, true],
    ['a single stray mark under 1 % of the area', 1, false],
  ] as const)('%s (%p bars): inked %p', (_name, bars, inked) => {
    expect(stickerAreaInked(page(bars), T, AREA)).toBe(inked);
  });

  it('does not decode an empty area, and says what a decoder found', () => {
    let calls = 0;
    const decoder = (text: string | null) => () => {
      calls++;
      return text;
    };
    expect(readStickerArea(page(0), T, AREA, decoder('20240107'))).toEqual({ state: 'empty' });
    expect(calls).toBe(0);
    expect(readStickerArea(page(12), T, AREA, decoder('20240107'))).toEqual({ state: 'read', examNo: '20240107' });
    expect(readStickerArea(page(12), T, AREA, decoder(null))).toEqual({ state: 'unreadable' });
  });

  it('resamples the area upright, a page turned 90° read as if it were not', () => {
    const img = page(12, false);
    // the same page turned a quarter clockwise: sheet (x, y) lands at (H − y, x)
    const turned: GrayImage = { width: img.height, height: img.width, data: new Uint8Array(img.data.length) };
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++)
        turned.data[x * turned.width + (img.height - 1 - y)] = img.data[y * img.width + x];
    const t90: Affine = { a: 0, b: -K, c: img.height, d: K, e: 0, f: 0 };
    const a = uprightRows(img, T, AREA, 0, 1);
    const b = uprightRows(turned, t90, AREA, 0, 1);
    const j = 20; // through the bars
    const ra = Array.from(a.row(j, new Uint8ClampedArray(a.width)));
    const rb = Array.from(b.row(j, new Uint8ClampedArray(b.width)));
    expect(a.width).toBe(100);
    expect(rb.map((v, i) => Math.abs(v - ra[i]) <= 1)).toEqual(ra.map(() => true));
    expect(ra.filter((v) => v < 100).length).toBeGreaterThanOrEqual(12);
  });
});
