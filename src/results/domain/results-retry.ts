// How often the worker's reconciliation may queue an exam's owed results again at one score version. Pure.
//
// A results job that fails every time (bad data, a bug) was retried by every pass, every minute, forever: its failure
// drowned in its own retries and never stayed on the 失败任务 page. Counted per score version: a change of scores is new
// work and gets a fresh budget.

/** Passes of the reconciliation that may queue an exam's results again at one score version. */
export const RESULTS_RECONCILE_PASSES = 3;

/** What the reconciliation has done for an exam so far: at which score version, how many passes. */
export interface ResultsRetryState {
  scoreVersion: number;
  passes: number;
}

/**
 * Whether this pass may queue the exam's owed results at `currentVersion`, and the state to keep if it does.
 * `prior` is null when no pass has queued them yet.
 */
export function resultsRetryDecision(
  prior: ResultsRetryState | null,
  currentVersion: number,
  maxPasses = RESULTS_RECONCILE_PASSES,
): { queue: boolean; next: ResultsRetryState } {
  const used = prior && prior.scoreVersion === currentVersion ? prior.passes : 0;
  if (used >= maxPasses) return { queue: false, next: { scoreVersion: currentVersion, passes: used } };
  return { queue: true, next: { scoreVersion: currentVersion, passes: used + 1 } };
}
