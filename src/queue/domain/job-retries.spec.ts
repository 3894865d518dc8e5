import { outlivesMs, retryWaitsMs } from './job-retries.js';

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
