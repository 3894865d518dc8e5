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

export function mean(values: readonly number[]): number {
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
  const bands: ScoreBand[] = Array.from({ length: 10 }, (_, i) => ({ from: (full * i) / 1000, to: (full * (i + 1)) / 1000, count: 0 }));
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
export function itemFigures(scores: readonly number[], maxScore: number): { mean: number; scoreRate: number } {
  const m = mean(scores);
  return { mean: m, scoreRate: maxScore > 0 ? m / maxScore : 0 };
}

/** Half away from zero, decimal-exact for values like 1.005 (shifts the exponent instead of multiplying). */
export function round(x: number, digits = 4): number {
  const a = Math.abs(x);
  const s = String(a);
  const r = s.includes('e') ? Math.round(a * 10 ** digits) / 10 ** digits : Number(`${Math.round(Number(`${s}e${digits}`))}e-${digits}`);
  return x < 0 && r !== 0 ? -r : r;
}
