import { outlivesMs, owedPageAction, retryWaitsMs } from './job-retries.js';

describe('job retries', () => {
  it.each([
    [{ attempts: 1, backoffMs: 1000 }, [], 0],
    [{ attempts: 3, backoffMs: 1000 }, [1000, 2000], 3000],
    [{ attempts: 8, backoffMs: 2000 }, [2000, 4000, 8000, 16000, 32000, 64000, 128000], 254000],
  ])('%j waits %j, %i ms in all', (policy, waits, total) => {
    expect(retryWaitsMs(policy)).toEqual(waits);
    expect(outlivesMs(policy)).toBe(total);
  });
});

describe('a page still queued, at the reconciliation', () => {
  it.each([
    [null, 0, 'add'],
    ['unknown', 0, 'add'],
    ['completed', 0, 'add'],
    ['waiting', 0, 'leave'],
    ['delayed', 5, 'leave'],
    ['active', 0, 'leave'],
    ['prioritized', 0, 'leave'],
    ['failed', 0, 'retry'],
    ['failed', 2, 'retry'],
    ['failed', 3, 'give-up'],
    ['failed', 9, 'give-up'],
  ])('job %s after %i passes: %s', (state, passes, action) => {
    expect(owedPageAction(state, passes)).toBe(action);
  });
  it('gives up after as many passes as it is given', () => {
    expect(owedPageAction('failed', 1, 1)).toBe('give-up');
    expect(owedPageAction('failed', 0, 1)).toBe('retry');
  });
});
