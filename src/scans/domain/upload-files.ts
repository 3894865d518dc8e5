// What an uploaded file is, and in which order a batch's images are taken. Pure.

export type UploadKind = 'png' | 'jpeg' | 'tiff' | 'zip';

/** Extension each stored image kind gets. */
export const IMAGE_EXT: Record<Exclude<UploadKind, 'zip'>, string> = { png: '.png', jpeg: '.jpg', tiff: '.tif' };

/** The file's kind from its first bytes (never from its name: scanners and users misname files). */
export function sniffKind(head: Uint8Array): UploadKind | null {
  const at = (bytes: number[], offset = 0) => bytes.every((b, n) => head[offset + n] === b);
  if (at([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (at([0xff, 0xd8, 0xff])) return 'jpeg';
  if (at([0x49, 0x49, 0x2a, 0x00]) || at([0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (at([0x50, 0x4b, 0x03, 0x04]) || at([0x50, 0x4b, 0x05, 0x06])) return 'zip';
  return null;
}

const IMAGE_NAME = /\.(png|jpe?g|tiff?)$/i;

/** Why a ZIP entry is not taken as a page image, or null if it should be tried. Folders and system litter are ignored silently (''). */
export function zipEntrySkipReason(name: string, uncompressedSize: number, maxBytes: number): string | null {
  const base = name.split('/').pop() ?? name;
  if (
    name.endsWith('/') ||
    name.startsWith('__MACOSX/') ||
    base.startsWith('.') ||
    /^(thumbs\.db|desktop\.ini)$/i.test(base)
  )
    return '';
  if (!IMAGE_NAME.test(base)) return '不是图片文件（仅支持 PNG、JPEG、TIFF）';
  if (uncompressedSize > maxBytes) return `图片过大（单张最多 ${Math.round(maxBytes / 1024 / 1024)} MB）`;
  return null;
}

/** Scanners number their files; take them in that order (page 2 follows page 1 of the same sheet): "p2" < "p10". */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** ZIP entry names are UTF-8 when the archive says so; Chinese Windows tools write GBK without saying so. */
export function decodeZipName(raw: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) return new TextDecoder('utf-8').decode(raw);
  const ascii = raw.every((b) => b < 0x80);
  if (ascii) return new TextDecoder('latin1').decode(raw);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder('gbk').decode(raw);
  }
}
