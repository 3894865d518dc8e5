import { RESULTS_RECONCILE_PASSES, resultsRetryDecision, type ResultsRetryState } from './results-retry.js';

describe('resultsRetryDecision: a bounded number of reconciliation passes per score version', () => {
  const s = (scoreVersion: number, passes: number): ResultsRetryState => ({ scoreVersion, passes });
  it.each<[string, ResultsRetryState | null, number, number, boolean, ResultsRetryState]>([
    ['never queued by a pass: queued, first pass', null, 7, 3, true, s(7, 1)],
    ['passes left at this version: queued, counted', s(7, 1), 7, 3, true, s(7, 2)],
    ['the last pass allowed', s(7, 2), 7, 3, true, s(7, 3)],
    ['budget spent at this version: left failed', s(7, 3), 7, 3, false, s(7, 3)],
    ['more than the budget (a lowered limit): left failed, not counted on', s(7, 5), 7, 3, false, s(7, 5)],
    ['scores changed since: a fresh budget', s(7, 3), 8, 3, true, s(8, 1)],
    ['a version below the counted one (a row rewritten): a fresh budget', s(9, 3), 8, 3, true, s(8, 1)],
    ['a budget of 0: never queued by a pass', null, 1, 0, false, s(1, 0)],
  ])('%s', (_, prior, version, max, queue, next) => {
    expect(resultsRetryDecision(prior, version, max)).toEqual({ queue, next });
  });

  it('defaults to RESULTS_RECONCILE_PASSES', () => {
    let state: ResultsRetryState | null = null;
    let queued = 0;
    for (let pass = 0; pass < 10; pass++) {
      const d = resultsRetryDecision(state, 4);
      if (d.queue) queued++;
      state = d.next;
    }
    expect(queued).toBe(RESULTS_RECONCILE_PASSES);
  });
});
