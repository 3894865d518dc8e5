import { unitDetail, type DetailItem } from '../../results/domain/unit-detail.js';
import {
  certaintyOf,
  judgeFindings,
  judgeGroups,
  levelShift,
  type ExpectationInput,
  type MeanSd,
} from './expectation.js';

// A small Rasch world: student ability θ ~ N(level, 1); each point of an item is earned with expit(θ − b + bias).
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function normal(r: () => number) {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

interface World {
  items: (DetailItem & { b: number; label: string })[];
}
const world: World = {
  items: [
    { itemId: 1, maxScore: 3, b: -1.5, knowledgePoints: ['有理数'], cognitiveLevel: '了解', label: '1' },
    { itemId: 2, maxScore: 3, b: -1.0, knowledgePoints: ['有理数'], cognitiveLevel: '理解', label: '2' },
    { itemId: 3, maxScore: 3, b: -0.5, knowledgePoints: ['整式'], cognitiveLevel: '理解', label: '3' },
    { itemId: 4, maxScore: 3, b: 0.0, knowledgePoints: ['整式'], cognitiveLevel: '掌握', label: '4' },
    { itemId: 5, maxScore: 4, b: 0.3, knowledgePoints: ['方程'], cognitiveLevel: '掌握', label: '5' },
    { itemId: 6, maxScore: 4, b: 0.5, knowledgePoints: ['方程'], cognitiveLevel: '运用', label: '6' },
    { itemId: 7, maxScore: 6, b: 0.2, knowledgePoints: ['函数'], cognitiveLevel: '运用', label: '7' },
    { itemId: 8, maxScore: 6, b: 0.8, knowledgePoints: ['函数'], cognitiveLevel: '运用', label: '8' },
    { itemId: 9, maxScore: 4, b: -0.2, knowledgePoints: ['几何'], cognitiveLevel: '理解', label: '9' },
    { itemId: 10, maxScore: 4, b: 0.4, knowledgePoints: ['几何'], cognitiveLevel: '掌握', label: '10' },
    { itemId: 11, maxScore: 5, b: 1.0, knowledgePoints: [], cognitiveLevel: null, label: '11', type: 'subjective' },
  ],
};

function students(seed: number, n: number, level: number, bias: (itemId: number) => number = () => 0): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const theta = level + normal(r);
    return world.items.map((it) => {
      let s = 0;
      for (let k = 0; k < it.maxScore; k++) if (r() < 1 / (1 + Math.exp(-(theta - it.b + bias(it.itemId))))) s++;
      return s;
    });
  });
}

function meanSd(values: number[]): MeanSd {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean: m, sd: Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length) };
}

/** The input the report builds, from the two units' score matrices (through the stored detail's own code). */
function inputOf(school: number[][], alliance: number[][]): ExpectationInput {
  const sd = unitDetail(world.items, school, undefined, null);
  const ad = unitDetail(world.items, alliance, undefined, null);
  const col = (m: number[][], j: number) => m.map((row) => row[j]);
  const tot = (m: number[][]) => m.map((row) => row.reduce((a, b) => a + b, 0));
  return {
    subject: '数学',
    n: school.length,
    allianceN: alliance.length,
    fullMarks: world.items.reduce((a, it) => a + it.maxScore, 0),
    school: meanSd(tot(school)),
    alliance: meanSd(tot(alliance)),
    items: world.items.map((it, j) => ({
      itemId: it.itemId,
      label: `第${it.label}题`,
      maxScore: it.maxScore,
      knowledgePoints: it.knowledgePoints,
      cognitiveLevel: it.cognitiveLevel ?? null,
      school: meanSd(col(school, j)),
      alliance: meanSd(col(alliance, j)),
    })),
    groups: sd.groups.map((g, k) => ({
      kind: g.kind,
      key: g.key,
      itemIds: g.itemIds,
      maxScore: g.maxScore,
      school: { mean: g.mean, sd: g.sd },
      alliance: { mean: ad.groups[k].mean, sd: ad.groups[k].sd },
    })),
  };
}

/** An alliance of six schools around level 0, plus the school under test (part of the alliance, as in the product). */
function allianceWith(school: number[][]): number[][] {
  return [...[1, 2, 3, 4, 5, 6].flatMap((s) => students(100 + s, 60, (s - 3.5) * 0.15)), ...school];
}

describe('levelShift', () => {
  it.each([
    [[0.5, 0.5], 5, 0],
    [[0.8, 0.2], 5, 0],
  ])('rates %j with total %d give shift %d', (rates, total, shift) => {
    const items = rates.map((r) => ({ maxScore: 5, allianceRate: r }));
    expect(levelShift(items, total)).toBeCloseTo(shift, 6);
  });

  it('a lower total gives a negative shift that reproduces it', () => {
    const items = [0.9, 0.6, 0.3].map((r) => ({ maxScore: 4, allianceRate: r }));
    const d = levelShift(items, 5);
    expect(d).toBeLessThan(0);
    const expit = (x: number) => 1 / (1 + Math.exp(-x));
    const back = items.reduce((s, it) => s + 4 * expit(Math.log(it.allianceRate / (1 - it.allianceRate)) + d), 0);
    expect(back).toBeCloseTo(5, 6);
  });
});

