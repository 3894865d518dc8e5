import {
  figuresFromRoundedMean,
  mergedBands,
  MIN_OTHERS_PER_BAND,
  otherSchoolRate,
  otherSchoolVa,
  principalFullMarkCount,
} from './principal-privacy.js';
import type { ScoreBand } from './statistics.js';

const bands = (counts: number[]): ScoreBand[] => counts.map((count, i) => ({ from: i * 10, to: (i + 1) * 10, count }));

/** Every n in [lo, hi] for which each rate has an integer count k with k/n rounding to it at `step`. */
const consistentN = (rates: number[], step: number, lo: number, hi: number) => {
  const out: number[] = [];
  for (let n = lo; n <= hi; n++)
    if (
      rates.every((r) =>
        Array.from({ length: n + 1 }, (_, k) => k / n).some((p) => Math.abs(p - r) <= step / 2 + 1e-12),
      )
    )
      out.push(n);
  return out;
};

describe('otherSchoolRate', () => {
  it.each([
    [0.6667, 30, 0.65],
    [0.675, 40, 0.7],
    [0.02, 50, 0],
    [1, 20, 1],
    [0.5, 19, null],
    [null, 50, null],
  ])('rate %p of a school of %p is served as %p', (rate, n, served) => {
    expect(otherSchoolRate(rate, n)).toBe(served);
  });

  it('admits every head count from 20 up: the common-denominator attack has nothing to choose from', () => {
    // 47 students: 13 excellent, 31 pass, 5 low. At 4 decimals only 47 and its multiples fit (up to 300), and the
    // smallest is the attacker's answer; at 5% steps every n does.
    const exact = [13 / 47, 31 / 47, 5 / 47].map((r) => Math.round(r * 1e4) / 1e4);
    expect(consistentN(exact, 1e-4, 20, 300)).toEqual([47, 94, 141, 188, 235, 282]);
    const served = [13 / 47, 31 / 47, 5 / 47].map((r) => otherSchoolRate(r, 47)!);
    expect(consistentN(served, 0.05, 20, 300)).toHaveLength(281);
  });
});

describe('figuresFromRoundedMean', () => {
  it('derives 得分率, 超均率, 比均率 and T指数 from the mean rounded to 1 decimal', () => {
    const a = figuresFromRoundedMean(68.7234, 100, { mean: 60, sd: 20 });
    const b = figuresFromRoundedMean(68.6799, 100, { mean: 60, sd: 20 });
    expect(a).toEqual(b); // both round to 68.7: nothing finer leaks through the derived figures
    expect(a).toEqual({ scoreRate: 0.687, aboveMeanRate: 0.145, ratioToMean: 114.5, tIndex: 54.4 });
    expect(figuresFromRoundedMean(50, 100, null)).toEqual({
      scoreRate: 0.5,
      aboveMeanRate: null,
      ratioToMean: null,
      tIndex: null,
    });
  });
});

