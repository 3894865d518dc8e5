import type { ClassAnalysis, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { borderline, CHOICE_ROWS, classNotes, columnChunks, othersShare, typicalErrors } from './diagnosis-tables.js';
import { LOOP_WORDS, loopOutcome } from './closing-loop.js';

const unit = (over: Partial<UnitAnalysis>): UnitAnalysis => ({
  roster: 50,
  absent: 0,
  incomplete: 0,
  n: 50,
  suppressed: false,
  unreliable: false,
  schoolIds: [],
  summary: {
    n: 50,
    mean: 55,
    sd: 10,
    median: 55,
    min: 20,
    max: 95,
    scoreRate: 0.55,
    excellentRate: 0.04,
    passRate: 0.28,
    lowRate: 0.1,
  },
  relative: null,
  bands: null,
  items: null,
  ...over,
});

describe('othersShare: the alliance without the school', () => {
  it.each([
    [0.15, 300, 0.24, 50, 0.132],
    [0.5, 10, 0.5, 10, null],
    [0.1, 100, 0.9, 20, 0],
  ])('alliance %d of %d, school %d of %d → %s', (a, na, s, ns, expected) => {
    const v = othersShare(a, na, s, ns);
    if (expected === null) expect(v).toBeNull();
    else expect(v).toBeCloseTo(expected, 9);
  });
});

describe('borderline (临界生, counts only)', () => {
  // 21 students at 50–59 of 100, 2 at 80–84.
  const counts = new Array<number>(101).fill(0);
  counts[55] = 9;
  counts[58] = 12;
  counts[49] = 4;
  counts[82] = 2;
  const school = unit({ detail: { items: [], groups: [], totalCounts: counts } });
  const t = { excellent: 0.85, pass: 0.6, low: 0.4 };

  it.each([
    [0.1, 21, 2],
    [0.05, 21, 2],
    [0.02, 12, 0],
  ])('margin %d of full marks: %d near 及格, %d near 优秀', (margin, pass, excellent) => {
    const b = borderline(school, 100, t, margin);
    expect(b.map((x) => x.count)).toEqual([pass, excellent]);
    expect(b[0].rateIf).toBeCloseTo(0.28 + pass / 50, 9);
  });

  it('a suppressed school or one without counts has none', () => {
    expect(
      borderline(unit({ suppressed: true, detail: { items: [], groups: [], totalCounts: counts } }), 100, t),
    ).toEqual([]);
    expect(borderline(unit({}), 100, t)).toEqual([]);
  });
});

describe('typicalErrors', () => {
  const item = {
    itemId: 6,
    seq: 6,
    label: '6',
    maxScore: 4,
    knowledgePoints: [],
    type: 'single_choice',
    choice: { optionCount: 4, key: 'B', multiple: false },
  };
  const detail = (shares: number[], n: number) => ({
    items: [
      {
        itemId: 6,
        sd: 1.8,
        zeroShare: 1 - shares[1],
        fullShare: shares[1],
        distribution: [],
        options: ['A', 'B', 'C', 'D'].map((o, i) => ({ option: o, isKey: o === 'B', share: shares[i] })),
        blankShare: 0,
        markedN: n,
      },
    ],
    groups: [],
    totalCounts: null,
  });
  it('names the wrong option the school chooses far more often than the other schools, with the key', () => {
    const school = unit({
      items: [{ itemId: 6, mean: 2.4, scoreRate: 0.6 }],
      detail: detail([0.08, 0.6, 0.24, 0.08], 50),
    });
    const alliance = unit({
      n: 300,
      items: [{ itemId: 6, mean: 2.92, scoreRate: 0.73 }],
      detail: detail([0.06, 0.73, 0.1317, 0.0783], 300),
    });
    const e = typicalErrors([item], school, alliance);
    expect(e.notes).toEqual(['第6题（单选题）（答案B）：本校24%选C，联盟其他学校11%。']);
    expect(e.choice!.rows[0]).toEqual(['第6题（单选题）', 'B', '60%', '76%', 'C（24%）', '11%']);
  });

  it('lists only the choice items the school does worse on than the others, the worst CHOICE_ROWS in paper order', () => {
    // 20 items; the school's correct rate minus the others' is +0.1 on even k and −0.01·k on odd k (item k + 1).
    const items = Array.from({ length: 20 }, (_, k) => ({ ...item, itemId: k + 1, seq: k + 1, label: String(k + 1) }));
    const rateOf = (k: number) => (k % 2 === 0 ? 0.7 : 0.6 - 0.01 * k);
    const d = (rate: (k: number) => number, n: number) => ({
      items: items.map((_, k) => ({
        ...detail([0.1, rate(k), 0.9 - rate(k), 0], n).items[0],
        itemId: k + 1,
      })),
      groups: [],
      totalCounts: null,
    });
    const school = unit({
      n: 50,
      items: items.map((_, k) => ({ itemId: k + 1, mean: 4 * rateOf(k), scoreRate: rateOf(k) })),
      detail: d(rateOf, 50),
    });
    // The alliance (300, the school included) has 0.6 everywhere among the others.
    const allianceRate = (k: number) => (50 * rateOf(k) + 250 * 0.6) / 300;
    const alliance = unit({
      n: 300,
      items: items.map((_, k) => ({ itemId: k + 1, mean: 4 * allianceRate(k), scoreRate: allianceRate(k) })),
      detail: d(allianceRate, 300),
    });
    const rows = typicalErrors(items, school, alliance).choice!.rows.map((r) => r[0]);
    expect(CHOICE_ROWS).toBe(8);
    // Odd k lag (items 2, 4, …, 20: ten of them); the 8 largest gaps are k = 5 … 19, i.e. items 6 … 20, in paper order.
    expect(rows).toEqual([6, 8, 10, 12, 14, 16, 18, 20].map((n) => `第${n}题（单选题）`));
    // None lagging: no table.
    expect(typicalErrors(items, alliance, alliance).choice).toBeNull();
  });
});

describe('classNotes', () => {
  const cls = (name: string, mean: number, pass: number, n = 30): ClassAnalysis => ({
    ...unit({ n, summary: { ...unit({}).summary!, n, mean, passRate: pass, sd: 12 } }),
    classId: name.length,
    name,
  });
  it('says two classes differ when the gap is beyond noise', () => {
    expect(classNotes([cls('七(1)班', 78, 0.97), cls('七(2)班', 62, 0.6)], 100)[0]).toContain(
      '七(1)班与七(2)班平均分相差16分',
    );
  });
  it('keeps quiet about a gap within noise', () => {
    expect(classNotes([cls('七(1)班', 66, 0.7, 8), cls('七(2)班', 62, 0.6, 8)], 100)).toEqual([
      '各班平均分的差别在偶然波动范围内。',
    ]);
  });
});

describe('loopOutcome (回看上次的短板)', () => {
  it.each([
    [-0.15, -0.02, false, 'resolved'],
    [-0.15, -0.08, true, 'better'],
    [-0.15, -0.13, true, 'same'],
    [-0.15, -0.25, true, 'worse'],
    [-0.15, null, false, 'absent'],
  ])('gap %d → %s (flagged now: %s)', (then, now, flagged, outcome) => {
    expect(loopOutcome(then, now, flagged)).toBe(outcome);
    expect(LOOP_WORDS[loopOutcome(then, now, flagged)]).toBeTruthy();
  });
});

describe('columnChunks: a wide table (many classes) cut into tables a page can hold', () => {
  const table = (classes: number) => ({
    header: ['知识点', '全校', ...Array.from({ length: classes }, (_, i) => `${i + 1}班`)],
    rows: [['函数', '60%', ...Array.from({ length: classes }, (_, i) => `${i}%`)]],
  });
  it.each<[number, number[]]>([
    [2, [2]],
    [6, [6]],
    [7, [4, 3]],
    [13, [5, 4, 4]],
    [24, [6, 6, 6, 6]],
  ])('%d classes at most 6 a table → %j', (classes, sizes) => {
    const t = table(classes);
    const parts = columnChunks(t, 2, 6);
    expect(parts.map((p) => p.header.length - 2)).toEqual(sizes);
    for (const p of parts) {
      expect(p.header.slice(0, 2)).toEqual(['知识点', '全校']);
      expect(p.rows[0].slice(0, 2)).toEqual(['函数', '60%']);
      expect(p.rows[0]).toHaveLength(p.header.length);
    }
    // every class once, in order, with its own figure
    expect(parts.flatMap((p) => p.header.slice(2))).toEqual(t.header.slice(2));
    expect(parts.flatMap((p) => p.rows[0].slice(2))).toEqual(t.rows[0].slice(2));
  });
});
