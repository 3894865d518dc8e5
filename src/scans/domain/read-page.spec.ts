import { buildSheetLayout, type LayoutItem, type PageLayout, type SheetLayout } from '../../sheets/domain/layout.js';
import {
  mulberry32,
  NO_DISTORTION,
  randomDistortion,
  renderSyntheticPage,
} from '../../../test/support/synthetic/synthetic-scan.js';
import { findFiducials, fitHomography } from './align.js';
import { cutBox, cutBoxProjective } from './cut-snippet.js';
import type { GrayImage } from './gray-image.js';
import { readChoices, readPageCode } from './omr.js';
import { alignmentJson } from './page-verdict.js';
import { readPage, type SheetFrame } from './read-page.js';

// prettier-ignore
const ITEMS: LayoutItem[] = [
  ...Array.from({ length: 6 }, (_, n) => ({ id: 11 + n, label: String(n + 1), type: 'single_choice' as const, maxScore: 3, optionCount: 4, boxHeightMm: 0 })),
  { id: 17, label: '7', type: 'multiple_choice', maxScore: 5, optionCount: 5, boxHeightMm: 0 },
  { id: 18, label: '8', type: 'true_false', maxScore: 2, optionCount: 2, boxHeightMm: 0 },
  { id: 19, label: '9', type: 'subjective', maxScore: 10, optionCount: 0, boxHeightMm: 80 },
  { id: 20, label: '10', type: 'subjective', maxScore: 12, optionCount: 0, boxHeightMm: 90 },
];
const LAYOUT: SheetLayout = buildSheetLayout({
  examId: 3,
  paperId: 42,
  title: '数学',
  subject: '数学',
  examNoDigits: 8,
  items: ITEMS,
});
const FRAME: SheetFrame = {
  page: LAYOUT.page,
  fiducials: LAYOUT.pages[0].fiducials,
  pageCodeCells: LAYOUT.pages[0].pageCode.cells,
};
const resolve = (paperId: number, pageNo: number): PageLayout | null =>
  paperId === 42 ? (LAYOUT.pages.find((p) => p.pageNo === pageNo) ?? null) : null;

const CHOICES = { 11: 'A', 12: 'B', 13: '', 14: 'D', 15: 'C', 16: 'A', 17: 'ACE', 18: 'F' };

function scan(
  examNo: string,
  seed: number,
  opts: { dpi?: number; slight?: boolean; layout?: SheetLayout; pageNo?: number } = {},
): GrayImage {
  const rng = mulberry32(seed);
  return renderSyntheticPage(
    opts.layout ?? LAYOUT,
    opts.pageNo ?? 1,
    { examNo, choices: CHOICES, subjective: {} },
    {
      dpi: opts.dpi ?? 150,
      distortion: opts.slight === false ? NO_DISTORTION : randomDistortion(rng),
      seed,
    },
  );
}

