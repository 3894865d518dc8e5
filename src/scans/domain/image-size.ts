// How large a page image may be in pixels, and what a scanner reads when one is larger: its size, not "damaged".

/** Largest image decoded: A4 at 600 dpi is 35 M pixels; far beyond is not a page scan (or is a decompression bomb). */
export const MAX_PAGE_PIXELS = 120_000_000;

/** 36 亿, 1.2 亿, 3500 万. */
function pixelsInWords(n: number): string {
  if (n >= 1e8) return `${(n / 1e8).toFixed(1).replace(/\.0$/, '')} 亿`;
  return `${Math.round(n / 1e4)} 万`;
}

/** Why an image of this size is refused, in Chinese with its size; null when it is within the cap. */
export function oversizeReason(width: number, height: number, maxPixels = MAX_PAGE_PIXELS): string | null {
  if (!(width > 0 && height > 0) || width * height <= maxPixels) return null;
  return `图像尺寸过大（${width}×${height} 像素，约 ${pixelsInWords(width * height)}像素；单页最多 ${pixelsInWords(maxPixels)}像素），不像是答题卡扫描件，请以 150–300 dpi 重新扫描`;
}
