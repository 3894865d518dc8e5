import type { Affine, GrayImage } from './gray-image.js';
import {
  BLANK,
  bubbleFill,
  bubbleMeasure,
  cellFill,
  classifyBubble,
  judgeChoice,
  loneFaint,
  MARKED,
  readChoices,
  readDigitColumn,
  readExamNumber,
  readPageCode,
} from './omr.js';

// A small patch of sheet at 3 px/pt, slightly rotated, drawn by testing each pixel centre against sheet-space shapes.
const K = 3;
const TH = (0.8 * Math.PI) / 180;
const T: Affine = { a: K * Math.cos(TH), b: -K * Math.sin(TH), c: 20, d: K * Math.sin(TH), e: K * Math.cos(TH), f: 10 };
const det = T.a * T.e - T.b * T.d;
const toSheet = (u: number, v: number) => {
  const x = u - T.c;
  const y = v - T.f;
  return { x: (T.e * x - T.b * y) / det, y: (-T.d * x + T.a * y) / det };
};

function sheet(wPt: number, hPt: number, paper = 232): GrayImage {
  const width = Math.ceil(wPt * K) + 40;
  const height = Math.ceil(hPt * K) + 40;
  return { width, height, data: new Uint8Array(width * height).fill(paper) };
}
/** Paints every pixel whose centre, mapped back to the sheet, is inside the shape; `near` (sheet x, y, radius) bounds the search. */
function paint(
  img: GrayImage,
  inside: (x: number, y: number) => boolean,
  level: number,
  near?: [number, number, number],
) {
  let [i0, j0, i1, j1] = [0, 0, img.width, img.height];
  if (near) {
    const [x, y, r] = near;
    const u = T.a * x + T.b * y + T.c;
    const v = T.d * x + T.e * y + T.f;
    const pad = (r + 1) * K;
    [i0, j0, i1, j1] = [
      Math.max(0, Math.floor(u - pad)),
      Math.max(0, Math.floor(v - pad)),
      Math.min(img.width, Math.ceil(u + pad)),
      Math.min(img.height, Math.ceil(v + pad)),
    ];
  }
  for (let j = j0; j < j1; j++)
    for (let i = i0; i < i1; i++) {
      const p = toSheet(i + 0.5, j + 0.5);
      if (inside(p.x, p.y)) img.data[j * img.width + i] = level;
    }
}
const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx: number, cy: number, r: number) => (x: number, y: number) =>
  Math.abs(Math.hypot(x - cx, y - cy) - r) <= 0.35;
/** A printed empty bubble: grey ring, light letter strokes inside. */
function printedBubble(img: GrayImage, cx: number, cy: number, r = 5.5) {
  paint(img, ring(cx, cy, r), 135, [cx, cy, r]);
  paint(img, (x, y) => Math.abs(x - cx) < 0.5 && Math.abs(y - cy) < 2.8, 190, [cx, cy, r]);
  paint(img, (x, y) => Math.abs(y - cy + 2.5) < 0.5 && Math.abs(x - cx) < 2, 190, [cx, cy, r]);
}

describe('bubbleFill', () => {
  it('reads an empty printed bubble as blank, a pencil fill as marked, a light erasure in between', () => {
    const img = sheet(80, 20);
    for (const cx of [10, 30, 50, 70]) printedBubble(img, cx, 10);
    paint(img, disc(30, 10, 5.2), 55); // pencil
    paint(img, disc(50, 10, 5.2), 165); // erased
    paint(img, (x, y) => disc(70, 10, 5.2)(x, y) && x < 70, 50); // half filled
    const fills = [10, 30, 50, 70].map((cx) => bubbleFill(img, T, { cx, cy: 10, r: 5.5 }));
    expect(fills[0]).toBeLessThan(0.12);
    expect(fills[1]).toBeGreaterThan(0.7);
    expect(fills[2]).toBeGreaterThan(BLANK);
    expect(fills[2]).toBeLessThan(MARKED);
    expect(fills[3]).toBeGreaterThan(0.3);
    expect(fills[3]).toBeLessThan(0.5);
  });

  it('measures against the local paper, so a grey scan reads like a white one', () => {
    const img = sheet(40, 20, 180);
    printedBubble(img, 10, 10);
    paint(img, disc(30, 10, 5.2), 45);
    expect(bubbleFill(img, T, { cx: 10, cy: 10, r: 5.5 })).toBeLessThan(0.15);
    expect(bubbleFill(img, T, { cx: 30, cy: 10, r: 5.5 })).toBeGreaterThan(0.7);
  });
});