describe('readPage on synthetic scans', () => {
  it.each([1, 2, 3, 4, 5])(
    'reads page code, exam number and every choice of a slightly distorted page (seed %i)',
    (seed) => {
      const r = readPage(scan('20240123', seed), FRAME, resolve);
      if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
      expect([r.paperId, r.pageNo, r.alignment.upsideDown]).toEqual([42, 1, false]);
      expect(r.alignment.rmsPx).toBeLessThan(1);
      expect(r.examNo?.examNo).toBe('20240123');
      expect(Object.fromEntries(r.choices.map((c) => [c.itemId, c.marked]))).toEqual(CHOICES);
      expect(r.choices.find((c) => c.itemId === 13)?.verdict).toBe('blank');
      expect(r.choices.find((c) => c.itemId === 17)?.verdict).toBe('multiple');
    },
  );

  it('reads at 100 dpi too', () => {
    const r = readPage(scan('99887766', 9, { dpi: 100 }), FRAME, resolve);
    if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
    expect(r.examNo?.examNo).toBe('99887766');
  });

  it('reads a sheet fed upside down', () => {
    const img = scan('20240123', 6);
    const turned = { ...img, data: img.data.slice().reverse() };
    const r = readPage(turned, FRAME, resolve);
    if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
    expect(r.alignment.upsideDown).toBe(true);
    expect(r.examNo?.examNo).toBe('20240123');
    expect(r.choices.find((c) => c.itemId === 17)?.marked).toBe('ACE');
  });

  it('reads the second page of the sheet (no exam number there)', () => {
    expect(LAYOUT.pages.length).toBe(2);
    const r = readPage(scan('20240123', 7, { pageNo: 2 }), FRAME, resolve);
    if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
    expect([r.pageNo, r.examNo, r.choices]).toEqual([2, null, []]);
  });

  it('names the column of an incompletely filled exam number and never guesses it', () => {
    const r = readPage(scan('2024 123', 8), FRAME, resolve);
    expect(r).toMatchObject({
      ok: false,
      code: 'EXAMNO_BLANK',
      reason: '考号填涂不完整（第5位）',
      examNoPartial: '2024?123',
      paperId: 42,
      pageNo: 1,
    });
  });

  it('turns away a sheet of another exam, a blank page, a landscape and a tiny image', () => {
    const other = buildSheetLayout({
      examId: 4,
      paperId: 77,
      title: '语文',
      subject: '语文',
      examNoDigits: 8,
      items: ITEMS,
    });
    expect(readPage(scan('20240123', 10, { layout: other }), FRAME, resolve)).toMatchObject({
      ok: false,
      code: 'PAPER_NOT_IN_EXAM',
    });
    const white: GrayImage = { width: 1240, height: 1754, data: new Uint8Array(1240 * 1754).fill(240) };
    // A blank page (the back of a sheet scanned duplex) is recognised as such and skipped, not an exception.
    expect(readPage(white, FRAME, resolve)).toMatchObject({ ok: false, code: 'BLANK_PAGE' });
    // Also when a speck of it looks like a fiducial (the blank check then comes after the search, not before it).
    const specked: GrayImage = { width: 1240, height: 1754, data: white.data.slice() };
    const k = 1240 / FRAME.page.width;
    const f0 = FRAME.fiducials[0];
    const side = Math.round(0.7 * f0.size * k);
    const [sx, sy] = [Math.round(f0.cx * k - side / 2), Math.round(f0.cy * k - side / 2)];
    for (let j = sy; j < sy + side; j++) specked.data.fill(20, j * 1240 + sx, j * 1240 + sx + side);
    expect(findFiducials(specked, FRAME.fiducials, k).filter((p) => p !== null)).toHaveLength(1);
    expect(readPage(specked, FRAME, resolve)).toMatchObject({ ok: false, code: 'BLANK_PAGE' });
    // A page with some marks but no fiducials is still an exception.
    const smudged: GrayImage = { width: 1240, height: 1754, data: white.data.slice() };
    for (let j = 600; j < 900; j++) smudged.data.fill(30, j * 1240 + 300, j * 1240 + 900);
    expect(readPage(smudged, FRAME, resolve)).toMatchObject({
      ok: false,
      code: 'FIDUCIALS_NOT_FOUND',
      reason: expect.stringContaining('找不到定位点'),
    });
    expect(readPage({ width: 1754, height: 1240, data: white.data }, FRAME, resolve)).toMatchObject({
      ok: false,
      code: 'IMAGE_ORIENTATION',
    });
    expect(readPage({ width: 400, height: 566, data: new Uint8Array(400 * 566) }, FRAME, resolve)).toMatchObject({
      ok: false,
      code: 'LOW_RESOLUTION',
    });
  });

  it('does not read a page whose page-code cells have been scribbled over', () => {
    const img = scan('20240123', 11, { slight: false });
    const k = 150 / 72;
    // a grey smear over the page-code strip: neither clearly printed nor clearly blank
    for (const c of LAYOUT.pages[0].pageCode.cells)
      for (let j = Math.floor(c.y * k); j < Math.ceil((c.y + c.h) * k); j++)
        for (let i = Math.floor(c.x * k); i < Math.ceil((c.x + c.w) * k); i++) img.data[j * img.width + i] = 150;
    expect(readPage(img, FRAME, resolve)).toMatchObject({
      ok: false,
      code: 'PAGE_CODE_UNREADABLE',
      reason: '无法识别页码',
    });
  });
});

