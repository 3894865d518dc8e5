import { buildSheetLayout, MM, type LayoutItem } from '../../../src/sheets/domain/layout.js';
import { randomStudentAnswers, type SyntheticItem } from './synthetic-answers.js';
import {
  cropGray,
  mulberry32,
  NO_DISTORTION,
  pagePointToPixel,
  randomDistortion,
  renderSyntheticPage,
  tallySquares,
  type GrayImage,
  type ScanDistortion,
} from './synthetic-scan.js';
import { readTallyScore } from './synthetic-tally.js';

// prettier-ignore
const paperItems: SyntheticItem[] = [
  ...Array.from({ length: 8 }, (_, k): SyntheticItem => ({ id: k + 1, type: k === 6 ? 'multiple_choice' : k === 7 ? 'true_false' : 'single_choice', maxScore: 3, scoreStep: 1, answerKey: k === 6 ? 'ACD' : k === 7 ? 'T' : 'ABCD'[k % 4], optionCount: 4 })),
  { id: 9, type: 'subjective', maxScore: 10, scoreStep: 1, answerKey: null, optionCount: 0 },
  { id: 10, type: 'subjective', maxScore: 20, scoreStep: 0.5, answerKey: null, optionCount: 0 },
  { id: 11, type: 'fill_in', maxScore: 4, scoreStep: 2, answerKey: null, optionCount: 0 },
];
const layoutItems: LayoutItem[] = paperItems.map((i) => ({
  id: i.id,
  label: String(i.id),
  type: i.type,
  maxScore: i.maxScore,
  optionCount: i.optionCount,
  boxHeightMm: i.id === 11 ? 15 : 40,
}));
const layout = buildSheetLayout({
  examId: 1,
  paperId: 9,
  title: '联考',
  subject: '数学',
  examNoDigits: 8,
  items: layoutItems,
});

const px = (img: GrayImage, x: number, y: number) => img.data[Math.floor(y) * img.width + Math.floor(x)];
/** Mean grey of a small square around a pixel coordinate. */
function meanAround(img: GrayImage, x: number, y: number, half = 2): number {
  let s = 0;
  let n = 0;
  for (let j = -half; j <= half; j++) for (let i = -half; i <= half; i++, n++) s += px(img, x + i, y + j);
  return s / n;
}

