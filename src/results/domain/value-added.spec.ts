import { generateCohort, SyntheticCohort } from '../../../test/support/synthetic/synthetic-cohort.js';
import { analyseItems } from './item-analysis.js';
import { correctForReliability, longitudinal, olsFit, principalLongitudinal, spearman, t975 } from './value-added.js';

function analyse(c: SyntheticCohort, formula?: 'va_over_se' | 'ratio_change', priorReliability?: number) {
  const current = c.students
    .filter((s) => !s.absentNow)
    .map((s) => ({ studentId: s.index, schoolId: s.school, total: c.current.totals[s.index] }));
  const prior = new Map<number, number>();
  for (const s of c.students) if (!s.absentPrior) prior.set(s.index, c.prior.totals[s.index]);
  return longitudinal({
    schools: c.schools.map((s) => ({ schoolId: s.index })),
    current,
    prior,
    formula,
    priorReliability,
  });
}

/** α of the prior exam's totals, from the generator's item scores (what the prior exam's stored analysis holds). */
function priorAlpha(c: SyntheticCohort): number {
  const k = c.prior.items.length;
  return analyseItems({
    items: c.prior.items.map((it, j) => ({ itemId: j + 1, maxScore: it.maxScore })),
    scores: c.students
      .filter((s) => !s.absentPrior)
      .map((s) => Array.from(c.prior.scores.subarray(s.index * k, (s.index + 1) * k))),
  }).alpha!;
}

