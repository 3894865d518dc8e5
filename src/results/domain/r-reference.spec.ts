// Compares the statistics core with figures computed independently in R (test/fixtures/r/make-fixtures.R:
// psych::alpha, prop.test, rank, anova(lm)). CI has no R: these tests read only the committed JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wilsonInterval } from './intervals.js';
import { analyseItems, ItemAnalysisItem } from './item-analysis.js';
import {
  competitionRanks,
  knowledgePointRates,
  mean,
  median,
  populationSd,
  rateCounts,
  schoolBalance,
  scoreBandsWithFullMark,
  standardScores,
  summarise,
  topNCounts,
} from './statistics.js';

interface RShare {
  all: number;
  top: number;
  bottom: number;
}
interface RDataset {
  name: string;
  thresholds: { excellent: number; pass: number; low: number };
  fullMarks: number;
  items: (ItemAnalysisItem & { knowledgePoints: string[] })[];
  students: {
    studentId: number;
    schoolId: number;
    absent: boolean;
    scores: number[] | null;
    marked: (string | null)[] | null;
  }[];
  expected: {
    n: number;
    roster: number;
    absent: number;
    total: { mean: number; sd: number; median: number; min: number; max: number; scoreRate: number };
    rates: Record<'excellent' | 'pass' | 'low', { count: number; low: number; high: number }>;
    bandsWithFullMark: number[];
    z: number[];
    t: number[];
    ranks: number[];
    top10BySchool: { schoolId: number; count: number }[];
    alpha: number;
    sem: number;
    groupSize: number;
    items: {
      itemId: number;
      mean: number;
      sd: number;
      p: number;
      topMean: number;
      bottomMean: number;
      d: number;
      rDrop: number;
      alphaIfDeleted: number;
    }[];
    options: {
      itemId: number;
      options: ({ option: string; isKey: boolean } & RShare)[];
      blank: RShare;
      multiple: RShare | null;
    }[];
    balance: {
      msBetween: number;
      msWithin: number;
      ssBetween: number;
      ssWithin: number;
      n0: number;
      icc1: number;
      eta2: number;
      cvOfMeans: number;
    };
    knowledgePoints: {
      alliance: { knowledgePoint: string; scoreRate: number }[];
      bySchool: { schoolId: number; rates: { knowledgePoint: string; scoreRate: number }[] }[];
    };
  };
}

const TOL = 1e-6;
const close = (actual: number | null | undefined, expected: number, what: string) => {
  if (actual === null || actual === undefined || !(Math.abs(actual - expected) <= TOL)) {
    throw new Error(`${what}: got ${actual}, R gives ${expected}`);
  }
};
const load = (name: string): RDataset =>
  JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/r', `${name}.json`), 'utf8'));

