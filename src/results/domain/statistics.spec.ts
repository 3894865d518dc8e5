import { analyseItems } from './item-analysis.js';
import {
  stratifiedAlpha,
  exactSum,
  groupReliability,
  itemFigures,
  mean,
  median,
  populationSd,
  relativeFigures,
  round,
  scoreBands,
  summarise,
  rateCounts,
  scoreBandsWithFullMark,
  standardScore,
  standardScores,
  competitionRanks,
  topNCounts,
  knowledgePointRates,
  schoolBalance,
  urbanRuralGap,
  participationRate,
} from './statistics.js';

const T = { excellent: 0.85, pass: 0.6, low: 0.4 };

describe('basic figures', () => {
  it('sums two-decimal scores exactly', () => {
    expect(exactSum([0.1, 0.2])).toBe(0.3);
    expect(exactSum([0.5, 0.5, 0.5, 1.25])).toBe(2.75);
    expect(mean([0.1, 0.2, 0.3])).toBe(0.2);
  });

  it('uses the population SD (divide by N)', () => {
    // 10..60: squared deviations from 35 sum to 1750; 1750 / 6 = 291.67; √ = 17.0783
    expect(populationSd([10, 20, 30, 40, 50, 60])).toBeCloseTo(17.078251, 5);
    expect(populationSd([7, 7, 7])).toBe(0);
    // sample SD would be √(1750/5) = 18.7083: make sure that is not what we compute
    expect(populationSd([10, 20, 30, 40, 50, 60])).not.toBeCloseTo(18.7083, 2);
  });

  it('takes the median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([60, 10, 40, 30, 20, 50])).toBe(35);
    expect(median([89.5, 90])).toBe(89.75);
  });

  it('refuses empty groups rather than returning NaN', () => {
    expect(() => mean([])).toThrow();
    expect(() => summarise([], 100, T)).toThrow();
  });
});

describe('summarise', () => {
  it('gives the three rates, score rate and spread of a simple group', () => {
    const s = summarise([10, 20, 30, 40, 50, 60], 100, T);
    expect(s).toMatchObject({ n: 6, mean: 35, median: 35, min: 10, max: 60, scoreRate: 0.35, excellentRate: 0 });
    expect(s.passRate).toBeCloseTo(1 / 6, 10); // only 60 reaches 60
    expect(s.lowRate).toBe(0.5); // 10, 20, 30 are below 40
    expect(s.sd).toBeCloseTo(17.078251, 5);
  });

  it('counts totals exactly on a threshold as reaching it (≥) and low as strictly below', () => {
    // full 150: excellent 127.5, pass 90, low 60
    const totals = [127.5, 127.49, 90, 89.5, 60, 59.99, 150, 0];
    const s = summarise(totals, 150, T);
    expect(s.excellentRate).toBe(2 / 8); // 127.5 and 150
    expect(s.passRate).toBe(4 / 8); // cumulative: 127.5, 127.49, 90, 150
    expect(s.lowRate).toBe(2 / 8); // 59.99 and 0, not 60
    expect(s.mean).toBeCloseTo(88.06, 10); // 704.48 / 8
    expect(s.median).toBe(89.75);
    expect(s.scoreRate).toBeCloseTo(88.06 / 150, 10);
  });

  it('uses the exam thresholds, not fixed ones', () => {
    const s = summarise([80, 70, 50, 30], 100, { excellent: 0.8, pass: 0.5, low: 0.3 });
    expect(s.excellentRate).toBe(0.25);
    expect(s.passRate).toBe(0.75);
    expect(s.lowRate).toBe(0);
  });
});

describe('relative figures', () => {
  it('computes 超均率, 比均率 and the T-index against the alliance', () => {
    const up = relativeFigures(80, 75, 10);
    expect(up.aboveMeanRate).toBeCloseTo(5 / 75, 10);
    expect(up.ratioToMean).toBeCloseTo(106.6667, 4);
    expect(up.tIndex).toBe(55);
    const down = relativeFigures(60, 75, 10);
    expect(down.aboveMeanRate).toBeCloseTo(-0.2, 10);
    expect(down.ratioToMean).toBeCloseTo(80, 10);
    expect(down.tIndex).toBe(35);
  });

  it('gives null instead of dividing by zero', () => {
    expect(relativeFigures(5, 0, 0)).toEqual({ aboveMeanRate: null, ratioToMean: null, tIndex: null });
    expect(relativeFigures(5, 5, 0)).toEqual({ aboveMeanRate: 0, ratioToMean: 100, tIndex: null });
  });
});

