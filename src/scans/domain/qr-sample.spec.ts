import { jest } from '@jest/globals';
import { buildSheetLayout, QR_MODULE_PT, type LayoutItem, type PageLayout } from '../../sheets/domain/layout.js';
import { pageQrText } from '../../sheets/domain/page-qr.js';
import { A4 } from '../../sheets/domain/layout.js';
import {
  pagePointToPixel,
  renderSyntheticPage,
  type ScanDistortion,
} from '../../../test/support/synthetic/synthetic-scan.js';
import { qrModules } from '../../sheets/qr-symbol.js';
import type { Affine, GrayImage } from './gray-image.js';
import { readQrGrid, sampleQrModules } from './qr-sample.js';
import { readPage, sheetFrame } from './read-page.js';

// prettier-ignore
const ITEMS: LayoutItem[] = [
  ...Array.from({ length: 4 }, (_, n) => ({ id: 11 + n, label: String(n + 1), type: 'single_choice' as const, maxScore: 3, optionCount: 4, boxHeightMm: 0 })),
  { id: 19, label: '5', type: 'subjective', maxScore: 10, optionCount: 0, boxHeightMm: 60 },
];
const LAYOUT = buildSheetLayout({
  paperSize: 'A4',
  examId: 3,
  paperId: 42,
  title: '数学',
  subject: '数学',
  examNoDigits: 8,
  items: ITEMS,
});
const PAGE = LAYOUT.pages[0];
const BOX = PAGE.qr!;
const TEXT = pageQrText({ examId: 3, paperId: 42, pageNo: 1, studentId: 20250117 });

function scan(dpi: number, d: ScanDistortion): GrayImage {
  return renderSyntheticPage(
    LAYOUT,
    1,
    { examNo: '', choices: {}, subjective: {} },
    { dpi, distortion: d, seed: 5, qr: qrModules(TEXT) },
  );
}

/** The exact sheet → image map of a synthetic scan (what the fiducial fit approximates). */
function transformOf(dpi: number, d: ScanDistortion): Affine {
  const o = pagePointToPixel(0, 0, dpi, d, A4);
  const x = pagePointToPixel(1, 0, dpi, d, A4);
  const y = pagePointToPixel(0, 1, dpi, d, A4);
  return { a: x.x - o.x, b: y.x - o.x, c: o.x, d: x.y - o.y, e: y.y - o.y, f: o.y };
}

const shifted = (t: Affine, dxPt: number, dyPt: number): Affine => ({
  ...t,
  c: t.c + t.a * dxPt + t.b * dyPt,
  f: t.f + t.d * dxPt + t.e * dyPt,
});

describe('readQrGrid (the QR code read where the alignment puts it)', () => {
  // prettier-ignore
  it.each([
    [150, 0, 0],
    [150, -10, 8],
    [200, 3.5, 0],
    [300, 10, 12],
    [100, 1.5, 6],
  ])('reads the symbol at %i dpi, rotated %f°, noise SD %i', (dpi, rotationDeg, noise) => {
    const d = { rotationDeg, shiftXPx: 13, shiftYPx: -21, scale: 1.004, noise };
    const img = scan(dpi, d);
    const t = transformOf(dpi, d);
    expect(readQrGrid(img, t, BOX)).toBe(TEXT);
    // the fiducial fit is off by a fraction of a module near the QR code: the finders put the grid right
    expect(readQrGrid(img, shifted(t, 0.6 * QR_MODULE_PT, -0.5 * QR_MODULE_PT), BOX)).toBe(TEXT);
  });

  it('identifies the page through readPage, upright and upside down, without the general reader', () => {
    const frame = sheetFrame(LAYOUT);
    const resolve = (paperId: number, pageNo: number): PageLayout | null =>
      paperId === 42 ? (LAYOUT.pages.find((p) => p.pageNo === pageNo) ?? null) : null;
    const img = scan(150, { rotationDeg: 1.2, shiftXPx: 5, shiftYPx: 9, scale: 1, noise: 8 });
    const turned: GrayImage = { ...img, data: img.data.slice().reverse() };
    for (const page of [img, turned]) {
      // the general reader is the fallback: not needed, on the upside-down page either (no search of the empty corner)
      const general = jest.fn(() => null);
      const r = readPage(page, frame, resolve, { readQr: general, examId: 3 });
      expect(general).not.toHaveBeenCalled();
      // a personalised sheet: its exam number may be left blank
      expect(r.ok && [r.paperId, r.pageNo, r.studentId, r.pageCodeSource, r.examNo, r.alignment.upsideDown]).toEqual([
        42,
        1,
        20250117,
        'qr',
        null,
        page === turned,
      ]);
    }
  });

  it('finds nothing where there is no symbol, or where its finder patterns are spoilt', () => {
    const d = { rotationDeg: 0.5, shiftXPx: 0, shiftYPx: 0, scale: 1, noise: 4 };
    const img = scan(200, d);
    const t = transformOf(200, d);
    // the box read through the upside-down transform: blank paper and text there
    expect(
      sampleQrModules(
        img,
        {
          a: -t.a,
          b: -t.b,
          c: t.a * A4.width + t.b * A4.height + t.c,
          d: -t.d,
          e: -t.e,
          f: t.d * A4.width + t.e * A4.height + t.f,
        },
        BOX,
      ),
    ).toBeNull();
    // too far off for the finders to be found near their places
    expect(readQrGrid(img, shifted(t, 3.5 * QR_MODULE_PT, 0), BOX)).toBeNull();
    // the top-right finder whited out
    const spoilt = { ...img, data: img.data.slice() };
    for (let y = BOX.y - 1; y < BOX.y + 9 * QR_MODULE_PT; y += 0.2) {
      for (let x = BOX.x + BOX.w - 9 * QR_MODULE_PT; x < BOX.x + BOX.w + 1; x += 0.2) {
        const p = pagePointToPixel(x, y, 200, d, A4);
        spoilt.data[Math.floor(p.y) * img.width + Math.floor(p.x)] = 240;
      }
    }
    expect(sampleQrModules(spoilt, t, BOX)).toBeNull();
    // readPage then asks the general reader, on both attempts, and falls back to the bubble page code
    const general = jest.fn(() => null);
    const r = readPage(
      spoilt,
      sheetFrame(LAYOUT),
      (paperId, pageNo) => (paperId === 42 ? (LAYOUT.pages.find((p) => p.pageNo === pageNo) ?? null) : null),
      { readQr: general, examId: 3 },
    );
    expect(general).toHaveBeenCalled();
    expect(r.ok || [r.code, r.paperId, r.pageNo, r.pageCodeSource]).toEqual(['EXAMNO_BLANK', 42, 1, 'bubbles']);
  });
});
