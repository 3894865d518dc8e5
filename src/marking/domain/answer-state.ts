// An answer's state from its counting marks (DESIGN.md §4): the markers' rounds by the item's rule, and the subject
// lead's arbitration, recorded in a round of its own, above them. Pure.
import {
  type MarkingModeName,
  type MarkingRule,
  type MarkInput,
  type Resolution,
  resolveFinalScore,
  type RoundingModeName,
} from './resolve-final-score.js';

/**
 * The subject lead's arbitration is recorded like any mark: an immutable MarkEvent on a task of this round
 * (created already done, so it is never handed out). Rounds 1–3 are markers' rounds.
 */
export const ARBITRATION_ROUND = 9;

/** A mark that counts towards an answer's score (live, not superseded), with its event id. */
export interface CountingMark extends MarkInput {
  id: number;
}

/** The item's marking rule, as the rule engine takes it. */
export function ruleOf(item: {
  markingMode: MarkingModeName;
  tolerance: number;
  scoreStep: number;
  roundingMode: RoundingModeName;
}): MarkingRule {
  return { mode: item.markingMode, tolerance: item.tolerance, step: item.scoreStep, rounding: item.roundingMode };
}

/** The answer's state: the markers' rounds by the rule, unless the lead's latest arbitration mark settles it. */
export function resolveAnswer(rule: MarkingRule, marks: CountingMark[]): Resolution {
  return resolveFinalScore(
    rule,
    marks
      .filter((e) => e.round < ARBITRATION_ROUND)
      .map((e) => ({ round: e.round, score: e.score, problem: e.problem, markerId: e.markerId })),
    marks.filter((e) => e.round === ARBITRATION_ROUND).at(-1)?.score ?? undefined,
  );
}