describe('score bands', () => {
  it('puts totals in ten bands of 10% of full marks, full marks in the top band', () => {
    const b = scoreBands([0, 9.99, 10, 55, 99.99, 100], 100);
    expect(b).toHaveLength(10);
    expect(b.map((x) => x.count)).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(b[0]).toEqual({ from: 0, to: 10, count: 2 });
    expect(b[9]).toEqual({ from: 90, to: 100, count: 2 });
  });

  it('handles full marks that are not a multiple of 10 without float slips', () => {
    const b = scoreBands([14.99, 15, 150, 134.99, 135], 150);
    expect(b[0]).toEqual({ from: 0, to: 15, count: 1 });
    expect(b[1].count).toBe(1);
    expect(b[8]).toEqual({ from: 120, to: 135, count: 1 });
    expect(b[9].count).toBe(2);
    const odd = scoreBands([0.95, 0.94], 9.5);
    expect(odd[1]).toEqual({ from: 0.95, to: 1.9, count: 1 });
    expect(odd[0].count).toBe(1);
  });
});

describe('group size rules (DESIGN §5)', () => {
  it('suppresses 5 or fewer and flags fewer than 15 as unreliable', () => {
    expect([0, 1, 5, 6, 14, 15, 300].map(groupReliability)).toEqual([
      'suppressed',
      'suppressed',
      'suppressed',
      'unreliable',
      'unreliable',
      'ok',
      'ok',
    ]);
  });
});

describe('item figures and rounding', () => {
  it('gives the mean and score rate P of an item', () => {
    expect(itemFigures([10, 9, 8, 7, 6, 5], 10)).toEqual({ mean: 7.5, scoreRate: 0.75 });
    expect(itemFigures([0, 0], 0)).toEqual({ mean: 0, scoreRate: 0 });
  });

  it('rounds half away from zero on decimal values', () => {
    expect(round(1.005, 2)).toBe(1.01);
    expect(round(0.28125, 4)).toBe(0.2813);
    expect(round(-0.28125, 4)).toBe(-0.2813);
    expect(round(1e-9, 4)).toBe(0);
    expect(round(57.62821441573412, 4)).toBe(57.6282);
  });
});

describe('extended figures (issue 5)', () => {
  it('counts the heads behind the three rates', () => {
    expect(rateCounts([127.5, 127.49, 90, 89.5, 60, 59.99, 150, 0], 150, T)).toEqual({
      n: 8,
      excellent: 2,
      pass: 4,
      low: 2,
    });
  });

  it('adds a band of its own for full marks', () => {
    const b = scoreBandsWithFullMark([0, 9.99, 10, 55, 99.99, 100, 100], 100);
    expect(b).toHaveLength(11);
    expect(b.map((x) => x.count)).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 2]);
    expect(b[10]).toEqual({ from: 100, to: 100, count: 2 });
  });

  it('gives Z and T against a reference group, null without spread', () => {
    expect(standardScore(60, 50, 10)).toEqual({ z: 1, t: 60 });
    expect(standardScore(40, 50, 0)).toBeNull();
    const zt = standardScores([10, 20, 30, 40, 50, 60]);
    expect(zt[5]!.z).toBeCloseTo(25 / 17.078251, 5);
    expect(zt[0]!.t).toBeCloseTo(50 - 250 / 17.078251, 4);
    expect(standardScores([7, 7])).toEqual([null, null]);
  });

  it('ranks 1224: ties share the best rank and the next rank skips', () => {
    expect(competitionRanks([90, 95, 90, 80, 95, 89.5])).toEqual([3, 1, 3, 6, 1, 5]); // 95 95 → 1; 90 90 → 3; 89.5 → 5; 80 → 6
    expect(competitionRanks([0.1 + 0.2, 0.3])).toEqual([1, 1]);
  });

  it("counts each school's students in the alliance top N, ties at the edge included", () => {
    const r = topNCounts(
      [
        { schoolId: 1, total: 95 },
        { schoolId: 1, total: 90 },
        { schoolId: 2, total: 95 },
        { schoolId: 2, total: 90 },
        { schoolId: 2, total: 80 },
      ],
      3,
    );
    expect(r.included).toBe(4);
    expect([...r.bySchool.entries()].sort()).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(() => topNCounts([], 0)).toThrow();
  });

  it('weights knowledge-point score rates by item max scores', () => {
    const r = knowledgePointRates([
      { maxScore: 10, knowledgePoints: ['函数'], mean: 5 },
      { maxScore: 20, knowledgePoints: ['函数', '几何'], mean: 16 },
      { maxScore: 5, knowledgePoints: [], mean: 1 },
    ]);
    // 函数: (5 + 16)/(10 + 20) = 0.7 (not the plain mean of 0.5 and 0.8); 几何: 16/20
    expect(r).toEqual(
      [
        { knowledgePoint: '几何', itemCount: 1, maxScore: 20, scoreRate: 0.8 },
        { knowledgePoint: '函数', itemCount: 2, maxScore: 30, scoreRate: 0.7 },
      ].sort((a, b) => (a.knowledgePoint < b.knowledgePoint ? -1 : 1)),
    );
  });

  it('computes ICC(1) from the one-way ANOVA and the CV of school means', () => {
    // means 2 and 5, grand 3.5: SSB = 3·2.25·2 = 13.5, SSW = 2 + 2 = 4, MSB 13.5, MSW 1, n0 = (6 − 18/6)/1 = 3
    // ICC(1) = (13.5 − 1)/(13.5 + 2·1) = 12.5/15.5; η² = 13.5/17.5; CV = 1.5/3.5
    const b = schoolBalance([
      [1, 2, 3],
      [4, 5, 6],
    ])!;
    expect(b).toMatchObject({ schools: 2, n: 6, ssBetween: 13.5, ssWithin: 4, msBetween: 13.5, msWithin: 1, n0: 3 });
    expect(b.icc1).toBeCloseTo(12.5 / 15.5, 12);
    expect(b.eta2).toBeCloseTo(13.5 / 17.5, 12);
    expect(b.cvOfMeans).toBeCloseTo(1.5 / 3.5, 12);
    // identical schools: MSB = 0 → ICC(1) = −MSW/((n0 − 1)·MSW) = −0.5, reported, not truncated
    expect(
      schoolBalance([
        [1, 2, 3],
        [1, 2, 3],
      ])!.icc1,
    ).toBeCloseTo(-0.5, 12);
    expect(schoolBalance([[1, 2, 3]])).toBeNull();
    expect(schoolBalance([[1], [2]])).toBeNull(); // no within-school degrees of freedom
  });

  it('measures the urban–rural gap in marks, score rate and alliance SDs', () => {
    expect(urbanRuralGap(80, 70, 100, 20)).toEqual({ meanGap: 10, scoreRateGap: 0.1, sdUnits: 0.5 });
    expect(urbanRuralGap(80, 70, 100, 0).sdUnits).toBeNull();
  });
});

