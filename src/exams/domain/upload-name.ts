// Multer hands over a multipart file name as Latin-1 even when the browser sent UTF-8 ("细目表.xlsx" arrives as
// mojibake). Re-read it as UTF-8 when that is what the bytes are; keep it as it is otherwise.
export function uploadedFileName(raw: string): string {
  if (![...raw].some((c) => c.charCodeAt(0) >= 0x80) || [...raw].some((c) => c.charCodeAt(0) > 0xff)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}