describe('certaintyOf', () => {
  it.each([
    [3.0, 'certain'],
    [-2.6, 'certain'],
    [2.0, 'likely'],
    [-1.7, 'possible'],
    [1.5, null],
  ])('z = %d → %s', (z, c) => expect(certaintyOf(z)).toBe(c));
});

describe('judgeFindings: against the school’s own level, beyond noise', () => {
  it('a uniformly lower school gets 整体偏低 once and no item, knowledge-point or level flags', () => {
    for (const seed of [1, 2, 3]) {
      const school = students(seed, 50, -0.8);
      const f = judgeFindings(inputOf(school, allianceWith(school)));
      const low = f.filter((x) => x.kind === 'overall_low');
      expect(low).toHaveLength(1);
      expect(low[0].label).toBe('整体偏低');
      expect(f.filter((x) => x.kind === 'weakness' && x.certainty !== 'possible')).toEqual([]);
      // The gap is real: the old 10-point rule flagged most items of such a school.
      const lowerBy = (low[0].expectedRate - low[0].schoolRate) * 100;
      expect(lowerBy).toBeGreaterThan(8);
    }
  });

  it('a planted knowledge-point weakness is found and ranked first, its items not flagged again', () => {
    const school = students(7, 50, 0, (id) => (id === 7 || id === 8 ? -1.4 : 0));
    const f = judgeFindings(inputOf(school, allianceWith(school)));
    expect(f[0]).toMatchObject({
      kind: 'weakness',
      target: 'knowledge_point',
      knowledgePoint: '函数',
      subject: '数学',
    });
    expect(f[0].itemIds).toEqual([7, 8]);
    expect(['certain', 'likely']).toContain(f[0].certainty);
    expect(f[0].points).toBeGreaterThan(1.5);
    expect(f.some((x) => x.target === 'item' && (x.itemIds[0] === 7 || x.itemIds[0] === 8))).toBe(false);
  });

  it('a 10-point gap on one item at n = 8 is not called certain', () => {
    const alliance = allianceWith([]);
    const ai = meanSd(alliance.map((r) => r[4]));
    const input = inputOf(alliance.slice(0, 8), alliance);
    // School exactly at the alliance's level except item 5, 10 points of its rate lower, with the alliance's spread.
    input.n = 8;
    input.school = { ...input.alliance, mean: input.alliance.mean - 0.4 };
    input.items = input.items.map((it) => ({ ...it, school: { ...it.alliance } }));
    input.items[4].school = { mean: ai.mean - 0.1 * 4, sd: ai.sd };
    input.groups = input.groups.map((g) => ({
      ...g,
      school: g.itemIds.includes(5) ? { mean: g.alliance.mean - 0.4, sd: g.alliance.sd } : { ...g.alliance },
    }));
    const j = judgeGroups(input).judgements.find((x) => x.kind === 'item' && x.itemIds[0] === 5)!;
    expect(j.gapPoints).toBeLessThan(-0.3);
    expect(j.certainty === null || j.certainty === 'possible').toBe(true);
    expect(judgeFindings(input).filter((x) => x.certainty === 'certain')).toEqual([]);
  });

  it('the same 10-point gap with 400 students is found', () => {
    const alliance = allianceWith([]);
    const input = inputOf(alliance.slice(0, 8), alliance);
    input.n = 400;
    input.items = input.items.map((it) => ({ ...it, school: { ...it.alliance } }));
    input.items[4].school = { mean: input.items[4].alliance.mean - 0.4, sd: input.items[4].alliance.sd };
    input.school = { ...input.alliance, mean: input.alliance.mean - 0.4 };
    input.groups = [];
    const f = judgeFindings(input);
    expect(f[0]).toMatchObject({ kind: 'weakness', target: 'item', itemIds: [5] });
  });

  it('a school where everyone scored 0 on an item with n = 7 is not certain of it (spread floored)', () => {
    const alliance = allianceWith([]);
    const input = inputOf(alliance.slice(0, 7), alliance);
    input.n = 7;
    input.items = input.items.map((it) => ({ ...it, school: { ...it.alliance } }));
    input.items[10].school = { mean: input.items[10].alliance.mean * 0.6, sd: 0 };
    input.groups = [];
    const j = judgeGroups(input).judgements.find((x) => x.itemIds[0] === 11)!;
    expect(j.certainty).not.toBe('certain');
  });

  it('a planted strength is a strength, listed after the weaknesses', () => {
    const school = students(11, 80, 0, (id) => (id === 9 || id === 10 ? 1.2 : id === 5 || id === 6 ? -1.2 : 0));
    const f = judgeFindings(inputOf(school, allianceWith(school)));
    const kinds = f.map((x) => x.kind);
    expect(kinds.indexOf('strength')).toBeGreaterThan(kinds.lastIndexOf('weakness'));
    expect(f.find((x) => x.kind === 'strength')?.knowledgePoint).toBe('几何');
    expect(f.find((x) => x.kind === 'weakness')?.knowledgePoint).toBe('方程');
  });

  it('an average school of the alliance has no certain findings', () => {
    for (const seed of [21, 22, 23, 24]) {
      const school = students(seed, 60, 0);
      const f = judgeFindings(inputOf(school, allianceWith(school)));
      expect(f.filter((x) => x.certainty === 'certain')).toEqual([]);
    }
  });
});
