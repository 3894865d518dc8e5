// Descriptive statistics of paper totals (DESIGN §5). Pure: numbers in, numbers out.
// Scores carry at most two decimals (DECIMAL(7,2)), so sums are taken in integer hundredths to stay exact.

/** Groups of this many students or fewer get no figures at all (privacy and chance). */
export const SUPPRESS_AT_OR_BELOW = 5;
/** Groups smaller than this get figures with an "unreliable" flag. */
export const UNRELIABLE_BELOW = 15;

/** 三率 thresholds as fractions of full marks, e.g. 0.85 / 0.60 / 0.40. */
export interface Thresholds {
  excellent: number;
  pass: number;
  low: number;
}

export interface Summary {
  n: number;
  mean: number;
  /** Population standard deviation (divide by N). */
  sd: number;
  median: number;
  min: number;
  max: number;
  /** 得分率 = mean / full marks. */
  scoreRate: number;
  /** 优秀率: share with total ≥ excellent × full. */
  excellentRate: number;
  /** 及格率 (cumulative, includes the excellent): share with total ≥ pass × full. */
  passRate: number;
  /** 低分率: share with total < low × full. */
  lowRate: number;
}

/** Figures of a unit measured against the alliance. */
export interface RelativeFigures {
  /** 超均率 = (unit mean − alliance mean) / alliance mean. */
  aboveMeanRate: number | null;
  /** 比均率 = unit mean / alliance mean × 100. */
  ratioToMean: number | null;
  /** T-index = 50 + 10 × (unit mean − alliance mean) / alliance SD. */
  tIndex: number | null;
}

export interface ScoreBand {
  /** Lower bound, inclusive. */
  from: number;
  /** Upper bound, exclusive except for the last band, which includes full marks. */
  to: number;
  count: number;
}

// Tolerance for threshold comparisons: totals have 2 decimals and ratios 3, so real differences are ≥ 1e-5.
const EPS = 1e-9;

export const cents = (x: number): number => Math.round(x * 100);

/** Exact sum of two-decimal scores. */
export function exactSum(values: readonly number[]): number {
  let c = 0;
  for (const v of values) c += cents(v);
  return c / 100;
}

export function mean(values: ArrayLike<number> & Iterable<number>): number {
  if (!values.length) throw new Error('mean of an empty list');
  let c = 0;
  for (const v of values) c += cents(v);
  return c / (100 * values.length);
}

/** Population SD (divide by N), as DESIGN §5 asks unless labelled otherwise. */
export function populationSd(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / values.length);
}