describe('参考率', () => {
  it('is the share of the roster that sat, incomplete students included', () => {
    expect(participationRate(8, 1)).toBe(0.875);
    expect(participationRate(5, 0)).toBe(1);
    expect(participationRate(0, 0)).toBeNull();
    expect(() => participationRate(3, 4)).toThrow();
  });
});

describe('stratified α (reliability of 总分 from the subjects)', () => {
  // Two "subjects" of 0/1 items driven by one ability each, correlated between subjects.
  const rand = (() => {
    let s = 7;
    return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  })();
  const students = 300;
  const items = [8, 12];
  const scores: number[][][] = items.map(() => []);
  for (let s = 0; s < students; s++) {
    const g = rand() * 4 - 2;
    items.forEach((k, subject) => {
      const theta = g + (rand() - 0.5) * (subject ? 1.5 : 0.5);
      scores[subject].push(
        Array.from({ length: k }, (_, j) => (rand() < 1 / (1 + Math.exp(-(theta - (j / k) * 3 + 1.5))) ? 1 : 0)),
      );
    });
  }
  const meta = (k: number) => Array.from({ length: k }, (_, j) => ({ itemId: j + 1, maxScore: 1 }));
  const alphas = items.map((k, i) => analyseItems({ items: meta(k), scores: scores[i] }).alpha!);
  const totals = scores.map((rows) => rows.map((r) => r.reduce((a, b) => a + b, 0)));

  it('follows 1 − Σσ²ᵢ(1 − αᵢ)/σ²ₓ and is at least the α of all items pooled', () => {
    const rho = stratifiedAlpha(totals, alphas)!;
    const sum = totals[0].map((x, s) => x + totals[1][s]);
    const manual =
      1 -
      (populationSd(totals[0]) ** 2 * (1 - alphas[0]) + populationSd(totals[1]) ** 2 * (1 - alphas[1])) /
        populationSd(sum) ** 2;
    expect(rho).toBeCloseTo(manual, 12);
    const pooled = analyseItems({ items: meta(20), scores: scores[0].map((r, s) => [...r, ...scores[1][s]]) }).alpha!;
    expect(rho).toBeGreaterThanOrEqual(pooled - 1e-9);
    expect(rho).toBeGreaterThan(Math.min(...alphas));
    expect(rho).toBeLessThan(1);
  });

  it('is null when a subject has no α, the parts do not line up, or the sum does not vary', () => {
    expect(stratifiedAlpha(totals, [alphas[0], null])).toBeNull();
    expect(stratifiedAlpha(totals, [alphas[0]])).toBeNull();
    expect(stratifiedAlpha([totals[0], totals[1].slice(1)], alphas)).toBeNull();
    expect(
      stratifiedAlpha(
        [
          [3, 3, 3],
          [1, 1, 1],
        ],
        [0.8, 0.8],
      ),
    ).toBeNull();
  });
});