describe('renderSyntheticPage', () => {
  const answers = {
    examNo: '20250317',
    choices: { 1: 'A', 2: '', 7: 'AC', 8: 'F' } as Record<number, string>,
    subjective: { 9: 7, 10: 12.5, 11: 4 } as Record<number, number>,
  };

  // Speed is the benchmarks' business (bench:ingest renders 500+ pages), not a test's: no timing asserted here.
  it('is A4 at the dpi and deterministic for a seed', () => {
    const a = renderSyntheticPage(layout, 1, answers, {
      dpi: 200,
      distortion: randomDistortion(mulberry32(1)),
      seed: 3,
    });
    expect([a.width, a.height, a.data.length]).toEqual([1654, 2339, 1654 * 2339]);
    const b = renderSyntheticPage(layout, 1, answers, {
      dpi: 200,
      distortion: randomDistortion(mulberry32(1)),
      seed: 3,
    });
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    const c = renderSyntheticPage(layout, 1, answers, { dpi: 100, distortion: NO_DISTORTION, seed: 3 });
    expect([c.width, c.height]).toEqual([827, 1169]);
  });

  it('without distortion shows filled bubbles dark, empty ones light, fiducials and page-code bits black', () => {
    const img = renderSyntheticPage(layout, 1, answers, {
      dpi: 200,
      distortion: { ...NO_DISTORTION, noise: 8 },
      seed: 5,
    });
    const k = 200 / 72;
    const block = (id: number) => layout.pages[0].objective.find((o) => o.itemId === id)!;
    const at = (c: { cx: number; cy: number }) => meanAround(img, c.cx * k, c.cy * k);
    expect(at(block(1).bubbles[0])).toBeLessThan(90); // A filled
    for (const o of [1, 2, 3]) expect(at(block(1).bubbles[o])).toBeGreaterThan(170);
    for (const b of block(2).bubbles) expect(at(b)).toBeGreaterThan(170); // left blank
    expect(block(7).bubbles.map((b) => at(b) < 90)).toEqual([true, false, true, false]);
    expect(block(8).bubbles.map((b) => at(b) < 90)).toEqual([false, true]); // T, F → F
    // exam number 20250317: digit d filled in column d only
    layout.pages[0].examNo!.forEach((col, d) =>
      col.forEach((b, v) => expect([d, v, at(b) < 90]).toEqual([d, v, Number(answers.examNo[d]) === v])),
    );
    for (const f of layout.pages[0].fiducials) expect(at({ cx: f.cx, cy: f.cy })).toBeLessThan(40);
    const code = layout.pages[0].pageCode;
    const bits = code.cells
      .map((c) => (meanAround(img, (c.x + c.w / 2) * k, (c.y + c.h / 2) * k) < 100 ? '1' : '0'))
      .join('');
    expect(parseInt(bits, 2)).toBe(code.value);
  });

  it('moves everything by the distortion: a filled bubble stays dark where the transform puts it', () => {
    const d: ScanDistortion = { rotationDeg: 1.2, shiftXPx: -17, shiftYPx: 22, scale: 1.008, noise: 8 };
    const img = renderSyntheticPage(layout, 1, answers, { dpi: 200, distortion: d, seed: 5 });
    const bubbles = layout.pages[0].objective.find((o) => o.itemId === 1)!.bubbles;
    const filled = pagePointToPixel(bubbles[0].cx, bubbles[0].cy, 200, d);
    const empty = pagePointToPixel(bubbles[1].cx, bubbles[1].cy, 200, d);
    expect(meanAround(img, filled.x, filled.y)).toBeLessThan(90);
    expect(meanAround(img, empty.x, empty.y)).toBeGreaterThan(170);
    // the undistorted position of a fiducial's centre is no longer black (it moved by > 10 px)
    const f = layout.pages[0].fiducials[3];
    const moved = pagePointToPixel(f.cx, f.cy, 200, d);
    expect(Math.hypot(moved.x - f.cx * (200 / 72), moved.y - f.cy * (200 / 72))).toBeGreaterThan(10);
    expect(meanAround(img, moved.x, moved.y)).toBeLessThan(40);
  });
});

describe('score tally', () => {
  function snippet(img: GrayImage, itemId: number, pageNo: number, d: ScanDistortion, marginPx: number): GrayImage {
    const box = layout.pages[pageNo - 1].subjective.find((s) => s.itemId === itemId)!.box;
    const corners = [
      [box.x, box.y],
      [box.x + box.w, box.y],
      [box.x, box.y + box.h],
      [box.x + box.w, box.y + box.h],
    ].map(([x, y]) => pagePointToPixel(x, y, 200, d));
    const x0 = Math.min(...corners.map((c) => c.x)) - marginPx;
    const y0 = Math.min(...corners.map((c) => c.y)) - marginPx;
    return cropGray(
      img,
      x0,
      y0,
      Math.max(...corners.map((c) => c.x)) + marginPx - x0,
      Math.max(...corners.map((c) => c.y)) + marginPx - y0,
    );
  }
  const normalise = (img: GrayImage): GrayImage => {
    let lo = 255;
    let hi = 0;
    for (const v of img.data) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
    return { ...img, data: img.data.map((v) => Math.round(((v - lo) * 255) / Math.max(1, hi - lo))) };
  };

  it('lays squares 4 mm wide, 2 mm apart, from 5 mm inside the box, wrapping within it', () => {
    const box = layout.pages[0].subjective[0].box;
    const sq = tallySquares(box, 40);
    expect(sq[0]).toEqual({ x: box.x + 5 * MM, y: box.y + 5 * MM, w: 4 * MM, h: 4 * MM });
    expect(sq[1].x - sq[0].x).toBeCloseTo(6 * MM);
    expect(sq.every((s) => s.x + s.w <= box.x + box.w && s.x >= box.x)).toBe(true);
    expect(new Set(sq.map((s) => s.y)).size).toBe(2);
  });

  for (const [rotationDeg, margin, norm] of [
    [0, 0, false],
    [1, 25, false],
    [-1, 60, true],
  ] as const) {
    it(`reads back several scores from snippets (rotation ${rotationDeg}°, margin ${margin} px${norm ? ', contrast normalised' : ''})`, () => {
      const d: ScanDistortion = { rotationDeg, shiftXPx: 6, shiftYPx: -9, scale: 1, noise: 8 };
      for (const [s9, s10, s11] of [
        [0, 0, 0],
        [1, 0.5, 2],
        [7, 12.5, 4],
        [10, 20, 0],
      ]) {
        const img = renderSyntheticPage(
          layout,
          1,
          { examNo: '1', choices: {}, subjective: { 9: s9, 10: s10, 11: s11 } },
          { dpi: 200, distortion: d, seed: s9 * 31 + s10, scoreSteps: { 9: 1, 10: 0.5, 11: 2 } },
        );
        const page = (id: number) => layout.pages.find((p) => p.subjective.some((s) => s.itemId === id))!.pageNo;
        expect(page(9)).toBe(1);
        const read = (id: number, step: number) => {
          let snip = snippet(img, id, 1, d, margin);
          if (norm) snip = normalise(snip);
          return readTallyScore(snip, step);
        };
        expect([read(9, 1), read(10, 0.5)]).toEqual([s9, s10]);
        if (page(11) === 1) expect(read(11, 2)).toBe(s11);
      }
    });
  }
});