/** A flat sheet imaged tilted: the image's top corners moved in by `f` of the width each (a homography), bilinear. */
function keystone(img: GrayImage, f: number): GrayImage {
  const { width: w, height: h } = img;
  const corners = [
    { x: 0, y: 0 },
    { x: w, y: 0 },
    { x: 0, y: h },
    { x: w, y: h },
  ];
  const m = fitHomography([{ x: f * w, y: 0 }, { x: w - f * w, y: 0 }, corners[2], corners[3]], corners).homography;
  const out = new Uint8Array(w * h).fill(250);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const d = m[6] * (i + 0.5) + m[7] * (j + 0.5) + m[8];
      const u = (m[0] * (i + 0.5) + m[1] * (j + 0.5) + m[2]) / d - 0.5;
      const v = (m[3] * (i + 0.5) + m[4] * (j + 0.5) + m[5]) / d - 0.5;
      const x = Math.floor(u);
      const y = Math.floor(v);
      if (x < 0 || y < 0 || x + 1 >= w || y + 1 >= h) continue;
      const [fx, fy, o] = [u - x, v - y, y * w + x];
      const top = img.data[o] * (1 - fx) + img.data[o + 1] * fx;
      const bottom = img.data[o + w] * (1 - fx) + img.data[o + w + 1] * fx;
      out[j * w + i] = Math.round(top * (1 - fy) + bottom * fy);
    }
  return { width: w, height: h, data: out };
}

describe('readPage on a keystoned scan (the sheet tilted under the lens)', () => {
  it.each([0.008, 0.012])('samples the bubbles through the homography of the four fiducials (keystone %f)', (f) => {
    const img = keystone(scan('20240123', 1, { slight: false, dpi: 200 }), f);
    const r = readPage(img, FRAME, resolve);
    if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
    expect(r.alignment.fiducialsFound).toBe(4);
    expect(r.alignment.homography).not.toBeNull();
    // the affine misses the fiducials by pixels, and is kept only to judge them
    expect(r.alignment.maxPx).toBeGreaterThan(3);
    expect(r.examNo?.examNo).toBe('20240123');
    expect(Object.fromEntries(r.choices.map((c) => [c.itemId, c.marked]))).toEqual(CHOICES);
    expect(r.choices.every((c) => !c.needsReview)).toBe(true);
    // Sampled through the affine alone, the same page is no longer read right: some bubble is off its place.
    const byAffine = readChoices(img, r.alignment.transform, r.page.objective, null);
    const fillsOf = (rs: typeof r.choices) => rs.flatMap((c) => c.fills.filter((x) => x > 0.45));
    expect(Math.min(...fillsOf(r.choices))).toBeGreaterThan(Math.min(...fillsOf(byAffine)) + 0.1);
  });
});

