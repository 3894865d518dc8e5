import { analyseItems, ebelRating, extremeGroupWeights } from './item-analysis.js';

// Six students, three 0/1 items (hand-worked figures in the comments).
//   s1 1 1 1 → 3 | s2 1 1 0 → 2 | s3 1 0 1 → 2 | s4 0 1 0 → 1 | s5 1 0 0 → 1 | s6 0 0 0 → 0
// prettier-ignore
const SCORES = [
  [1, 1, 1],
  [1, 1, 0],
  [1, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
  [0, 0, 0],
];
const MARKS = [['A'], ['A'], ['A'], ['B'], ['A'], ['']].map(([m]) => [m, null, null]);
// prettier-ignore
const ITEMS = [
  { itemId: 1, maxScore: 1, choice: { optionCount: 4, key: 'A', multiple: false } },
  { itemId: 2, maxScore: 1 },
  { itemId: 3, maxScore: 1 },
];

describe('analyseItems on a hand-worked 0/1 paper', () => {
  const a = analyseItems({ items: ITEMS, scores: SCORES, marked: MARKS });

  it('computes KR-20, SEM and the 27% group size', () => {
    // item variances p(1−p): 2/9, 1/4, 2/9 → 25/36; totals 3,2,2,1,1,0 → variance 33/36
    // α = 3/2 × (1 − 25/33) = 4/11; SEM = √(33/36) × √(7/11) = √(7/12)
    expect(a.reliabilityMethod).toBe('kr20');
    expect(a.alpha).toBeCloseTo(4 / 11, 12);
    expect(a.sem).toBeCloseTo(Math.sqrt(7 / 12), 12);
    expect(a.totalSd).toBeCloseTo(Math.sqrt(33 / 36), 12);
    expect(a.groupSize).toBe(2); // round(0.27 × 6 = 1.62)
  });

  it('computes P and D with ties at the group edges sharing the places', () => {
    // top: s1 (1) + s2, s3 tied at 2 sharing one place (½ each); bottom: s6 (1) + s4, s5 tied at 1 (½ each)
    const [i1, i2, i3] = a.items;
    expect(i1).toMatchObject({
      p: 4 / 6,
      topMean: 1,
      bottomMean: 0.25,
      d: 0.75,
      ebel: 'very_good',
      possibleWrongKey: false,
    });
    expect(i2).toMatchObject({ p: 0.5, topMean: 0.75, bottomMean: 0.25, d: 0.5 });
    expect(i3).toMatchObject({ topMean: 0.75, bottomMean: 0, d: 0.75 });
    expect(i3.p).toBeCloseTo(2 / 6, 12);
  });

  it('computes the corrected item-total correlation and α if an item is deleted', () => {
    // item 1 against the rest (2,1,1,1,0,0): cov = 4/6 − (4/6)(5/6) = 1/9; r = (1/9)/(√(2/9)·√(17/36)) = 2/√34
    expect(a.items[0].rDrop).toBeCloseTo(2 / Math.sqrt(34), 12);
    // without item 1: var(rest) = 17/36 = var(i2) + var(i3), so α = 2 × (1 − 1) = 0
    expect(a.items[0].alphaIfDeleted).toBeCloseTo(0, 12);
  });

  it('gives option shares overall and in the top and bottom groups', () => {
    const c = a.items[0].choice!;
    expect(c.n).toBe(6);
    expect(c.options.map((o) => [o.option, o.isKey])).toEqual([
      ['A', true],
      ['B', false],
      ['C', false],
      ['D', false],
    ]);
    expect(c.options[0]).toMatchObject({ top: 1, bottom: 0.25 });
    expect(c.options[0].all).toBeCloseTo(4 / 6, 12);
    expect(c.options[1]).toMatchObject({ top: 0, bottom: 0.25 });
    expect(c.blank).toMatchObject({ top: 0, bottom: 0.5 });
    expect(c.multiple).toEqual({ all: 0, top: 0, bottom: 0 });
    expect(a.items[1].choice).toBeNull();
  });

  it('does not depend on the order of the rows', () => {
    const order = [3, 5, 0, 4, 2, 1];
    const b = analyseItems({ items: ITEMS, scores: order.map((i) => SCORES[i]), marked: order.map((i) => MARKS[i]) });
    b.items.forEach((x, j) => {
      expect(x.d).toBeCloseTo(a.items[j].d!, 12);
      expect(x.rDrop).toBeCloseTo(a.items[j].rDrop!, 12);
      expect(x.choice?.options[0].bottom).toBe(a.items[j].choice?.options[0].bottom);
    });
  });
});

describe('flags', () => {
  it('flags negative D as a possible wrong key', () => {
    // four items follow ability, the fifth is its reverse: top four students (total 4) all 0 on it, bottom four all 1
    const ability = [1, 1, 1, 1, 0, 0, 0, 0];
    const scores = ability.map((x) => [x, x, x, x, 1 - x]);
    const a = analyseItems({ items: [1, 2, 3, 4, 5].map((itemId) => ({ itemId, maxScore: 1 })), scores });
    expect(a.items[4]).toMatchObject({ d: -1, ebel: 'poor', possibleWrongKey: true });
    expect(a.items[4].rDrop).toBeCloseTo(-1, 12);
    expect(a.items.slice(0, 4).every((x) => !x.possibleWrongKey && x.ebel === 'very_good')).toBe(true);
  });

  it("uses Ebel's bands with .40 / .30 / .20 as inclusive lower bounds", () => {
    expect([0.9, 0.4, 0.39999, 0.3, 0.2999, 0.2, 0.19, 0, -0.3].map(ebelRating)).toEqual([
      'very_good',
      'very_good',
      'good',
      'good',
      'marginal',
      'marginal',
      'poor',
      'poor',
      'poor',
    ]);
    // 0.1 + 0.2 + 0.1 = 0.4000000000000001 and 0.7 − 0.4 = 0.29999999999999993 must not slip a band
    expect(ebelRating(0.7 - 0.4)).toBe('good');
  });
});

describe('Cronbach α on polytomous items', () => {
  it('labels the method cronbach when any item is not 0/1, and leaves figures without variance null', () => {
    // two items (max 2) that agree perfectly: var each 2/3 over 0,1,2; total 0,2,4 → var 8/3; α = 2(1 − (4/3)/(8/3)) = 1
    const a = analyseItems({
      items: [
        { itemId: 1, maxScore: 2 },
        { itemId: 2, maxScore: 2 },
      ],
      scores: [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    });
    expect(a.reliabilityMethod).toBe('cronbach');
    expect(a.alpha).toBeCloseTo(1, 12);
    expect(a.sem).toBeCloseTo(0, 6);
    expect(a.items[0].rDrop).toBeCloseTo(1, 12);
    expect(a.items[0].alphaIfDeleted).toBeNull(); // one item left
    const flat = analyseItems({
      items: [
        { itemId: 1, maxScore: 2 },
        { itemId: 2, maxScore: 2 },
      ],
      scores: [
        [1, 1],
        [1, 1],
      ],
    });
    expect(flat.alpha).toBeNull();
    expect(flat.items[0].rDrop).toBeNull();
  });

  it('gives no D for a single student and refuses ragged rows', () => {
    expect(analyseItems({ items: [{ itemId: 1, maxScore: 1 }], scores: [[1]] }).items[0].d).toBeNull();
    expect(() =>
      analyseItems({
        items: [
          { itemId: 1, maxScore: 1 },
          { itemId: 2, maxScore: 1 },
        ],
        scores: [[1]],
      }),
    ).toThrow();
    expect(() => analyseItems({ items: [], scores: [] })).toThrow();
  });

  it('counts a multiple-choice mark for each option it contains', () => {
    const marked = [['ACD'], ['AC'], ['B'], ['']];
    const a = analyseItems({
      items: [
        { itemId: 1, maxScore: 3, choice: { optionCount: 4, key: 'ACD', multiple: true } },
        { itemId: 2, maxScore: 1 },
      ],
      scores: [
        [3, 1],
        [1.5, 1],
        [0, 0],
        [0, 1],
      ],
      marked: marked.map(([m]) => [m, null]),
    });
    const c = a.items[0].choice!;
    expect(c.options.map((o) => o.all)).toEqual([0.5, 0.25, 0.5, 0.25]);
    expect(c.options.map((o) => o.isKey)).toEqual([true, false, true, true]);
    expect(c.multiple).toBeNull();
    expect(c.blank.all).toBe(0.25);
  });
});

describe('extremeGroupWeights', () => {
  it('gives whole places when there is no tie at the edge, shared places when there is', () => {
    expect(extremeGroupWeights([5, 4, 3, 2, 1], 2)).toEqual({ top: [1, 1, 0, 0, 0], bottom: [0, 0, 0, 1, 1] });
    const w = extremeGroupWeights([9, 7, 7, 7, 1], 2);
    expect(w.top).toEqual([1, 1 / 3, 1 / 3, 1 / 3, 0]);
    expect(w.top.reduce((s, x) => s + x, 0)).toBeCloseTo(2, 12);
  });
});