describe('value-added building blocks', () => {
  it('fits OLS exactly on a hand-worked example', () => {
    // mean x 2.5, mean y 4.75, Sxy 9.5, Sxx 5 → slope 1.9, intercept 0; SSR = Syy − b·Sxy = 18.75 − 18.05 = 0.7
    const f = olsFit([1, 2, 3, 4], [2, 4, 5, 8])!;
    expect(f.slope).toBeCloseTo(1.9, 12);
    expect(f.intercept).toBeCloseTo(0, 12);
    expect(f.residualSd).toBeCloseTo(Math.sqrt(0.7 / 2), 12);
    expect(f.r2).toBeCloseTo(1 - 0.7 / 18.75, 12);
    expect(olsFit([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('gives t quantiles to 3 decimals', () => {
    expect(t975(3)).toBeCloseTo(3.182, 2);
    expect(t975(5)).toBeCloseTo(2.5706, 3);
    expect(t975(10)).toBeCloseTo(2.2281, 3);
    expect(t975(29)).toBeCloseTo(2.0452, 3);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
  });

  it('ranks with ties for Spearman', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4);
  });

  it('generates the same cohort from the same seed, a different one from another', () => {
    const a = generateCohort({ seed: 7, schools: 5, schoolSize: { min: 20, max: 30 }, items: 10 });
    const b = generateCohort({ seed: 7, schools: 5, schoolSize: { min: 20, max: 30 }, items: 10 });
    const c = generateCohort({ seed: 8, schools: 5, schoolSize: { min: 20, max: 30 }, items: 10 });
    expect(Array.from(a.current.totals)).toEqual(Array.from(b.current.totals));
    expect(Array.from(a.current.scores)).not.toEqual(Array.from(c.current.scores));
    // Items stay within their max; urban schools are ahead of rural on average.
    for (let s = 0; s < a.students.length; s++)
      for (let j = 0; j < 10; j++)
        expect(a.current.scores[s * 10 + j]).toBeLessThanOrEqual(a.current.items[j].maxScore);
  });

  it('plants an urban–rural gap and value-added centred on the alliance', () => {
    const c = generateCohort({ seed: 3, schools: 60, schoolSize: { min: 40, max: 80 }, items: 30 });
    const meanBy = (loc: string) => {
      const xs = c.students
        .filter((s) => c.schools[s.school].locality === loc && !s.absentPrior)
        .map((s) => c.prior.totals[s.index]);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanBy('urban')).toBeGreaterThan(meanBy('rural'));
    const weighted =
      c.schools.reduce((a, s) => a + s.size * s.plantedVa, 0) / c.schools.reduce((a, s) => a + s.size, 0);
    expect(Math.abs(weighted)).toBeLessThan(1e-12);
    expect(c.schools.filter((s) => s.plantedVa === 0).length).toBeGreaterThan(5);
  });
});

describe('value-added recovers what the generator planted', () => {
  it('recovers the planted order (Spearman ≥ 0.9 on average over 10 seeds, never below 0.85; schools of 30+ students)', () => {
    const rhos: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      // No planted-zero schools here: a block of tied planted values has no order to recover.
      const c = generateCohort({ seed, schools: 40, schoolSize: { min: 30, max: 150 }, items: 30, zeroVaShare: 0 });
      const l = analyse(c);
      const rows = l.schools.filter((r) => r.matched >= 30);
      expect(rows.length).toBeGreaterThan(30);
      const rho = spearman(
        rows.map((r) => c.schools[r.schoolId].plantedVa),
        rows.map((r) => r.va!),
      );
      rhos.push(rho);
    }
    console.log(`Spearman(planted, estimated VA) per seed: ${rhos.map((r) => r.toFixed(3)).join(' ')}`);
    expect(rhos.reduce((a, b) => a + b, 0) / rhos.length).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...rhos)).toBeGreaterThanOrEqual(0.85);
  });

  const zeroSchoolCoverage = (gap: number, schoolSd: number, seeds: number, corrected = false) => {
    let covered = 0;
    let total = 0;
    let towardAbility = 0;
    for (let seed = 1000; seed < 1000 + seeds; seed++) {
      const c = generateCohort({
        seed,
        schools: 20,
        schoolSize: { min: 30, max: 80 },
        items: 30,
        urbanRuralGap: gap,
        schoolSd,
      });
      const l = analyse(c, undefined, corrected ? priorAlpha(c) : undefined);
      if (corrected) expect(l.reliabilityCorrection?.applied).toBe(true);
      for (const s of c.schools) {
        if (s.plantedVa !== 0) continue;
        const r = l.schools[s.index];
        total++;
        towardAbility += r.va! * Math.sign(s.abilityShift);
        if (r.ciLow! <= 0 && r.ciHigh! >= 0) covered++;
      }
    }
    return { rate: covered / total, total, bias: towardAbility / total };
  };

  it("covers 0 with planted-zero schools' 95% CIs about 95% of the time over 200 seeds (schools of equal prior ability)", () => {
    const { rate, total } = zeroSchoolCoverage(0, 0, 200);
    // Binomial tolerance: 3.5 standard errors around 0.95 (≈ ±0.02 for ~1100 intervals).
    const tol = 3.5 * Math.sqrt((0.95 * 0.05) / total);
    console.log(`planted-zero coverage ${rate.toFixed(4)} over ${total} intervals (tolerance ±${tol.toFixed(4)})`);
    expect(total).toBeGreaterThan(600);
    expect(Math.abs(rate - 0.95)).toBeLessThanOrEqual(tol);
  });

  it('documents the known bias: with an urban–rural gap, OLS VA leans toward schools of higher prior ability', () => {
    // The prior total measures ability with error, so the OLS slope is attenuated and schools with a
    // high prior mean get positive residuals they did not earn (and rural schools negative ones).
    // This is a property of the DESIGN §5 estimator, reported with the results; the test keeps it visible.
    const { rate, total, bias } = zeroSchoolCoverage(0.5, 0.2, 100);
    console.log(
      `with gap: planted-zero coverage ${rate.toFixed(4)} over ${total}; mean VA in the direction of prior ability ${bias.toFixed(3)} points`,
    );
    expect(bias).toBeGreaterThan(0);
    expect(rate).toBeLessThan(0.95);
  });

  it("removes most of that bias when the slope is corrected by the prior exam's α", () => {
    const ols = zeroSchoolCoverage(0.5, 0.2, 40);
    const fixed = zeroSchoolCoverage(0.5, 0.2, 40, true);
    console.log(
      `with gap, 40 seeds: mean VA toward prior ability OLS ${ols.bias.toFixed(3)}, α-corrected ${fixed.bias.toFixed(3)}; coverage ${ols.rate.toFixed(3)} → ${fixed.rate.toFixed(3)}`,
    );
    expect(ols.bias).toBeGreaterThan(0.3);
    expect(Math.abs(fixed.bias)).toBeLessThan(0.35 * ols.bias);
    expect(fixed.rate).toBeGreaterThan(ols.rate);
  });

  it('shrinks small schools more than large ones, never past 0, and keeps deltas consistent', () => {
    const c = generateCohort({ seed: 11, schools: 30, schoolSize: { min: 8, max: 200 }, items: 30 });
    const l = analyse(c);
    expect(l.tau2).toBeGreaterThan(0);
    const rows = l.schools.filter((r) => r.va !== null);
    for (const r of rows) {
      expect(r.shrinkage!).toBeGreaterThan(0);
      expect(r.shrinkage!).toBeLessThan(1);
      expect(Math.abs(r.vaShrunk!)).toBeLessThanOrEqual(Math.abs(r.va!) + 1e-4);
      expect(Math.sign(r.vaShrunk!) * Math.sign(r.va!)).not.toBe(-1);
      expect(r.deltaTIndex!).toBeCloseTo(10 * r.deltaZ!, 2);
      expect(r.improvement!).toBeCloseTo(r.va! / r.se!, 2);
      expect(r.ciLow!).toBeLessThan(r.va!);
    }
    const small = rows.reduce((a, r) => (r.matched < a.matched ? r : a));
    const large = rows.reduce((a, r) => (r.matched > a.matched ? r : a));
    expect(small.shrinkage!).toBeLessThan(large.shrinkage!);
    // Residuals of the alliance regression average to 0, so student-weighted raw VA is ~0.
    const w = rows.reduce((a, r) => a + r.matched * r.va!, 0) / rows.reduce((a, r) => a + r.matched, 0);
    expect(Math.abs(w)).toBeLessThan(1e-3);
    expect(l.matchRate!).toBeGreaterThan(0.9);
    expect(l.matchRate!).toBeLessThan(1);
  });
});