describe('mergedBands', () => {
  it.each([
    // [alliance counts low→high, own counts, merged counts low→high]
    [
      [10, 10, 10, 10, 3],
      [0, 0, 0, 0, 3],
      [10, 10, 10, 13],
    ],
    [
      [10, 10, 10, 10, 9],
      [0, 0, 0, 0, 3],
      [10, 10, 10, 10, 9],
    ],
    [
      [10, 10, 10, 10, 9],
      [0, 0, 0, 0, 4],
      [10, 10, 10, 19],
    ],
    [
      [2, 10, 10, 10, 9],
      [0, 0, 0, 0, 0],
      [12, 10, 10, 9],
    ],
    [[0, 0, 4, 1, 0], [0, 0, 0, 0, 0], [5]],
    [[3, 8, 0, 0, 0], [3, 0, 0, 0, 0], [11]],
  ])('bands %p with own %p merge to %p', (group, own, merged) => {
    const out = mergedBands(bands(group), bands(own));
    expect(out.map((b) => b.count)).toEqual(merged);
    // contiguous, covering the whole range, nothing lost
    expect(out[0].from).toBe(0);
    expect(out[out.length - 1].to).toBe(group.length * 10);
    for (let i = 1; i < out.length; i++) expect(out[i].from).toBe(out[i - 1].to);
    expect(out.reduce((t, b) => t + b.count, 0)).toBe(group.reduce((t, c) => t + c, 0));
  });

  it('leaves every merged band with at least six students of other schools when the group has that many', () => {
    const group = [5, 9, 14, 20, 13, 8, 4, 2, 1, 3];
    const own = [1, 2, 3, 4, 2, 2, 1, 1, 1, 3];
    const out = mergedBands(bands(group), bands(own));
    for (const b of out) {
      const o = own.slice(b.from / 10, b.to / 10).reduce((t, c) => t + c, 0);
      expect(b.count - o).toBeGreaterThanOrEqual(MIN_OTHERS_PER_BAND);
    }
    // the top band, where the own school's best 6 sit with 4 others, is merged down
    expect(out[out.length - 1].to).toBe(100);
    expect(out[out.length - 1].from).toBeLessThan(70);
  });

  it('subtracts nothing for a group the viewer is not in', () => {
    expect(mergedBands(bands([6, 6]), null).map((b) => b.count)).toEqual([6, 6]);
  });
});

describe('principalFullMarkCount', () => {
  it.each([
    [0, 0, 0],
    [3, 3, null],
    [3, 0, null],
    [9, 3, 9],
    [8, 3, null],
    [null, 0, null],
  ])('group %p with own %p → %p', (group, own, served) => {
    expect(principalFullMarkCount(group, own)).toBe(served);
  });
});

describe('otherSchoolVa', () => {
  const s = {
    deltaZ: 0.12345,
    deltaRatio: 1.2345,
    deltaTIndex: 1.2345,
    va: 4.5912,
    ciLow: 2.3581,
    ciHigh: 6.8243,
    vaShrunk: 4.1012,
    improvement: 4.0321,
  };

  it('rounds the estimate, its interval and the shrunken estimate to whole points and withholds VA/SE', () => {
    expect(otherSchoolVa(s, true)).toEqual({
      deltaZ: 0.12,
      deltaRatio: 1.2,
      deltaTIndex: 1.2,
      va: 5,
      ciLow: 2,
      ciHigh: 7,
      vaShrunk: 4,
      improvement: null,
      verdict: 'above',
    });
    expect(otherSchoolVa(s, false).improvement).toBe(4.03);
    // the verdict is taken before rounding: [0.3, 4.2] is above 0 though its bounds print as [0, 4]
    expect(otherSchoolVa({ ...s, ciLow: 0.3, ciHigh: 4.2 }, true)).toMatchObject({ ciLow: 0, verdict: 'above' });
    expect(otherSchoolVa({ ...s, ciLow: -0.3, ciHigh: 4.2 }, true).verdict).toBe('indistinguishable');
  });

  it('keeps the head count out of the interval width: whole-point bounds admit a wide range of n', () => {
    // half-width h = t·s/√n with s = 8 public; n = 50 gives h ≈ 2.27
    const sd = 8;
    const t = 1.96;
    const width = (n: number) => (2 * t * sd) / Math.sqrt(n);
    const lo = 4.59 - width(50) / 2;
    const hi = 4.59 + width(50) / 2;
    const served = otherSchoolVa({ ...s, ciLow: lo, ciHigh: hi }, true);
    const fits = [];
    for (let n = 6; n <= 400; n++) {
      const w = width(n);
      // some centre c puts both ends on the served whole points after rounding
      const okLow = served.ciLow! - 0.5;
      const okHigh = served.ciHigh! + 0.5;
      if (w > served.ciHigh! - served.ciLow! - 1 - 1e-9 && w < okHigh - okLow + 1e-9) fits.push(n);
    }
    expect(fits).toContain(50);
    expect(fits.length).toBeGreaterThan(20);
  });
});
