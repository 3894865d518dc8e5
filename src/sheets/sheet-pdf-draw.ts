// Drawing primitives of the answer-sheet PDF (pdfkit): text placed by its baseline, bubbles, the QR symbol, and the
// inks they are printed in.
import type { Box, Circle } from './domain/layout.js';
import { qrModules } from './qr-symbol.js';

export type Doc = PDFKit.PDFDocument;

export const INK = '#000000';
export const TEXT = '#222222';
// Rings and the letters inside them are printed light, so that an unfilled bubble stays far from a pencil mark.
export const RING = '#7a7a7a';
const RING_LETTER = '#9a9a9a';
export const FRAME = '#555555';
export const LIGHT_FRAME = '#b4b4b4';

/** The QR symbol, one filled rectangle per run of dark modules in a row (vector: sharp at any print resolution). */
export function drawQr(doc: Doc, box: Box, payload: string) {
  const { size, data } = qrModules(payload);
  const m = box.w / size;
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!data[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && data[r * size + c]) c++;
      doc.rect(box.x + start * m, box.y + r * m, (c - start) * m, m);
    }
  }
  doc.fill(INK);
}

/** A printed bubble: thin light ring with its letter or digit inside. */
export function bubble(doc: Doc, b: Circle, label: string) {
  doc.lineWidth(0.7).circle(b.cx, b.cy, b.r).stroke(RING);
  text(doc, label, b.cx, b.cy, { size: 6, anchor: 'middle', middle: true, color: RING_LETTER });
}

/**
 * One line of text positioned by its baseline (or, with `middle`, by the middle of its capitals), anchored at its
 * start, middle or end; shrunk to maxWidth when given.
 */
export function text(
  doc: Doc,
  s: string,
  x: number,
  y: number,
  o: {
    font?: 'regular' | 'bold';
    size: number;
    anchor?: 'start' | 'middle' | 'end';
    middle?: boolean;
    color?: string;
    maxWidth?: number;
  },
) {
  let size = o.size;
  doc.font(o.font ?? 'regular').fontSize(size);
  if (o.maxWidth) {
    while (size > 4 && doc.widthOfString(s) > o.maxWidth) doc.fontSize((size -= 0.5));
  }
  const w = doc.widthOfString(s);
  const left = o.anchor === 'middle' ? x - w / 2 : o.anchor === 'end' ? x - w : x;
  const capHeight = ((doc as unknown as { _font: { capHeight: number } })._font.capHeight || 730) / 1000;
  const baseline = o.middle ? y + (capHeight * size) / 2 : y;
  doc.fillColor(o.color ?? TEXT).text(s, left, baseline, { lineBreak: false, baseline: 'alphabetic' });
}
