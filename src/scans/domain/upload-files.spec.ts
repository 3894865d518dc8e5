import { decodeZipName, naturalCompare, sniffKind, zipEntrySkipReason } from './upload-files.js';

describe('upload file helpers', () => {
  it('tells image kinds and ZIP from their first bytes, not their names', () => {
    expect(sniffKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffKind(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffKind(Uint8Array.from([0x49, 0x49, 0x2a, 0x00]))).toBe('tiff');
    expect(sniffKind(Uint8Array.from([0x4d, 0x4d, 0x00, 0x2a]))).toBe('tiff');
    expect(sniffKind(Uint8Array.from([0x50, 0x4b, 0x03, 0x04]))).toBe('zip');
    expect(sniffKind(new TextEncoder().encode('%PDF-1.7'))).toBeNull();
    expect(sniffKind(new Uint8Array(0))).toBeNull();
  });

  it('skips non-images in a ZIP with a reason and ignores folders and system litter', () => {
    expect(zipEntrySkipReason('scans/001.JPG', 1000, 1e6)).toBeNull();
    expect(zipEntrySkipReason('说明.docx', 1000, 1e6)).toBe('不是图片文件（仅支持 PNG、JPEG、TIFF）');
    expect(zipEntrySkipReason('big.tif', 2e6, 1e6)).toMatch(/^图片过大/);
    expect(zipEntrySkipReason('scans/', 0, 1e6)).toBe('');
    expect(zipEntrySkipReason('__MACOSX/scans/._001.jpg', 10, 1e6)).toBe('');
    expect(zipEntrySkipReason('scans/.DS_Store', 10, 1e6)).toBe('');
  });

  it('orders numbered scans naturally', () => {
    expect(['s-p10.png', 's-p2.png', 's-p1.png'].sort(naturalCompare)).toEqual(['s-p1.png', 's-p2.png', 's-p10.png']);
  });

  it('decodes GBK entry names written by Chinese Windows tools', () => {
    expect(decodeZipName(Uint8Array.from([0xd6, 0xd0, 0xce, 0xc4, 0x2e, 0x6a, 0x70, 0x67]), false)).toBe('中文.jpg');
    expect(decodeZipName(new TextEncoder().encode('数学/001.png'), true)).toBe('数学/001.png');
    expect(decodeZipName(new TextEncoder().encode('001.png'), false)).toBe('001.png');
  });
});