describe('readPageCode', () => {
  it('reads printed cells as bits, most significant first, and flags a half-printed cell as uncertain', () => {
    const img = sheet(300, 20);
    const cells = Array.from({ length: 24 }, (_, b) => ({ x: 5 + b * 12, y: 5, w: 9, h: 9 }));
    const value = 123 * 16 + 2;
    cells.forEach((c, b) => {
      if ((value >> (23 - b)) & 1) paint(img, (x, y) => x >= c.x && x <= c.x + c.w && y >= c.y && y <= c.y + c.h, 12);
    });
    const read = readPageCode(img, T, cells);
    expect(read.value).toBe(value);
    expect(read.certain).toBe(true);
    expect(cellFill(img, T, cells[23])).toBeLessThan(0.1);
    // smudge a zero cell grey: the code can no longer be trusted
    const zero = cells.findIndex((_, b) => ((value >> (23 - b)) & 1) === 0);
    const c = cells[zero];
    paint(img, (x, y) => x >= c.x && x <= c.x + c.w && y >= c.y && y <= c.y + c.h, 130);
    expect(readPageCode(img, T, cells).certain).toBe(false);
  });
});

describe('readDigitColumn', () => {
  const col = (marks: Record<number, number>) => Array.from({ length: 10 }, (_, v) => marks[v] ?? 0.05);
  // prettier-ignore
  it.each([
    [{ 3: 0.8 }, 3, 'ok'],
    [{ 0: 0.62 }, 0, 'ok'],
    [{ 7: 0.85, 2: 0.3 }, 7, 'ok'], // a clean erasure next to a clear mark
    [{}, null, 'blank'],
    [{ 4: 0.8, 5: 0.75 }, null, 'multiple'],
    [{ 4: 0.35 }, null, 'ambiguous'], // too light to call
    [{ 4: 0.6, 5: 0.4 }, null, 'ambiguous'], // a mark and a half-erased one of similar darkness
  ] as [Record<number, number>, number | null, string][])('%j → %s %s', (marks, digit, verdict) => {
    expect(readDigitColumn(col(marks))).toEqual({ digit, verdict });
  });
});

describe('readExamNumber and readChoices', () => {
  const grid = Array.from({ length: 6 }, (_, d) =>
    Array.from({ length: 10 }, (_, v) => ({ cx: 10 + d * 17, cy: 10 + v * 15, r: 5.5 })),
  );

  function examSheet(digits: (number | number[] | null)[]) {
    const img = sheet(120, 165);
    grid.flat().forEach((b) => printedBubble(img, b.cx, b.cy));
    digits.forEach((d, col) => {
      for (const v of d === null ? [] : Array.isArray(d) ? d : [d])
        paint(img, disc(grid[col][v].cx, grid[col][v].cy, 5.3), 60, [grid[col][v].cx, grid[col][v].cy, 5.3]);
    });
    return img;
  }

  it('reads every digit when each column has one clear mark', () => {
    const r = readExamNumber(examSheet([2, 0, 2, 4, 9, 7]), T, grid);
    expect(r.examNo).toBe('202497');
    expect(r.problem).toBeNull();
  });

  it('refuses to guess: a blank column or a double mark gives no number and names the column', () => {
    const blank = readExamNumber(examSheet([2, 0, null, 4, 9, 7]), T, grid);
    expect(blank.examNo).toBeNull();
    expect(blank.partial).toBe('20?497');
    expect(blank.problem).toEqual({ column: 2, verdict: 'blank' });
    const twice = readExamNumber(examSheet([2, 0, 1, 4, [3, 8], 7]), T, grid);
    expect(twice.examNo).toBeNull();
    expect(twice.problem).toEqual({ column: 4, verdict: 'multiple' });
  });

  it('reads single, multiple and blank choices with their fills', () => {
    const img = sheet(90, 60);
    const blocks = [0, 1, 2].map((row) => ({
      itemId: 100 + row,
      label: String(row + 1),
      options: ['A', 'B', 'C', 'D'],
      bubbles: [0, 1, 2, 3].map((o) => ({ cx: 10 + o * 19, cy: 10 + row * 18, r: 5.5 })),
    }));
    blocks.flatMap((b) => b.bubbles).forEach((b) => printedBubble(img, b.cx, b.cy));
    const fill = (row: number, o: number) =>
      paint(img, disc(blocks[row].bubbles[o].cx, blocks[row].bubbles[o].cy, 5.2), 50, [
        blocks[row].bubbles[o].cx,
        blocks[row].bubbles[o].cy,
        5.2,
      ]);
    fill(0, 1);
    fill(1, 0);
    fill(1, 3);
    const read = readChoices(img, T, blocks);
    expect(read.map((r) => [r.itemId, r.marked, r.verdict])).toEqual([
      [100, 'B', 'single'],
      [101, 'AD', 'multiple'],
      [102, '', 'blank'],
    ]);
    expect(read[0].fills[1]).toBeGreaterThan(0.7);
    expect(read[2].fills.every((f) => f < BLANK)).toBe(true);
  });
});