export function median(values: readonly number[]): number {
  if (!values.length) throw new Error('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (cents(s[mid - 1]) + cents(s[mid])) / 200;
}

export function summarise(totals: readonly number[], fullMarks: number, t: Thresholds): Summary {
  if (!totals.length) throw new Error('summary of an empty group');
  if (!(fullMarks > 0)) throw new Error('full marks must be positive');
  const n = totals.length;
  const m = mean(totals);
  const share = (pred: (x: number) => boolean) => totals.filter(pred).length / n;
  return {
    n,
    mean: m,
    sd: populationSd(totals),
    median: median(totals),
    min: Math.min(...totals),
    max: Math.max(...totals),
    scoreRate: m / fullMarks,
    excellentRate: share((x) => x >= t.excellent * fullMarks - EPS),
    passRate: share((x) => x >= t.pass * fullMarks - EPS),
    lowRate: share((x) => x < t.low * fullMarks - EPS),
  };
}

export function relativeFigures(unitMean: number, allianceMean: number, allianceSd: number): RelativeFigures {
  return {
    aboveMeanRate: allianceMean === 0 ? null : (unitMean - allianceMean) / allianceMean,
    ratioToMean: allianceMean === 0 ? null : (unitMean / allianceMean) * 100,
    tIndex: allianceSd === 0 ? null : 50 + (10 * (unitMean - allianceMean)) / allianceSd,
  };
}

/** Ten bands of 10% of full marks each: [0,10%), [10%,20%), …, [90%,100%]. */
export function scoreBands(totals: readonly number[], fullMarks: number): ScoreBand[] {
  const full = cents(fullMarks);
  const bands: ScoreBand[] = Array.from({ length: 10 }, (_, i) => ({
    from: (full * i) / 1000,
    to: (full * (i + 1)) / 1000,
    count: 0,
  }));
  for (const x of totals) {
    const idx = Math.min(9, Math.max(0, Math.floor((cents(x) * 10) / full)));
    bands[idx].count++;
  }
  return bands;
}

export type GroupReliability = 'suppressed' | 'unreliable' | 'ok';

/** n ≤ 5: suppressed; n < 15: unreliable (DESIGN §5). */
export function groupReliability(n: number): GroupReliability {
  if (n <= SUPPRESS_AT_OR_BELOW) return 'suppressed';
  if (n < UNRELIABLE_BELOW) return 'unreliable';
  return 'ok';
}

/** Per-item mean and score rate (difficulty P = mean / item max). */
export function itemFigures(
  scores: ArrayLike<number> & Iterable<number>,
  maxScore: number,
): { mean: number; scoreRate: number } {
  const m = mean(scores);
  return { mean: m, scoreRate: maxScore > 0 ? m / maxScore : 0 };
}

/** Half away from zero, decimal-exact for values like 1.005 (shifts the exponent instead of multiplying). */
export function round(x: number, digits = 4): number {
  const a = Math.abs(x);
  const s = String(a);
  const r = s.includes('e')
    ? Math.round(a * 10 ** digits) / 10 ** digits
    : Number(`${Math.round(Number(`${s}e${digits}`))}e-${digits}`);
  return x < 0 && r !== 0 ? -r : r;
}

// ─── Extended figures (issue 5 §2) ──────────────────────────────────────────────────────────────────────

/** Head counts behind the three rates, so intervals can be taken on whole numbers. */
/** 参考率 = students who sat (roster − absent) / roster; null for an empty roster. Incomplete students did sit. */
export function participationRate(roster: number, absent: number): number | null {
  if (roster <= 0) return null;
  if (absent < 0 || absent > roster) throw new Error('absent must be between 0 and the roster');
  return (roster - absent) / roster;
}

export interface RateCounts {
  n: number;
  excellent: number;
  pass: number;
  low: number;
}

export function rateCounts(totals: readonly number[], fullMarks: number, t: Thresholds): RateCounts {
  let excellent = 0;
  let pass = 0;
  let low = 0;
  for (const x of totals) {
    if (x >= t.excellent * fullMarks - EPS) excellent++;
    if (x >= t.pass * fullMarks - EPS) pass++;
    if (x < t.low * fullMarks - EPS) low++;
  }
  return { n: totals.length, excellent, pass, low };
}

/**
 * Ten bands of 10% of full marks plus a band of its own for full marks: [0,10%), …, [90%,100%), [100%,100%].
 * (scoreBands keeps full marks inside the top band; this variant is what issue 5 asks for in tables.)
 */
export function scoreBandsWithFullMark(totals: readonly number[], fullMarks: number): ScoreBand[] {
  const full = cents(fullMarks);
  const bands = scoreBands([], fullMarks);
  const top: ScoreBand = { from: full / 100, to: full / 100, count: 0 };
  for (const x of totals) {
    const c = cents(x);
    if (c >= full) top.count++;
    else bands[Math.max(0, Math.floor((c * 10) / full))].count++;
  }
  return [...bands, top];
}

/** Z = (x − mean)/SD and T = 50 + 10·Z against a reference group (population SD); null when SD is 0. */
export function standardScore(x: number, refMean: number, refSd: number): { z: number; t: number } | null {
  if (!(refSd > 0)) return null;
  const z = (x - refMean) / refSd;
  return { z, t: 50 + 10 * z };
}

/** Z and T of every value against the values themselves. */
export function standardScores(values: readonly number[]): ({ z: number; t: number } | null)[] {
  if (!values.length) return [];
  const m = mean(values);
  const sd = populationSd(values);
  return values.map((x) => standardScore(x, m, sd));
}

/**
 * Competition ranks ("1224"), highest first: rank = 1 + number of strictly higher totals. Internal use only:
 * student ranks are never published. Compared in hundredths so 89.5 and 89.50000001 tie.
 */
export function competitionRanks(totals: readonly number[]): number[] {
  const c = totals.map(cents);
  const sorted = [...c].sort((a, b) => b - a);
  const firstAt = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!firstAt.has(v)) firstAt.set(v, i + 1);
  });
  return c.map((v) => firstAt.get(v)!);
}

/**
 * Students of each school in the alliance top N: everyone whose competition rank is ≤ N, so a tie at the
 * boundary brings all the tied students in (the counts may add up to more than N; `included` says how many).
 */
export function topNCounts(
  students: readonly { schoolId: number; total: number }[],
  topN: number,
): { topN: number; included: number; bySchool: Map<number, number> } {
  if (!Number.isInteger(topN) || topN < 1) throw new Error('top N must be a positive whole number');
  const ranks = competitionRanks(students.map((s) => s.total));
  const bySchool = new Map<number, number>();
  let included = 0;
  students.forEach((s, i) => {
    if (ranks[i] <= topN) {
      included++;
      bySchool.set(s.schoolId, (bySchool.get(s.schoolId) ?? 0) + 1);
    }
  });
  return { topN, included, bySchool };
}

/**
 * Score rate per knowledge point, weighted by item max scores: Σ item mean / Σ item max over the items tagged
 * with the point (an item with several points counts fully for each). Sorted by knowledge point name.
 */
