import { MAX_PAGE_PIXELS, oversizeReason } from './image-size.js';

describe('oversizeReason', () => {
  it.each([
    [2480, 3508, null], // A4 at 300 dpi
    [10000, 12000, null], // exactly the cap
    [
      60000,
      60000,
      '图像尺寸过大（60000×60000 像素，约 36 亿像素；单页最多 1.2 亿像素），不像是答题卡扫描件，请以 150–300 dpi 重新扫描',
    ],
    [
      20000,
      10000,
      '图像尺寸过大（20000×10000 像素，约 2 亿像素；单页最多 1.2 亿像素），不像是答题卡扫描件，请以 150–300 dpi 重新扫描',
    ],
    [0, 0, null],
  ])('%i×%i', (w, h, reason) => {
    expect(oversizeReason(w, h)).toBe(reason);
  });

  it('says the cap it was given', () => {
    expect(oversizeReason(1000, 1000, 500_000)).toContain('单页最多 50 万像素');
    expect(MAX_PAGE_PIXELS).toBe(120_000_000);
  });
});