describe('snippets of a keystoned scan (the sheet tilted under the lens)', () => {
  /** Pearson correlation of two equally sized grey images. */
  const correlation = (p: GrayImage, q: GrayImage) => {
    const n = p.data.length;
    let sp = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) [sp, sq] = [sp + p.data[i], sq + q.data[i]];
    const [mp, mq] = [sp / n, sq / n];
    let [cov, vp, vq] = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const [a, b] = [p.data[i] - mp, q.data[i] - mq];
      [cov, vp, vq] = [cov + a * b, vp + a * a, vq + b * b];
    }
    return cov / Math.sqrt(vp * vq);
  };

  it('cuts each box through the homography so it matches the flat page, where the affine cut does not', () => {
    const flatImg = scan('20240123', 1, { slight: false, dpi: 200 });
    const flat = readPage(flatImg, FRAME, resolve);
    const img = keystone(flatImg, 0.012);
    const r = readPage(img, FRAME, resolve);
    if (!flat.ok || !r.ok) throw new Error('not read');
    expect(r.alignment.homography).not.toBeNull();
    expect(alignmentJson(r.alignment)).toMatchObject({ model: 'homography', fiducialsFound: 4 });
    expect(alignmentJson(r.alignment)?.homography).toHaveLength(9);
    expect(alignmentJson(flat.alignment)).toMatchObject({ model: 'homography' });
    const k = 200 / 72;
    // the exam-number grid (top of the page, where the keystone moves the paper most) and each answer box
    const grid = r.page.examNo!.flat();
    const xs = grid.map((c) => c.cx);
    const ys = grid.map((c) => c.cy);
    const boxes = [
      { x: Math.min(...xs) - 8, y: Math.min(...ys) - 8, w: Math.max(...xs) - Math.min(...xs) + 16, h: 60 },
      ...r.page.subjective.map((b) => b.box),
    ];
    for (const box of boxes) {
      const want = cutBox(flatImg, flat.alignment.transform, box, 4, k);
      const projective = cutBoxProjective(img, r.alignment.homography!, box, 4, k);
      const affine = cutBox(img, r.alignment.transform, box, 4, k);
      expect(correlation(projective, want)).toBeGreaterThan(0.9);
      // (seen: 0.997 and 0.981 through the homography; 0.54 and 0.15 through the affine, a few pixels off)
      expect(correlation(affine, want)).toBeLessThan(0.9);
    }
  });

  it('reads the page code through the homography too: its cells fill as on the flat page', () => {
    const flatImg = scan('20240123', 1, { slight: false, dpi: 200 });
    const flat = readPage(flatImg, FRAME, resolve);
    const img = keystone(flatImg, 0.012);
    const r = readPage(img, FRAME, resolve);
    if (!flat.ok || !r.ok) throw new Error('not read');
    const want = readPageCode(flatImg, flat.alignment.transform, FRAME.pageCodeCells).fills;
    const off = (fills: number[]) => Math.max(...fills.map((f, n) => Math.abs(f - want[n])));
    const through = readPageCode(img, r.alignment.transform, FRAME.pageCodeCells, r.alignment.homography);
    const affine = readPageCode(img, r.alignment.transform, FRAME.pageCodeCells);
    expect(through.value).toBe(readPageCode(flatImg, flat.alignment.transform, FRAME.pageCodeCells).value);
    // (seen: 0 through the homography, 0.19 of a cell's fill through the affine)
    expect(off(through.fills)).toBeLessThan(0.05);
    expect(off(affine.fills)).toBeGreaterThan(0.1);
  });

  it('says "affine" for a page aligned by three fiducials', () => {
    const img = scan('20240123', 1, { slight: false });
    // the bottom-right fiducial painted over: three are left
    const f = FRAME.fiducials[3];
    const k = 150 / 72;
    for (let j = Math.floor((f.cy - f.size) * k); j < Math.ceil((f.cy + f.size) * k); j++)
      for (let i = Math.floor((f.cx - f.size) * k); i < Math.ceil((f.cx + f.size) * k); i++)
        img.data[j * img.width + i] = 250;
    const r = readPage(img, FRAME, resolve);
    if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
    expect(r.alignment.fiducialsFound).toBe(3);
    expect(alignmentJson(r.alignment)).toMatchObject({ model: 'affine' });
    expect(alignmentJson(r.alignment)).not.toHaveProperty('homography');
  });
});
