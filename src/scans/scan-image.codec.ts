// The one place scans meet sharp: decoding page images to grey pixels, encoding snippets, splitting TIFFs.
import sharp from 'sharp';
import type { GrayImage } from './domain/gray-image.js';
import { MAX_PAGE_PIXELS } from './domain/image-size.js';

/** Largest image we decode (domain/image-size.ts): anything far beyond A4 at 600 dpi is not a page scan. */
export const MAX_INPUT_PIXELS = MAX_PAGE_PIXELS;

/**
 * No @Injectable(): the class takes nothing in its constructor, so Nest provides it without the decorator, and the scan
 * threads (page-scan.worker.ts) load it without @nestjs/common: 3.4 MB less live heap for every full collection there
 * to mark (a thread collects every few pages, driven by the decoded pages' buffers).
 */
export class ScanImageCodec {
  /**
   * Grey 8-bit pixels of the image (its bytes, or the path of its file), upright by its EXIF orientation, transparency
   * on white; of `page` of a multi-page TIFF (0-based; the first page when absent). Throws if it cannot be decoded.
   */
  async decodeGray(data: Buffer | string, page?: number): Promise<GrayImage> {
    const { data: px, info } = await sharp(data, { page, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
  }

  /**
   * A JPEG decoded at half its size (libjpeg scales while it decodes, "shrink-on-load": about a third of the full
   * decode's CPU), grey; null for any other format (its caller decodes it whole).
   */
  async decodeGrayHalfJpeg(data: Buffer | string): Promise<GrayImage | null> {
    const meta = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (meta.format !== 'jpeg' || !meta.width || !meta.height) return null;
    const width = (meta.orientation ?? 1) >= 5 ? meta.height : meta.width;
    const { data: px, info } = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      // width/2 exactly when even: the decoder's own halving, nothing more (nearest for an odd width's last column)
      .resize({ width: Math.floor(width / 2), kernel: 'nearest', fastShrinkOnLoad: true })
      .greyscale()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
  }

  async encodeJpeg(img: GrayImage, quality = 80): Promise<Buffer> {
    // One-channel JPEG: half the work and size of the RGB one sharp would otherwise write. Standard Huffman tables
    // (no optimising second pass): less than half the CPU time for files about 7 % larger (measured on 150 dpi snippets).
    return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
      raw: { width: img.width, height: img.height, channels: 1 },
    })
      .toColourspace('b-w')
      .jpeg({ quality, mozjpeg: false, optimiseCoding: false })
      .toBuffer();
  }

  /** Number of pages of a (possibly multi-page) TIFF; 1 for anything else. */
  async pageCount(path: string): Promise<number> {
    const meta = await sharp(path, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    return meta.pages ?? 1;
  }

  /**
   * Width and height as the file's header says them (no pixel is decoded), of the first page or of `page`; null when
   * the header cannot be read.
   */
  async dimensions(data: Buffer | string, page?: number): Promise<{ width: number; height: number } | null> {
    try {
      const meta = await sharp(data, { page, limitInputPixels: false }).metadata();
      return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
    } catch {
      return null;
    }
  }

  /** One page of a multi-page TIFF as a lossless PNG. */
  async tiffPageAsPng(path: string | Buffer, page: number): Promise<Buffer> {
    return sharp(path, { page, limitInputPixels: MAX_INPUT_PIXELS }).png({ compressionLevel: 6 }).toBuffer();
  }

  /**
   * A small upright JPEG of a page for the exceptions list, turned clockwise as a person asked (0/90/180/270); of `page`
   * of a multi-page TIFF the page is still inside (0-based; the first page when absent).
   */
  async thumbnail(data: Buffer, width: number, rotation: number, page?: number): Promise<Buffer> {
    return sharp(data, { page, limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .rotate(rotation)
      .resize({ width, withoutEnlargement: true })
      .greyscale()
      .jpeg({ quality: 75 })
      .toBuffer();
  }

  /** Browsers do not show TIFF: such a page image is served as JPEG (of `page` of a multi-page TIFF, 0-based). */
  async browserViewable(data: Buffer, page?: number): Promise<Buffer> {
    return sharp(data, { page, limitInputPixels: MAX_INPUT_PIXELS }).rotate().jpeg({ quality: 85 }).toBuffer();
  }
}
