// The value-added model against lme4 (test/fixtures/r/make-va-fixture.R: lmer(REML = TRUE) with the school's mean
// prior as a contextual predictor, as it is or shrunk by its reliability from an ANOVA done in R), and its pieces by hand. CI has no R: these tests read only the committed JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextualMinSchools, fitMultilevel, intakeAnova, type MultilevelSchool } from './multilevel.js';
import { mixtureQuantile, normalCdf } from './normal-mixture.js';

interface Fixture {
  name: string;
  contextual: boolean;
  /** How the school's mean prior enters (make-va-fixture.R): as it is, or shrunk by its ANOVA reliability. */
  intake: 'manifest' | 'latent';
  students: { school: number; y: number; x: number[] }[];
  expected: {
    beta: number[];
    slopeCov: number[][];
    sigma2: number;
    tau2: number;
    remlCriterion: number;
    blup: number[];
  };
}

const fixtures: Fixture[] = JSON.parse(readFileSync(join('test', 'fixtures', 'r', 'va-lmer.json'), 'utf8'));

function schoolsOf(f: Fixture): MultilevelSchool[] {
  const k = f.students[0].x.length;
  const by = new Map<number, { x: number[][]; y: number[] }>();
  for (const s of f.students) {
    let g = by.get(s.school);
    if (!g) by.set(s.school, (g = { x: Array.from({ length: k }, () => []), y: [] }));
    g.y.push(s.y);
    s.x.forEach((v, c) => g!.x[c].push(v));
  }
  return [...by.keys()].sort((a, b) => a - b).map((id) => by.get(id)!);
}

// Tolerance 1e-6 relative: lme4's optimiser stops at rhoend 1e-12 on θ = τ/σ, ours at 1e-10 on log θ.
const close = (got: number, want: number, rel = 1e-6) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

describe.each(fixtures.map((f) => [f.name, f] as const))('the value-added model against lme4: %s', (_, f) => {
  const out = fitMultilevel(schoolsOf(f), { contextual: f.contextual, intake: f.intake, phi: 1 })!;

  it('gives the same fixed effects, σ², τ² and REML criterion', () => {
    expect(out.fit.contextual).toBe(f.contextual);
    expect(out.fit.beta).toHaveLength(f.expected.beta.length);
    out.fit.beta.forEach((b, i) => close(b, f.expected.beta[i]));
    close(out.fit.sigma2, f.expected.sigma2);
    close(out.fit.tau2, f.expected.tau2);
    close(out.fit.remlCriterion, f.expected.remlCriterion);
  });

  it('gives the same covariance of the slopes and the same BLUPs', () => {
    out.fit.slopeCov.forEach((row, i) => row.forEach((v, j) => close(v, f.expected.slopeCov[i][j])));
    out.effects.forEach((e, j) => close(e.blup, f.expected.blup[j]));
  });
});