describe('bubble verdicts with confidence: ticks, crosses, half fills, erasure residue', () => {
  const seg = (ax: number, ay: number, bx: number, by: number, w: number) => (x: number, y: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - ax - t * dx, y - ay - t * dy) <= w;
  };
  it('reads a tick and a cross as marks, sends a half fill to review, and a light erasure residue is blank', () => {
    const img = sheet(120, 20);
    const xs = [10, 30, 50, 70, 90, 110];
    for (const cx of xs) printedBubble(img, cx, 10);
    const tick = [seg(30 - 3, 10, 30 - 0.8, 13, 0.6), seg(30 - 0.8, 13, 30 + 4, 6, 0.6)];
    paint(img, (x, y) => tick.some((f) => f(x, y)), 60, [30, 10, 6]);
    const cross = [
      seg(50 - 3.3, 10 - 3.3, 50 + 3.3, 10 + 3.3, 0.55),
      seg(50 - 3.3, 10 + 3.3, 50 + 3.3, 10 - 3.3, 0.55),
    ];
    paint(img, (x, y) => cross.some((f) => f(x, y)), 60, [50, 10, 6]);
    paint(img, (x, y) => disc(70, 10, 5)(x, y) && y < 10, 50, [70, 10, 6]); // upper half, solid
    paint(img, disc(90, 10, 5), 205, [90, 10, 6]); // erased: a light grey film
    paint(img, disc(110, 10, 5), 55, [110, 10, 6]); // a proper fill
    const states = xs.map((cx) => classifyBubble(bubbleMeasure(img, T, { cx, cy: 10, r: 5.5 })).state);
    expect(states).toEqual(['empty', 'marked', 'marked', 'unsure', 'empty', 'marked']);
    const m = bubbleMeasure(img, T, { cx: 70, cy: 10, r: 5.5 });
    expect(m.evenness).toBeLessThan(0.3);
    expect(bubbleMeasure(img, T, { cx: 110, cy: 10, r: 5.5 }).evenness).toBeGreaterThan(0.8);

    const blocks = [
      {
        itemId: 1,
        label: '1',
        options: ['A', 'B', 'C', 'D', 'E', 'F'],
        bubbles: xs.map((cx) => ({ cx, cy: 10, r: 5.5 })),
      },
    ];
    const [read] = readChoices(img, T, blocks);
    expect(read).toMatchObject({ verdict: 'ambiguous', needsReview: true, confidence: 0, marked: 'BCF' });
    // without the half fill the same item is decided, with confidence
    paint(img, disc(70, 10, 5.4), 232, [70, 10, 6]);
    printedBubble(img, 70, 10);
    const [clean] = readChoices(img, T, blocks);
    expect(clean).toMatchObject({ verdict: 'multiple', needsReview: false, marked: 'BCF' });
    expect(clean.confidence).toBeGreaterThan(0.1);
  });
});

describe('a lone faint mark goes to review, never to blank', () => {
  const m = (fill: number, ink = 0) => ({ fill, ink, core: 0, evenness: 1 });
  it.each([
    ['all empty, letters differ a little', [0.05, 0.07, 0.06, 0.08], false],
    ['one light fill on white paper', [0.05, 0.17, 0.06, 0.07], true],
    ['one light fill at the old blank limit', [0.04, 0.05, 0.24, 0.06], true],
    ['an erasure residue alone', [0.06, 0.05, 0.16, 0.07], true],
    ['true/false, both empty', [0.03, 0.05], false],
    ['true/false, one light', [0.03, 0.13], true],
    ['just under the margin', [0.05, 0.1, 0.06, 0.07], false],
  ])('%s', (_, fills, faint) => {
    expect(loneFaint(fills as number[])).toBe(faint);
    const read = judgeChoice(
      (fills as number[]).map((_, o) => 'ABCD'[o]),
      (fills as number[]).map((f) => m(f)),
    );
    expect(read).toMatchObject({ marked: '', verdict: 'blank', needsReview: faint });
    if (faint) expect(read.confidence).toBe(0);
  });

  it('leaves an erasure beside a clear mark decided (it is no lone mark)', () => {
    const read = judgeChoice(['A', 'B', 'C', 'D'], [m(0.05), m(0.8), m(0.16), m(0.06)]);
    expect(read).toMatchObject({ marked: 'B', verdict: 'single', needsReview: false });
  });

  it('reads a light fill alone on a grey sheet as a mark to review, in pixels', () => {
    const img = sheet(90, 20, 200);
    const blocks = [
      {
        itemId: 1,
        label: '1',
        options: ['A', 'B', 'C', 'D'],
        bubbles: [0, 1, 2, 3].map((o) => ({ cx: 10 + o * 19, cy: 10, r: 5.5 })),
      },
    ];
    blocks[0].bubbles.forEach((b) => printedBubble(img, b.cx, b.cy));
    const [empty] = readChoices(img, T, blocks);
    expect(empty).toMatchObject({ verdict: 'blank', needsReview: false });
    paint(img, disc(48, 10, 5), 165, [48, 10, 6]); // fill ≈ 0.18 of the grey paper: once read as blank
    const [faint] = readChoices(img, T, blocks);
    expect(faint.fills[2]).toBeGreaterThan(0.11);
    expect(faint.fills[2]).toBeLessThan(BLANK);
    expect(faint).toMatchObject({ marked: '', verdict: 'blank', needsReview: true, confidence: 0 });
  });
});
