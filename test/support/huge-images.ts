// Image files whose headers claim far more pixels than they hold: what a decompression bomb looks like to a reader
// that trusts the header. A few hundred bytes each; no pixel data behind the header.
import { deflateSync } from 'node:zlib';

/**
 * `first` (a little-endian single-page TIFF, as sharp writes one) followed by `pages` more pages of `width`×`height`
 * 8-bit grey whose pixels are only claimed (their strips are missing).
 */
export function withHugePages(first: Buffer, pages: number, width: number, height: number): Buffer {
  if (first.toString('latin1', 0, 2) !== 'II') throw new Error('expected a little-endian TIFF');
  // The first page's "next IFD" pointer, to be pointed at the pages appended.
  const ifd = first.readUInt32LE(4);
  const nextAt = ifd + 2 + 12 * first.readUInt16LE(ifd);
  const ifdSize = 2 + 9 * 12 + 4;
  const base = first.length + (first.length % 2); // IFDs start on a word boundary
  const out = Buffer.alloc(base + pages * ifdSize, 0);
  first.copy(out);
  out.writeUInt32LE(base, nextAt);
  for (let p = 0; p < pages; p++) {
    const list: [number, number, number][] = [
      [256, 4, width], // ImageWidth, LONG
      [257, 4, height], // ImageLength
      [258, 3, 8], // BitsPerSample
      [259, 3, 1], // Compression: none
      [262, 3, 1], // Photometric: black is zero
      [273, 4, base], // StripOffsets (nothing there)
      [277, 3, 1], // SamplesPerPixel
      [278, 4, height], // RowsPerStrip
      [279, 4, width * height], // StripByteCounts (claimed)
    ];
    let o = base + p * ifdSize;
    out.writeUInt16LE(list.length, o);
    o += 2;
    for (const [tag, type, value] of list) {
      out.writeUInt16LE(tag, o);
      out.writeUInt16LE(type, o + 2);
      out.writeUInt32LE(1, o + 4);
      if (type === 3) out.writeUInt16LE(value, o + 8);
      else out.writeUInt32LE(value >>> 0, o + 8);
      o += 12;
    }
    out.writeUInt32LE(p + 1 < pages ? base + (p + 1) * ifdSize : 0, o);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose header says `width`×`height` 8-bit grey, with one short row of data. */
export function hugePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + 64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
