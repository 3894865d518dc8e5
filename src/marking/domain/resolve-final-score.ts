// The marking-rule engine (DESIGN.md §4): from the marks of one answer snippet to its final score.
// Pure: plain data in, plain data out. All arithmetic is done in integer hundredths (scores are
// DECIMAL(7,2)), so means and rounding are exact — no 0.1 + 0.2 surprises.

export type MarkingModeName = 'single' | 'double' | 'double_arbitration';
export type RoundingModeName = 'half_up' | 'down' | 'up';

export interface MarkingRule {
  mode: MarkingModeName;
  /** Largest difference between two marks that still counts as agreement (inclusive). */
  tolerance: number;
  /** Score step of the item, e.g. 0.5; the final score is a multiple of it. */
  step: number;
  rounding: RoundingModeName;
}

export interface MarkInput {
  round: number;
  /** null when the marker flagged a problem instead of scoring. */
  score: number | null;
  problem?: string | null;
  markerId: number;
}

export type FinalBasis = 'single' | 'mean_1_2' | 'mean_1_3' | 'mean_2_3' | 'median_of_three' | 'arbitration';

export type Resolution =
  | { state: 'pending' }
  | { state: 'final'; score: number; ruleVersion: string; basis: FinalBasis }
  | { state: 'need_third' }
  | { state: 'need_arbitration' }
  | { state: 'problem' };

/** Bump when a rule changes: every final score records the version that produced it. */
export const RULE_VERSION = 'v1';

export function ruleVersionOf(mode: MarkingModeName | 'arbitration'): string {
  return `${mode}-${RULE_VERSION}`;
}

/** Score → integer hundredths. Scores are stored with two decimals, so this is exact after rounding away float noise. */
export function toCents(x: number): number {
  return Math.round(x * 100);
}

/**
 * Rounds the rational num/den (non-negative, den > 0), measured in hundredths, to a multiple of the step,
 * and returns the score. Integer arithmetic only.
 */
function roundToStep(num: number, den: number, stepCents: number, rounding: RoundingModeName): number {
  // q = num / (den * stepCents) steps
  const d = den * stepCents;
  let q: number;
  if (rounding === 'down') q = Math.floor(num / d);
  else if (rounding === 'up') q = Math.ceil(num / d);
  else q = Math.floor((2 * num + d) / (2 * d)); // half up: floor(x + 1/2)
  return (q * stepCents) / 100;
}

/** True if the score is within [0, max] and an exact multiple of the step (both in hundredths). */
export function isValidScore(score: number, maxScore: number, step: number): boolean {
  if (typeof score !== 'number' || !Number.isFinite(score)) return false;
  const s = score * 100;
  // More than two decimals can never be a valid score.
  if (Math.abs(s - Math.round(s)) > 1e-6) return false;
  const c = Math.round(s);
  const stepC = toCents(step);
  return c >= 0 && c <= toCents(maxScore) && stepC > 0 && c % stepC === 0;
}

export function resolveFinalScore(rule: MarkingRule, marks: MarkInput[], arbitration?: number | null): Resolution {
  const stepCents = toCents(rule.step);
  if (!(stepCents > 0)) throw new Error(`invalid score step: ${rule.step}`);
  const final = (num: number, den: number, basis: FinalBasis): Resolution => ({
    state: 'final',
    score: roundToStep(num, den, stepCents, rule.rounding),
    ruleVersion: ruleVersionOf(rule.mode),
    basis,
  });

  // The subject lead's arbitration is final and overrides every mark (including problem flags).
  if (arbitration !== undefined && arbitration !== null) {
    return {
      state: 'final',
      score: toCents(arbitration) / 100,
      ruleVersion: ruleVersionOf('arbitration'),
      basis: 'arbitration',
    };
  }

  // One mark per round; if a round was re-marked, the latest mark (last in the list) counts.
  const byRound = new Map<number, MarkInput>();
  for (const m of marks) byRound.set(m.round, m);
  const rounds = [...byRound.values()];

  // A problem answer (blank, illegible, …) is not scored: it waits for the subject lead.
  if (rounds.some((m) => m.score === null || m.score === undefined || m.problem)) return { state: 'problem' };

  const s1 = byRound.get(1);
  if (rule.mode === 'single') return s1 ? final(toCents(s1.score!), 1, 'single') : { state: 'pending' };

  const s2 = byRound.get(2);
  if (!s1 || !s2) return { state: 'pending' };
  const a = toCents(s1.score!);
  const b = toCents(s2.score!);
  const tol = toCents(rule.tolerance);
  if (Math.abs(a - b) <= tol) return final(a + b, 2, 'mean_1_2');

  const s3 = byRound.get(3);
  if (!s3) return { state: 'need_third' };
  const c = toCents(s3.score!);
  const d1 = Math.abs(c - a);
  const d2 = Math.abs(c - b);
  const near1 = d1 <= tol;
  const near2 = d2 <= tol;
  if (near1 && !near2) return final(a + c, 2, 'mean_1_3');
  if (near2 && !near1) return final(b + c, 2, 'mean_2_3');
  if (near1 && near2) {
    // Within tolerance of both: the closer pair; on a tie the higher pair (benefit of the doubt to the student).
    if (d1 < d2) return final(a + c, 2, 'mean_1_3');
    if (d2 < d1) return final(b + c, 2, 'mean_2_3');
    return a >= b ? final(a + c, 2, 'mean_1_3') : final(b + c, 2, 'mean_2_3');
  }
  if (rule.mode === 'double_arbitration') return { state: 'need_arbitration' };
  // Plain double marking has no arbitration step: with three disagreeing marks we take the median,
  // the one mark that the other two bracket, so a single outlying marker cannot move the score.
  const median = [a, b, c].sort((x, y) => x - y)[1];
  return final(median, 1, 'median_of_three');
}
