// The one place scans meet a barcode library: the Code 128 sticker (条形码) in a sheet's sticker area, decoded with
// ZXing's Code 128 reader (@zxing/library) from the rows of the area seen upright (domain/sticker-area.ts).
import { createRequire } from 'node:module';
import type * as ZXingModule from '@zxing/library';
import type { Box } from '../sheets/domain/layout.js';
import type { Affine, GrayImage } from './domain/gray-image.js';
import { uprightRows, type UprightRows } from './domain/sticker-area.js';

type ZXing = typeof ZXingModule;
interface Decoder {
  z: ZXing;
  reader: ZXingModule.Code128Reader;
  source: (rows: UprightRows) => ZXingModule.LuminanceSource;
  local: (source: ZXingModule.LuminanceSource) => ZXingModule.Binarizer;
}
/** Half-width of the local threshold's window: about three narrow bars at PX_PER_PT. */
const LOCAL_WINDOW_PX = 8;
/** Below this spread of grey levels a stretch of row is all paper (or all ink): nothing set. */
const MIN_CONTRAST = 40;

/**
 * The minimum (or maximum, by `keep`) of v over [x − w, x + w] for every x, in one pass: a queue of indices whose values
 * are kept in order, the front leaving once it falls out of the window.
 */
function slidingExtreme(v: Uint8ClampedArray, w: number, keep: (a: number, b: number) => boolean): Uint8Array {
  const n = v.length;
  const out = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n + w; i++) {
    if (i < n) {
      while (tail > head && keep(v[i], v[queue[tail - 1]])) tail--;
      queue[tail++] = i;
    }
    const x = i - w;
    if (x < 0) continue;
    while (queue[head] < x - w) head++;
    out[x] = v[queue[head]];
  }
  return out;
}
let decoder: Decoder | undefined;

/**
 * @zxing/library (CommonJS, required from ESM), loaded on first use: a sheet without a sticker area never needs it. Its
 * luminance source is given rows on demand: the 1D reader asks for a few dozen rows, never the whole area.
 */
function load(): Decoder {
  if (decoder) return decoder;
  const z = createRequire(import.meta.url)('@zxing/library') as ZXing;
  class RowsSource extends z.LuminanceSource {
    constructor(private readonly rows: UprightRows) {
      super(rows.width, rows.height);
    }
    getRow(y: number, row?: Uint8ClampedArray): Uint8ClampedArray {
      const out = row && row.length >= this.rows.width ? row : new Uint8ClampedArray(this.rows.width);
      return this.rows.row(y, out);
    }
    getMatrix(): Uint8ClampedArray {
      const { width, height } = this.rows;
      const all = new Uint8ClampedArray(width * height);
      for (let y = 0; y < height; y++) this.rows.row(y, all.subarray(y * width, (y + 1) * width));
      return all;
    }
    invert(): ZXingModule.LuminanceSource {
      return new z.InvertedLuminanceSource(this);
    }
  }
  /**
   * Rows thresholded at the middle of the darkest and lightest level within a few modules either side: a bar blurred by
   * the scan stays darker than its white neighbours though not darker than the row's global black point.
   */
  class LocalRowBinarizer extends z.GlobalHistogramBinarizer {
    getBlackRow(y: number, row: ZXingModule.BitArray): ZXingModule.BitArray {
      const source = this.getLuminanceSource();
      const width = source.getWidth();
      const out = row && row.getSize() >= width ? row : new z.BitArray(width);
      out.clear();
      const lum = source.getRow(y, new Uint8ClampedArray(width));
      const lo = slidingExtreme(lum, LOCAL_WINDOW_PX, (a, b) => a <= b);
      const hi = slidingExtreme(lum, LOCAL_WINDOW_PX, (a, b) => a >= b);
      for (let x = 0; x < width; x++) if (hi[x] - lo[x] >= MIN_CONTRAST && lum[x] < (lo[x] + hi[x]) / 2) out.set(x);
      return out;
    }
    createBinarizer(source: ZXingModule.LuminanceSource): ZXingModule.Binarizer {
      return new LocalRowBinarizer(source);
    }
  }
  decoder = {
    z,
    reader: new z.Code128Reader(),
    source: (rows) => new RowsSource(rows),
    local: (src) => new LocalRowBinarizer(src),
  };
  return decoder;
}

/**
 * Pixels per point the area is read at. A sticker's narrowest bar is 0.25–0.33 mm (0.7–0.94 pt): at 3 px/pt it is 2–3
 * px, what ZXing's row scanner reads reliably, whatever the scan's own resolution (150 dpi is 2.1 px/pt: upscaled).
 * 4 px/pt read no more stickers of the corpus at 150 dpi and took twice as long.
 */
const PX_PER_PT = 3;
/** Round the area: a label stuck over its frame still has its bars and quiet zone in the cut. */
const MARGIN_PT = 6;

/** Text of the Code 128 barcode stuck in the sticker area at `box` (sheet points) of the page `t` maps into `img`, or null. */
export function readStickerAt(img: GrayImage, t: Affine, box: Box): string | null {
  const { z, reader, source, local } = load();
  const src = source(uprightRows(img, t, box, MARGIN_PT, PX_PER_PT));
  const attempt = (binarizer: ZXingModule.Binarizer) => {
    try {
      return reader.decode(new z.BinaryBitmap(binarizer)).getText();
    } catch (err) {
      if (err instanceof z.NotFoundException || err instanceof z.ChecksumException || err instanceof z.FormatException)
        return null;
      throw err;
    }
  };
  // ZXing's own row threshold first; the local one reads blurred bars it misses (the corpus at 200 dpi with a 1.2 px blur:
  // 5 of 6 clean stickers read with the first alone, 6 of 6 with both). TRY_HARDER (every row, and the area turned a
  // quarter) read no more stickers on the corpus at 150, 200 or 300 dpi and cost 4–8 times as much on a spoilt one.
  return attempt(new z.GlobalHistogramBinarizer(src)) ?? attempt(local(src));
}