export function knowledgePointRates(
  items: readonly { maxScore: number; knowledgePoints: readonly string[]; mean: number }[],
): { knowledgePoint: string; itemCount: number; maxScore: number; scoreRate: number }[] {
  const acc = new Map<string, { itemCount: number; maxC: number; meanSum: number }>();
  for (const it of items) {
    for (const kp of new Set(it.knowledgePoints.map((k) => k.trim()).filter(Boolean))) {
      const a = acc.get(kp) ?? { itemCount: 0, maxC: 0, meanSum: 0 };
      a.itemCount++;
      a.maxC += cents(it.maxScore);
      a.meanSum += it.mean;
      acc.set(kp, a);
    }
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([knowledgePoint, a]) => ({
      knowledgePoint,
      itemCount: a.itemCount,
      maxScore: a.maxC / 100,
      scoreRate: a.maxC > 0 ? (a.meanSum * 100) / a.maxC : 0,
    }));
}

/**
 * Between-school balance of one set of schools.
 *  - Coefficient of variation of school means: population SD of the school means / their mean, schools
 *    unweighted (each school counts once, whatever its size).
 *  - ICC(1) from a one-way random-effects ANOVA (students nested in schools), unbalanced form:
 *    ICC(1) = (MSB − MSW) / (MSB + (n₀ − 1)·MSW), n₀ = (N − Σnⱼ²/N)/(J − 1). It can come out negative when
 *    schools differ less than chance would make them; reported as is, not truncated at 0.
 *  - η² = SSB/SST, the plain share of variance between schools, for readers who want it descriptive.
 */
export interface BalanceFigures {
  schools: number;
  n: number;
  meanOfMeans: number;
  sdOfMeans: number;
  cvOfMeans: number | null;
  ssBetween: number;
  ssWithin: number;
  msBetween: number;
  msWithin: number;
  n0: number;
  icc1: number | null;
  eta2: number | null;
}

export function schoolBalance(groups: readonly (readonly number[])[]): BalanceFigures | null {
  const gs = groups.filter((g) => g.length > 0);
  const J = gs.length;
  const N = gs.reduce((s, g) => s + g.length, 0);
  if (J < 2 || N <= J) return null;
  const means = gs.map((g) => mean(g));
  const grand = gs.reduce((s, g) => s + exactSum(g), 0) / N;
  let ssb = 0;
  let ssw = 0;
  gs.forEach((g, j) => {
    ssb += g.length * (means[j] - grand) ** 2;
    for (const x of g) ssw += (x - means[j]) ** 2;
  });
  const msb = ssb / (J - 1);
  const msw = ssw / (N - J);
  const n0 = (N - gs.reduce((s, g) => s + g.length * g.length, 0) / N) / (J - 1);
  const mm = means.reduce((s, x) => s + x, 0) / J;
  const sdm = Math.sqrt(means.reduce((s, x) => s + (x - mm) ** 2, 0) / J);
  const iccDen = msb + (n0 - 1) * msw;
  return {
    schools: J,
    n: N,
    meanOfMeans: mm,
    sdOfMeans: sdm,
    cvOfMeans: mm === 0 ? null : sdm / mm,
    ssBetween: ssb,
    ssWithin: ssw,
    msBetween: msb,
    msWithin: msw,
    n0,
    icc1: iccDen === 0 ? null : (msb - msw) / iccDen,
    eta2: ssb + ssw === 0 ? null : ssb / (ssb + ssw),
  };
}

/** Urban minus rural: the gap in mean, in score rate, and in alliance SDs (an effect size). */
export function urbanRuralGap(
  urbanMean: number,
  ruralMean: number,
  fullMarks: number,
  allianceSd: number,
): { meanGap: number; scoreRateGap: number; sdUnits: number | null } {
  const gap = urbanMean - ruralMean;
  return { meanGap: gap, scoreRateGap: gap / fullMarks, sdUnits: allianceSd > 0 ? gap / allianceSd : null };
}

/**
 * Stratified α: reliability of a sum of parts (subject totals → 总分) from each part's own α (Cronbach 1965):
 * ρ = 1 − Σ σ²ᵢ(1 − αᵢ) / σ²ₓ, population variances over the students who have every part. Null when a part's α is
 * unknown, there are fewer than 2 students, or the sum does not vary.
 */
export function stratifiedAlpha(
  parts: readonly (readonly number[])[],
  alphas: readonly (number | null)[],
): number | null {
  if (!parts.length || parts.length !== alphas.length || alphas.some((a) => a === null || !Number.isFinite(a)))
    return null;
  const n = parts[0].length;
  if (n < 2 || parts.some((p) => p.length !== n)) return null;
  const sums = new Array<number>(n).fill(0);
  let errorVariance = 0;
  parts.forEach((p, i) => {
    const sd = populationSd(p);
    errorVariance += sd * sd * (1 - (alphas[i] as number));
    for (let s = 0; s < n; s++) sums[s] += p[s];
  });
  const sdX = populationSd(sums);
  return sdX > 0 ? 1 - errorVariance / (sdX * sdX) : null;
}