describe('randomStudentAnswers', () => {
  it('scores exactly what it wrote, and ability raises the score', () => {
    const totals = (ability: number) => {
      const rng = mulberry32(77);
      let sum = 0;
      for (let s = 0; s < 60; s++) {
        const { answers, truth } = randomStudentAnswers(layout, paperItems, `2025${s}`, rng, ability);
        let total = 0;
        for (const it of paperItems) {
          const got = truth.items[it.id];
          if (it.answerKey) {
            expect(got).toBe(answers.choices[it.id] === [...it.answerKey].sort().join('') ? it.maxScore : 0);
          } else {
            expect(got).toBe(answers.subjective[it.id]);
            expect(got).toBeGreaterThanOrEqual(0);
            expect(got).toBeLessThanOrEqual(it.maxScore);
            expect(Number.isInteger(got / it.scoreStep)).toBe(true);
          }
          total += got;
        }
        expect(truth.total).toBeCloseTo(total, 9);
        sum += truth.total;
      }
      return sum / 60;
    };
    const low = totals(0.2);
    const high = totals(0.9);
    expect(high).toBeGreaterThan(low + 15);
  });

  it('a profile lowers the shifted items only, and a lure draws choices to its wrong option', () => {
    // Item 1 (single choice, key A), item 9 (subjective) shifted down; item 2 (key B) lured to C.
    const profile = { itemShift: { 1: -0.4, 9: -0.4 }, lure: { 2: { option: 'C', p: 0.4 } } };
    const mean = (withProfile: boolean) => {
      const rng = mulberry32(11);
      const sums: Record<number, number> = {};
      let choseC = 0;
      const n = 400;
      for (let s = 0; s < n; s++) {
        const { answers, truth } = randomStudentAnswers(
          layout,
          paperItems,
          String(s),
          rng,
          0.7,
          withProfile ? profile : undefined,
        );
        for (const it of paperItems) sums[it.id] = (sums[it.id] ?? 0) + truth.items[it.id] / it.maxScore / n;
        if (answers.choices[2] === 'C') choseC++;
      }
      return { rate: sums, choseC: choseC / n };
    };
    const plain = mean(false);
    const planted = mean(true);
    expect(planted.rate[1]).toBeLessThan(plain.rate[1] - 0.15);
    expect(planted.rate[9]).toBeLessThan(plain.rate[9] - 0.25);
    expect(planted.rate[2]).toBeLessThan(plain.rate[2] - 0.2);
    // Items the profile does not name stay within sampling noise of the plain student's rates.
    for (const id of [3, 4, 5, 6, 10]) expect(Math.abs(planted.rate[id] - plain.rate[id])).toBeLessThan(0.08);
    expect(plain.choseC).toBeLessThan(0.12);
    expect(planted.choseC).toBeGreaterThan(0.35);
  });

  it('leaves about 3 % of choices blank', () => {
    const rng = mulberry32(4);
    let blank = 0;
    let all = 0;
    for (let s = 0; s < 500; s++) {
      const { answers } = randomStudentAnswers(layout, paperItems, String(s), rng, 0.6);
      for (const v of Object.values(answers.choices)) (all++, v === '' && blank++);
    }
    expect(blank / all).toBeGreaterThan(0.01);
    expect(blank / all).toBeLessThan(0.06);
  });
});