describe('longitudinal on a small hand-made cohort', () => {
  const schools = [{ schoolId: 1 }, { schoolId: 2 }, { schoolId: 3 }];
  // prettier-ignore
  const current = [
    ...[50, 60, 70, 80, 90, 100, 65].map((t, i) => ({ studentId: 100 + i, schoolId: 1, total: t })),
    ...[40, 50, 60, 70, 80, 90].map((t, i) => ({ studentId: 200 + i, schoolId: 2, total: t })),
    ...[30, 40, 50].map((t, i) => ({ studentId: 300 + i, schoolId: 3, total: t })),
  ];
  // Student 106 has no prior score (joined this year): school 1 has 6 of 7 matched.
  const prior = new Map<number, number>([
    ...[45, 55, 65, 75, 85, 95].map((t, i) => [100 + i, t] as [number, number]),
    ...[45, 55, 65, 75, 85, 95].map((t, i) => [200 + i, t] as [number, number]),
    ...[30, 40, 50].map((t, i) => [300 + i, t] as [number, number]),
  ]);

  it('links by student, computes match rates, suppresses n ≤ 5, and carries the formula', () => {
    const l = longitudinal({ schools, current, prior });
    expect(l.nCurrent).toBe(16);
    expect(l.matched).toBe(15);
    expect(l.matchRate).toBeCloseTo(15 / 16, 4);
    const [s1, s2, s3] = l.schools;
    expect(s1.matchRate).toBeCloseTo(6 / 7, 4);
    expect(s3.suppressed).toBe(true);
    expect(s3.va).toBeNull();
    expect(s1.unreliable).toBe(true);
    // Same prior, school 1 is 10 points above school 2 on every student: VA difference = 10 exactly.
    expect(s1.va! - s2.va!).toBeCloseTo(10, 3);
    // Residual spread inside each school is 0 → SE 0, CI collapses.
    expect(s1.se).toBe(0);
    expect(l.improvementFormula.name).toBe('va_over_se');
    expect(l.improvementFormula.description).toContain('VA/SE');
    // Prior means: s1 = s2 = 70; alliance prior mean over 15 = (6·70 + 6·70 + 3·40)/15 = 64.
    expect(s1.ratioPrior).toBeCloseTo((70 / 64) * 100, 3);
  });

  it('computes 提升系数 as 比均率ₜ/比均率ₜ₋₁ when asked', () => {
    const l = longitudinal({ schools, current, prior, formula: 'ratio_change' });
    const s1 = l.schools[0];
    expect(l.improvementFormula.name).toBe('ratio_change');
    expect(s1.improvement).toBeCloseTo(s1.ratioNow! / s1.ratioPrior!, 3);
  });

  it('gives a principal the own school in full and others only by letter, without counts', () => {
    const l = longitudinal({ schools, current, prior });
    const v = principalLongitudinal(
      l,
      [2],
      new Map([
        [1, '学校A'],
        [3, '学校B'],
      ]),
    );
    expect(v.ownSchools.map((s) => s.schoolId)).toEqual([2]);
    expect(v.otherSchools.map((s) => s.label)).toEqual(['学校A', '学校B']);
    expect(JSON.stringify(v.otherSchools)).not.toMatch(/schoolId|matched|nCurrent/);
  });
});