describe('value-added model pieces', () => {
  it('computes the normal CDF to 1e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1.644853627)).toBeCloseTo(0.05, 7);
    expect(normalCdf(-6)).toBeCloseTo(9.865876e-10, 12);
  });

  it('finds quantiles of a normal mixture (one component: the normal quantile; two: by its CDF)', () => {
    expect(mixtureQuantile([1], [3], [2], 0.975)).toBeCloseTo(3 + 2 * 1.959964, 5);
    const w = [0.3, 0.7];
    const m = [-1, 2];
    const s = [1, 0.5];
    const q = mixtureQuantile(w, m, s, 0.025);
    expect(0.3 * normalCdf((q + 1) / 1) + 0.7 * normalCdf((q - 2) / 0.5)).toBeCloseTo(0.025, 8);
  });

  it('leaves the contextual term out with fewer than max(10, K + 3) schools, and refuses fewer than 2', () => {
    const school = (shift: number, n: number): MultilevelSchool => {
      const x = Array.from({ length: n }, (_, i) => 40 + ((i * 13) % 37) + shift);
      return { x: [x], y: x.map((v, i) => 10 + 0.8 * v + shift / 2 + ((i * 7) % 11) - 5) };
    };
    expect(fitMultilevel([school(0, 20)])).toBeNull();
    const shifts = [0, 5, -5, 9, -8, 3, -2, 7, -6, 1, 4, -3, 6, -7];
    const schools = (count: number) => shifts.slice(0, count).map((d, j) => school(d, 9 + ((j * 5) % 12)));
    expect(contextualMinSchools(1)).toBe(10);
    expect(contextualMinSchools(8)).toBe(11);
    expect(fitMultilevel(schools(3))!.fit.contextual).toBe(false);
    expect(fitMultilevel(schools(9))!.fit.contextual).toBe(false);
    expect(fitMultilevel(schools(10))!.fit.contextual).toBe(true);
    // Two prior columns: still 10.
    const two = schools(10).map((s) => ({ x: [s.x[0], s.x[0].map((v, i) => v / 2 + (i % 3))], y: s.y }));
    expect(fitMultilevel(two)!.fit.contextual).toBe(true);
  });

  it('puts each estimate inside its interval, shrinks small schools more, and narrows their intervals by shrinking', () => {
    const out = fitMultilevel(schoolsOf(fixtures[0]), { contextual: true })!;
    for (const e of out.effects) {
      expect(e.rawLow).toBeLessThan(e.raw);
      expect(e.rawHigh).toBeGreaterThan(e.raw);
      expect(e.shrunkLow).toBeLessThan(e.shrunk);
      expect(e.shrunkHigh).toBeGreaterThan(e.shrunk);
      if (e.lambda < 0.5) expect(e.shrunkHigh - e.shrunkLow).toBeLessThan(e.rawHigh - e.rawLow);
      expect(e.lambda).toBeGreaterThan(0);
      expect(e.lambda).toBeLessThan(1);
    }
    expect(out.effects[39].lambda).toBeGreaterThan(out.effects[0].lambda);
    // Relative to the alliance: the student-weighted mean of the raw effects is 0.
    const n = out.effects.reduce((a, e) => a + e.n, 0);
    expect(Math.abs(out.effects.reduce((a, e) => a + e.n * e.raw, 0) / n)).toBeLessThan(1e-9);
  });

  it('integrates over φ: a fixed φ = 1 gives narrower raw intervals for small schools than a free one', () => {
    const free = fitMultilevel(schoolsOf(fixtures[0]), { contextual: true })!;
    const one = fitMultilevel(schoolsOf(fixtures[0]), { contextual: true, phi: 1 })!;
    const width = (e: { rawLow: number; rawHigh: number }) => e.rawHigh - e.rawLow;
    expect(free.fit.tau2).toBeCloseTo(one.fit.tau2, 9); // the reported fit is lme4's either way
    expect(width(free.effects[0])).not.toBeCloseTo(width(one.effects[0]), 3);
  });

  it("estimates each school mean prior's reliability (ANOVA) and the school-mean noise φ it implies", () => {
    const schools = schoolsOf(fixtures[3]);
    const { r } = intakeAnova(schools, 1);
    expect(r[0][0]).toBeLessThan(r[0][39]);
    expect(r[0][39]).toBeGreaterThan(0.9);
    // The prior's measurement error (SD 0.8 of 1 in the fixture) shows as school-mean noise: φ > 1, and the largest
    // school's interval, where that noise is nearly all the width, is wider than with φ = 1 (lme4's model).
    const free = fitMultilevel(schools)!;
    const one = fitMultilevel(schools, { phi: 1 })!;
    expect(free.fit.phi).toBeGreaterThan(1.1);
    const width = (e: { rawLow: number; rawHigh: number }) => e.rawHigh - e.rawLow;
    expect(width(free.effects[39])).toBeGreaterThan(width(one.effects[39]));
  });
});
