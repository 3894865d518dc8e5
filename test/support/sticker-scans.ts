// Barcode stickers on synthetic scans: a 考务 label with the exam number as Code 128 (bwip-js, as the 准考证 and sticker
// PDFs print it), stuck in a sheet's sticker area (条形码粘贴区) — straight, askew, smudged, half covered, or not at
// all — before the scanner's distortions (omr-corpus.ts). Used by the OMR corpus's sticker variant and its test.
import bwipjs from 'bwip-js';
import sharp, { type OverlayOptions } from 'sharp';
import type { GrayImage } from '../../src/scans/domain/gray-image.js';
import type { Box } from '../../src/sheets/domain/layout.js';

/** What happened to the sticker; the first three must read, the others must fall back to the bubbles or the QR code. */
export type StickerSpoil = 'clean' | 'askew' | 'scuffed' | 'smudged' | 'half-covered' | 'missing';
export const READABLE_SPOILS: StickerSpoil[] = ['clean', 'askew', 'scuffed'];
export const STICKER_SPOILS: StickerSpoil[] = ['clean', 'askew', 'scuffed', 'smudged', 'half-covered', 'missing'];

/** The label: 50 × 20 mm, bars 0.33 mm a module (13 mil, the usual for a label printer), digits under them. */
const LABEL_W_MM = 50;
const LABEL_H_MM = 20;
const MODULE_MM = 0.33;
/** bwip-js draws this many pixels a module; the label is then resized to the scan's resolution (as a scan blurs it). */
const RENDER_PX_PER_MODULE = 6;

/** Grey level of label paper (whiter than the sheet's, as labels are) and of its bars. */
const LABEL_PAPER = 254;

/** The label as RGBA pixels at `dpi`, spoilt as asked (before it is stuck on; 'missing' is never drawn). */
async function label(examNo: string, dpi: number, spoil: StickerSpoil, rng: () => number): Promise<Buffer> {
  const pxPerMm = dpi / 25.4;
  const png = await bwipjs.toBuffer({
    bcid: 'code128',
    text: examNo,
    scale: RENDER_PX_PER_MODULE,
    height: 11,
    includetext: true,
    textxalign: 'center',
    textsize: 9,
  });
  const meta = await sharp(png).metadata();
  const f = (MODULE_MM * pxPerMm) / RENDER_PX_PER_MODULE;
  const bw = Math.max(1, Math.round(meta.width! * f));
  const bh = Math.max(1, Math.round(meta.height! * f));
  const code = await sharp(png)
    .flatten({ background: '#ffffff' })
    .resize(bw, bh, { kernel: 'linear' })
    .png()
    .toBuffer();
  const lw = Math.round(LABEL_W_MM * pxPerMm);
  const lh = Math.round(LABEL_H_MM * pxPerMm);
  const marks: OverlayOptions[] = [{ input: code, left: Math.round((lw - bw) / 2), top: Math.round((lh - bh) / 2) }];
  const codeLeft = Math.round((lw - bw) / 2);
  if (spoil === 'smudged') {
    // ink over a fifth of the bars, top to bottom: no row crosses the symbol whole
    const w = Math.round(bw * 0.2);
    marks.push(blot(w, lh, codeLeft + Math.round(bw * (0.3 + 0.3 * rng())), 0, 60));
  } else if (spoil === 'scuffed') {
    // a pencil stroke across the top third of the bars: the rows below it still read
    marks.push(blot(bw, Math.max(2, Math.round(bh * 0.12)), codeLeft, Math.round((lh - bh) / 2 + bh * 0.15), 90));
  } else if (spoil === 'half-covered') {
    // a piece of paper over the right half of the label
    marks.push(blot(Math.ceil(lw / 2), lh, Math.floor(lw / 2), 0, 250));
  }
  return sharp({
    create: {
      width: lw,
      height: lh,
      channels: 4,
      background: { r: LABEL_PAPER, g: LABEL_PAPER, b: LABEL_PAPER, alpha: 1 },
    },
  })
    .composite(marks)
    .png()
    .toBuffer();
}

function blot(width: number, height: number, left: number, top: number, grey: number): OverlayOptions {
  return {
    input: { create: { width, height, channels: 4, background: { r: grey, g: grey, b: grey, alpha: 1 } } },
    left,
    top,
  };
}

/**
 * The page with a label of `examNo` stuck in the sticker area `area` (sheet points), at a random place inside it,
 * turned a little (askew: 2–4°; otherwise under 1°). The page is an undistorted raster of `dpi`.
 */
export async function stickSticker(
  page: GrayImage,
  dpi: number,
  area: Box,
  examNo: string,
  spoil: StickerSpoil,
  rng: () => number,
): Promise<GrayImage> {
  if (spoil === 'missing') return page;
  const k = dpi / 72;
  const sign = rng() < 0.5 ? -1 : 1;
  const angle = sign * (spoil === 'askew' ? 2 + 2 * rng() : rng());
  const turned = await sharp(await label(examNo, dpi, spoil, rng))
    .rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const { width: tw, height: th } = turned.info;
  // anywhere in the area; a label a little taller than the room left sticks over the frame, as people do
  const roomX = area.w * k - tw;
  const roomY = area.h * k - th;
  const left = Math.round(area.x * k + Math.max(0, roomX) * (0.1 + 0.8 * rng()) + Math.min(0, roomX) / 2);
  const top = Math.round(area.y * k + Math.max(0, roomY) * rng() + Math.min(0, roomY) / 2);
  const { data, info } = await sharp(Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength), {
    raw: { width: page.width, height: page.height, channels: 1 },
  })
    .composite([{ input: turned.data, left, top }])
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
