// Binary PGM (P5) as pdftoppm -gray writes it, read into grey pixels: the sheet tests and the OMR corpus read the
// printed sheet back this way.
import type { GrayImage } from '../../src/scans/domain/gray-image.js';

/** P5 <w> <h> <max> then one byte per pixel. */
export function readPgm(buf: Buffer): GrayImage {
  const header = buf
    .subarray(0, 64)
    .toString('latin1')
    .match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, data: new Uint8Array(buf.subarray(header[0].length, header[0].length + width * height)) };
}
