import { agrees, capReached, drawQc, marksToRequeue, shouldSuspend, trialVerdict } from './quality-control.js';
import { estimateMinutesLeft, markerFigures, meanSd, median } from './marker-stats.js';

describe('agrees (seed, trial, self re-marking)', () => {
  // prettier-ignore
  it.each([
    [6, 6, 0, true],
    [6.5, 6, 0.5, true],
    [7, 6, 0.5, false],
    [5, 6, 1, true],
    [0.1 + 0.2, 0.3, 0, true], // exact in hundredths
    [null, 6, 10, false], // a problem flag on a reference answer is a miss
  ])('score %p vs reference %p, tolerance %p → %p', (s, ref, tol, expected) => {
    expect(agrees(s as number | null, ref as number, tol as number)).toBe(expected);
  });
});

describe('shouldSuspend', () => {
  const rule = { misses: 2, window: 4 };
  // prettier-ignore
  it.each([
    [[], false],
    [[false], false],
    [[false, false], true],
    [[false, true, false], true],
    [[false, true, true, true, false], false], // the first miss fell out of the window
    [[true, true, false, false], true],
    [[true, true, true, true], false],
  ])('%p → %p', (outcomes, expected) => {
    expect(shouldSuspend(outcomes as boolean[], rule)).toBe(expected);
  });
  it('never suspends when the rule is off', () => {
    expect(shouldSuspend([false, false, false], { misses: 0, window: 5 })).toBe(false);
  });
});

describe('marksToRequeue', () => {
  const live = [{ id: 3 }, { id: 5 }, { id: 8 }, { id: 12 }];
  it('takes the live marks after the last good seed', () => {
    expect(
      marksToRequeue(live, [
        { id: 4, agreed: true },
        { id: 6, agreed: true },
        { id: 9, agreed: false },
        { id: 13, agreed: false },
      ]),
    ).toEqual([8, 12]);
  });
  it('takes every live mark when no seed was good', () => {
    expect(marksToRequeue(live, [{ id: 4, agreed: false }])).toEqual([3, 5, 8, 12]);
    expect(marksToRequeue(live, [])).toEqual([3, 5, 8, 12]);
  });
  it('takes nothing when the last seed was good', () => {
    expect(marksToRequeue(live, [{ id: 20, agreed: true }])).toEqual([]);
  });
});

describe('trialVerdict', () => {
  // prettier-ignore
  it.each([
    [[], 0, 0.8, 'no_trial'],
    [[true], 3, 0.8, 'incomplete'],
    [[true, true, false], 3, null, 'await_lead'],
    [[true, true, false], 3, 0.6, 'pass'],
    [[true, true, false], 3, 0.7, 'fail'],
    [[true, true, true, true, false], 5, 0.8, 'pass'],
  ])('%p of %p refs, pass rate %p → %p', (outcomes, refs, rate, expected) => {
    expect(trialVerdict(outcomes as boolean[], refs as number, rate as number | null)).toBe(expected);
  });
});

describe('drawQc', () => {
  const rates = { seedRate: 0.1, selfRate: 0.05 };
  const both = { seed: true, self: true };
  // prettier-ignore
  it.each([
    [0, both, 'seed'],
    [0.0999, both, 'seed'],
    [0.1, both, 'self'],
    [0.1499, both, 'self'],
    [0.151, both, 'live'],
    [0.05, { seed: false, self: true }, 'live'],
    [0.12, { seed: true, self: false }, 'live'],
  ])('r=%p %p → %p', (r, available, expected) => {
    expect(drawQc(r as number, rates, available as { seed: boolean; self: boolean })).toBe(expected);
  });
  it('zero rates always give live', () => {
    expect(drawQc(0, { seedRate: 0, selfRate: 0 }, both)).toBe('live');
  });
});

describe('capReached', () => {
  // prettier-ignore
  it.each([
    [0, null, false],
    [999, null, false],
    [49, 50, false],
    [50, 50, true],
    [0, 0, true],
  ])('%p marks, cap %p → %p', (n, cap, expected) => {
    expect(capReached(n as number, cap as number | null)).toBe(expected);
  });
});

describe('marker figures', () => {
  it('mean, population SD, median', () => {
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: 2 });
    expect(meanSd([])).toEqual({ mean: null, sd: null });
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('per marker against the group', () => {
    // prettier-ignore
    const marks = [
      { markerId: 1, snippetId: 10, round: 1, score: 4, secondsSpent: 10 },
      { markerId: 2, snippetId: 10, round: 2, score: 8, secondsSpent: 20 },
      { markerId: 1, snippetId: 11, round: 1, score: 6, secondsSpent: 30 },
      { markerId: 2, snippetId: 11, round: 2, score: 6, secondsSpent: 40 },
      { markerId: 3, snippetId: 10, round: 3, score: 6, secondsSpent: 5 },
    ];
    const outcomes = new Map([
      [10, { third: true, arbitration: false }],
      [11, { third: false, arbitration: false }],
    ]);
    const qc = new Map([[2, { seeds: [true, false, false, true], selfChecks: [true] }]]);
    const [m1, m2, m3] = markerFigures(marks, outcomes, qc);
    expect(m1).toMatchObject({
      markerId: 1,
      count: 2,
      mean: 5,
      sd: 1,
      meanVsGroup: -1,
      thirdRate: 0.5,
      medianSeconds: 20,
      seeds: 0,
      seedAgreement: null,
    });
    expect(m1.distribution).toEqual([
      { score: 4, count: 1 },
      { score: 6, count: 1 },
    ]);
    expect(m2).toMatchObject({
      count: 2,
      mean: 7,
      meanVsGroup: 1,
      seedAgreement: 0.5,
      seeds: 4,
      selfConsistency: 1,
      selfChecks: 1,
    });
    // Group: 4, 8, 6, 6, 6 → mean 6, SD √(8/5); marker 1 SD 1.
    expect(m1.sdVsGroup).toBeCloseTo(1 / Math.sqrt(8 / 5), 3);
    expect(m3.thirdRate).toBeNull(); // a third marker's marks are not rounds 1–2
  });

  it('estimates the minutes left from the recent pace', () => {
    expect(estimateMinutesLeft(0, 0, 30)).toBe(0);
    expect(estimateMinutesLeft(100, 0, 30)).toBeNull();
    expect(estimateMinutesLeft(100, 60, 30)).toBe(50);
    expect(estimateMinutesLeft(101, 60, 30)).toBe(51);
  });
});
