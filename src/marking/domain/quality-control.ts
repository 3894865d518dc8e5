// Quality-control decisions of online marking (DESIGN.md §4, issue #4): trial marking, seeds, automatic
// suspension, what to re-queue, self re-marking. Pure: plain data in, plain data out; the service does the I/O.
import { toCents } from './resolve-final-score.js';

/** A QC mark agrees when it is within the tolerance (inclusive) of the reference score. Exact, in hundredths. */
export function agrees(score: number | null, reference: number, tolerance: number): boolean {
  if (score === null || score === undefined) return false; // a problem flag on a reference answer is a miss
  return Math.abs(toCents(score) - toCents(reference)) <= toCents(tolerance);
}

export interface SeedRule {
  /** K: misses within the window that suspend the marker. */
  misses: number;
  /** Number of most recent seeds looked at. */
  window: number;
}

/** Seed outcomes in the order they were marked (true = within tolerance). Suspend when K of the last `window` missed. */
export function shouldSuspend(outcomes: boolean[], rule: SeedRule): boolean {
  if (rule.misses <= 0 || rule.window <= 0) return false;
  const recent = outcomes.slice(-rule.window);
  return recent.filter((ok) => !ok).length >= rule.misses;
}

export interface EventRef {
  id: number;
}
export interface SeedRef extends EventRef {
  agreed: boolean;
}

/**
 * The live marks to re-queue when a marker is suspended: those made after their last good seed (event ids grow
 * with time). With no good seed at all, every live mark on the item is suspect.
 */
export function marksToRequeue(liveMarks: EventRef[], seeds: SeedRef[]): number[] {
  const lastGood = seeds.filter((s) => s.agreed).reduce((max, s) => Math.max(max, s.id), 0);
  return liveMarks
    .filter((m) => m.id > lastGood)
    .map((m) => m.id)
    .sort((a, b) => a - b);
}

export type TrialVerdict = 'no_trial' | 'incomplete' | 'pass' | 'await_lead' | 'fail';

/**
 * After trial marking: every reference answer marked → automatic pass when the share in agreement reaches the
 * lead's pass rate; below it 'fail' (the lead still decides); without an automatic rule the lead approves.
 */
export function trialVerdict(outcomes: boolean[], referenceCount: number, passRate: number | null): TrialVerdict {
  if (referenceCount === 0) return 'no_trial';
  if (outcomes.length < referenceCount) return 'incomplete';
  if (passRate === null || passRate === undefined) return 'await_lead';
  const share = outcomes.filter(Boolean).length / outcomes.length;
  return share + 1e-9 >= passRate ? 'pass' : 'fail';
}

export type QcDraw = 'live' | 'seed' | 'self';

/**
 * What the next answer is, from one uniform draw r in [0, 1): a seed with probability seedRate, a self re-mark with
 * probability selfRate, otherwise live. Falls back to live when nothing of the drawn kind is available.
 */
export function drawQc(
  r: number,
  rates: { seedRate: number; selfRate: number },
  available: { seed: boolean; self: boolean },
): QcDraw {
  const seedRate = clamp01(rates.seedRate);
  const selfRate = clamp01(rates.selfRate);
  if (r < seedRate) return available.seed ? 'seed' : 'live';
  if (r < seedRate + selfRate) return available.self ? 'self' : 'live';
  return 'live';
}

/** The daily cap is reached when today's marks reach it; null = no cap. */
export function capReached(marksToday: number, dailyCap: number | null): boolean {
  return dailyCap !== null && dailyCap !== undefined && marksToday >= dailyCap;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