describe('value-added standard errors', () => {
  it('use the pooled within-school spread: a small school whose residuals happen to agree is not more certain than the data allow', () => {
    // School 1: six students exactly on a line (residual spread 0 within the school); schools 2 and 3 spread widely.
    const schools = [{ schoolId: 1 }, { schoolId: 2 }, { schoolId: 3 }];
    const rows: { studentId: number; schoolId: number; total: number; prior: number }[] = [];
    for (let i = 0; i < 6; i++) rows.push({ studentId: 100 + i, schoolId: 1, prior: 40 + 10 * i, total: 45 + 10 * i });
    const noise = [12, -9, 7, -14, 3, 10, -6, -3, 15, -15];
    for (let i = 0; i < 10; i++)
      rows.push({ studentId: 200 + i, schoolId: 2, prior: 35 + 6 * i, total: 35 + 6 * i + noise[i] });
    for (let i = 0; i < 10; i++)
      rows.push({ studentId: 300 + i, schoolId: 3, prior: 38 + 6 * i, total: 36 + 6 * i - noise[i] });
    const l = longitudinal({
      schools,
      current: rows.map(({ prior, ...r }) => r),
      prior: new Map(rows.map((r) => [r.studentId, r.prior])),
    });
    const [s1, s2, s3] = l.schools;
    // Pooled within-school SD, recomputed here from the fitted line: Σ within-school SS / Σ(n − 1).
    const fit = l.regression!;
    let ss = 0;
    let df = 0;
    for (const id of [1, 2, 3]) {
      const e = rows.filter((r) => r.schoolId === id).map((r) => r.total - fit.intercept - fit.slope * r.prior);
      const m = e.reduce((a, b) => a + b, 0) / e.length;
      ss += e.reduce((a, b) => a + (b - m) ** 2, 0);
      df += e.length - 1;
    }
    const pooled = Math.sqrt(ss / df);
    expect(s1.se!).toBeGreaterThan(1); // not 0, as a school's own (zero) spread would give
    expect(s1.se!).toBeCloseTo(pooled / Math.sqrt(6), 2);
    expect(s2.se!).toBeCloseTo(pooled / Math.sqrt(10), 2);
    expect(s3.se!).toBeCloseTo(s2.se!, 10);
    expect(s1.ciHigh! - s1.ciLow!).toBeCloseTo(2 * t975(df) * s1.se!, 3); // outputs carry 4 decimals
  });

  it('estimates τ² about 0, the target of the shrinkage, with J − 1 degrees of freedom', () => {
    // One big school and three small ones of unequal size: the unweighted mean of the school VAs is off 0.
    const sizes = [40, 8, 10, 12];
    const lift = [0, 6, 5, -2];
    const noise = [3, -2, 1, -1, 2, -3, 0, 1, -1, 2, -2, 1];
    const rows: { studentId: number; schoolId: number; total: number; prior: number }[] = [];
    sizes.forEach((n, j) => {
      for (let i = 0; i < n; i++)
        rows.push({
          studentId: 1000 * (j + 1) + i,
          schoolId: j + 1,
          prior: 30 + ((i * 7) % 50),
          total: 30 + ((i * 7) % 50) + lift[j] + noise[i % noise.length],
        });
    });
    const l = longitudinal({
      schools: sizes.map((_, j) => ({ schoolId: j + 1 })),
      current: rows.map(({ prior, ...r }) => r),
      prior: new Map(rows.map((r) => [r.studentId, r.prior])),
    });
    const reported = l.schools.filter((s) => s.va !== null);
    expect(reported).toHaveLength(4);
    const vas = reported.map((s) => s.va!);
    const meanVa = vas.reduce((a, b) => a + b, 0) / vas.length;
    expect(Math.abs(meanVa)).toBeGreaterThan(0.5); // the case where the centre matters
    const noise2 = reported.reduce((a, s) => a + s.se! ** 2, 0) / reported.length;
    const aboutZero = vas.reduce((a, v) => a + v ** 2, 0) / (vas.length - 1) - noise2;
    const aboutMean = vas.reduce((a, v) => a + (v - meanVa) ** 2, 0) / (vas.length - 1) - noise2;
    expect(l.tau2!).toBeCloseTo(aboutZero, 3);
    expect(l.tau2!).toBeGreaterThan(aboutMean + 0.1);
    for (const s of reported) expect(s.shrinkage!).toBeCloseTo(l.tau2! / (l.tau2! + s.se! ** 2), 3);
  });

  it('corrects the slope by the reliability only when it is known and at least 0.6, keeping the line through the means', () => {
    const x = [10, 20, 30, 40, 50, 60, 70, 80];
    const y = [18, 25, 41, 44, 58, 61, 77, 80];
    const ols = olsFit(x, y)!;
    expect(correctForReliability(ols, x, y, null)).toEqual({
      fit: ols,
      correction: { applied: false, priorReliability: null, reason: expect.stringContaining('信度未知') },
    });
    expect(correctForReliability(ols, x, y, 0.55)).toEqual({
      fit: ols,
      correction: { applied: false, priorReliability: 0.55, reason: expect.stringContaining('0.55') },
    });
    const { fit, correction } = correctForReliability(ols, x, y, 0.8);
    expect(correction).toEqual({ applied: true, priorReliability: 0.8, olsSlope: ols.slope });
    expect(fit!.slope).toBeCloseTo(ols.slope / 0.8, 12);
    const residuals = x.map((xi, i) => y[i] - fit!.intercept - fit!.slope * xi);
    expect(residuals.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(fit!.r2).toBeLessThan(ols.r2); // OLS is the least-squares line: any other fits worse
    expect(fit!.residualSd).toBeCloseTo(Math.sqrt(residuals.reduce((a, e) => a + e * e, 0) / 6), 12);
  });
});