describe.each(['dichotomous', 'polytomous', 'with-absent'])('against R: %s', (name) => {
  const ds = load(name);
  const e = ds.expected;
  const present = ds.students.filter((s) => !s.absent);
  const scores = present.map((s) => s.scores!);
  const totals = scores.map((row) => row.reduce((a, b) => a + b, 0));
  const items = ds.items.map(({ itemId, maxScore, choice }) => ({ itemId, maxScore, choice: choice ?? null }));
  const analysis = analyseItems({ items, scores, marked: present.map((s) => s.marked!) });

  it('leaves absent students out of every figure but counts them on the roster', () => {
    expect(ds.students).toHaveLength(e.roster);
    expect(ds.students.filter((s) => s.absent)).toHaveLength(e.absent);
    expect(present).toHaveLength(e.n);
    expect(analysis.n).toBe(e.n);
  });

  it('matches the descriptive figures of the totals', () => {
    const s = summarise(totals, ds.fullMarks, ds.thresholds);
    close(s.mean, e.total.mean, 'mean');
    close(s.sd, e.total.sd, 'population SD');
    close(mean(totals), e.total.mean, 'mean');
    close(populationSd(totals), e.total.sd, 'population SD');
    close(median(totals), e.total.median, 'median');
    close(s.min, e.total.min, 'min');
    close(s.max, e.total.max, 'max');
    close(s.scoreRate, e.total.scoreRate, 'score rate');
    expect(scoreBandsWithFullMark(totals, ds.fullMarks).map((b) => b.count)).toEqual(e.bandsWithFullMark);
  });

  it('matches the three rates and their Wilson intervals (prop.test without correction)', () => {
    const c = rateCounts(totals, ds.fullMarks, ds.thresholds);
    for (const key of ['excellent', 'pass', 'low'] as const) {
      expect(c[key]).toBe(e.rates[key].count);
      const w = wilsonInterval(c[key], c.n);
      close(w.low, e.rates[key].low, `${key} low bound`);
      close(w.high, e.rates[key].high, `${key} high bound`);
    }
  });

  it('matches Z, T and competition ranks', () => {
    const zt = standardScores(totals);
    zt.forEach((v, i) => {
      close(v!.z, e.z[i], `z[${i}]`);
      close(v!.t, e.t[i], `t[${i}]`);
    });
    expect(competitionRanks(totals)).toEqual(e.ranks);
    const top = topNCounts(
      present.map((s, i) => ({ schoolId: s.schoolId, total: totals[i] })),
      10,
    );
    for (const { schoolId, count } of e.top10BySchool) expect(top.bySchool.get(schoolId) ?? 0).toBe(count);
  });

  it('matches psych::alpha: raw alpha, r.drop and alpha if an item is dropped; and SEM', () => {
    expect(analysis.reliabilityMethod).toBe(name === 'dichotomous' ? 'kr20' : 'cronbach');
    close(analysis.alpha, e.alpha, 'alpha');
    close(analysis.sem, e.sem, 'SEM');
    e.items.forEach((x, j) => {
      const got = analysis.items[j];
      expect(got.itemId).toBe(x.itemId);
      close(got.rDrop, x.rDrop, `r.drop of ${x.itemId}`);
      close(got.alphaIfDeleted, x.alphaIfDeleted, `alpha if ${x.itemId} dropped`);
    });
  });

  it('matches difficulty P and discrimination D over the top and bottom 27%', () => {
    expect(analysis.groupSize).toBe(e.groupSize);
    e.items.forEach((x, j) => {
      const got = analysis.items[j];
      close(got.mean, x.mean, `mean of ${x.itemId}`);
      close(got.sd, x.sd, `SD of ${x.itemId}`);
      close(got.p, x.p, `P of ${x.itemId}`);
      close(got.topMean, x.topMean, `top-group mean of ${x.itemId}`);
      close(got.bottomMean, x.bottomMean, `bottom-group mean of ${x.itemId}`);
      close(got.d, x.d, `D of ${x.itemId}`);
      expect(got.possibleWrongKey).toBe(x.d < 0);
    });
  });

  it('matches the option shares of every choice item, overall and in the extreme groups', () => {
    expect(e.options.length).toBeGreaterThan(0);
    for (const o of e.options) {
      const got = analysis.items.find((x) => x.itemId === o.itemId)!.choice!;
      expect(got.options.map((x) => [x.option, x.isKey])).toEqual(o.options.map((x) => [x.option, x.isKey]));
      o.options.forEach((x, k) => {
        for (const g of ['all', 'top', 'bottom'] as const)
          close(got.options[k][g], x[g], `${o.itemId} option ${x.option} ${g}`);
      });
      for (const g of ['all', 'top', 'bottom'] as const) {
        close(got.blank[g], o.blank[g], `${o.itemId} blank ${g}`);
        if (o.multiple) close(got.multiple![g], o.multiple[g], `${o.itemId} multiple ${g}`);
        else expect(got.multiple).toBeNull();
      }
    }
  });

  it('matches the between-school ANOVA, ICC(1) and the coefficient of variation of school means', () => {
    const bySchool = new Map<number, number[]>();
    present.forEach((s, i) => bySchool.set(s.schoolId, [...(bySchool.get(s.schoolId) ?? []), totals[i]]));
    const b = schoolBalance([...bySchool.values()])!;
    close(b.msBetween, e.balance.msBetween, 'MS between');
    close(b.msWithin, e.balance.msWithin, 'MS within');
    close(b.ssBetween, e.balance.ssBetween, 'SS between');
    close(b.ssWithin, e.balance.ssWithin, 'SS within');
    close(b.n0, e.balance.n0, 'n0');
    close(b.icc1, e.balance.icc1, 'ICC(1)');
    close(b.eta2, e.balance.eta2, 'eta squared');
    close(b.cvOfMeans, e.balance.cvOfMeans, 'CV of school means');
  });

  it('matches knowledge-point score rates for the alliance and each school', () => {
    const rates = (rows: number[][]) =>
      knowledgePointRates(
        ds.items.map((it, j) => ({
          maxScore: it.maxScore,
          knowledgePoints: it.knowledgePoints,
          mean: mean(rows.map((r) => r[j])),
        })),
      );
    const check = (
      got: ReturnType<typeof rates>,
      want: { knowledgePoint: string; scoreRate: number }[],
      where: string,
    ) => {
      expect(got.map((x) => x.knowledgePoint).sort()).toEqual(want.map((x) => x.knowledgePoint).sort());
      for (const w of want)
        close(
          got.find((x) => x.knowledgePoint === w.knowledgePoint)!.scoreRate,
          w.scoreRate,
          `${where} ${w.knowledgePoint}`,
        );
    };
    check(rates(scores), e.knowledgePoints.alliance, 'alliance');
    for (const s of e.knowledgePoints.bySchool) {
      check(
        rates(present.filter((p) => p.schoolId === s.schoolId).map((p) => p.scores!)),
        s.rates,
        `school ${s.schoolId}`,
      );
    }
  });
});

describe('the R datasets exercise what they claim', () => {
  it('has a mis-keyed item with negative D in the 0/1 set, ties at the 27% edges, half marks', () => {
    const d = load('dichotomous');
    expect(d.expected.items.find((x) => x.itemId === 109)!.d).toBeLessThan(0);
    const w = load('with-absent');
    // fractional group weights matter only when the k-th and (k+1)-th totals tie
    const tot = w.students
      .filter((s) => !s.absent)
      .map((s) => s.scores!.reduce((a, b) => a + b, 0))
      .sort((a, b) => b - a);
    const k = w.expected.groupSize;
    expect(tot[k - 1]).toBe(tot[k]);
    const p = load('polytomous');
    expect(p.students.some((s) => s.scores!.some((x) => x % 1 !== 0))).toBe(true);
  });
});
