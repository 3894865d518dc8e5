import {
  FinalBasis,
  isValidScore,
  MarkInput,
  MarkingRule,
  resolveFinalScore,
  Resolution,
} from './resolve-final-score.js';

const rule = (
  mode: MarkingRule['mode'],
  tolerance = 2,
  step = 1,
  rounding: MarkingRule['rounding'] = 'half_up',
): MarkingRule => ({ mode, tolerance, step, rounding });
/** Marks from scores by round (null = not marked yet); markers 11, 12, 13. */
const marks = (...scores: (number | null | 'P')[]): MarkInput[] =>
  scores.flatMap((s, i) =>
    s === null
      ? []
      : [{ round: i + 1, score: s === 'P' ? null : s, problem: s === 'P' ? 'illegible' : null, markerId: 11 + i }],
  );
const fin = (score: number, basis: FinalBasis, ruleVersion: string): Resolution => ({
  state: 'final',
  score,
  basis,
  ruleVersion,
});

describe('resolveFinalScore', () => {
  // prettier-ignore
  const cases: [string, MarkingRule, MarkInput[], number | undefined, Resolution][] = [
    // single
    ['single: no mark yet', rule('single'), [], undefined, { state: 'pending' }],
    ['single: one mark is final', rule('single', 0, 0.5), marks(7.5), undefined, fin(7.5, 'single', 'single-v1')],
    ['single: problem flag', rule('single'), marks('P'), undefined, { state: 'problem' }],
    ['single: arbitration overrides a problem', rule('single'), marks('P'), 4, fin(4, 'arbitration', 'arbitration-v1')],
    // double, first two marks
    ['double: one of two marks', rule('double'), marks(5), undefined, { state: 'pending' }],
    ['double: only round 2', rule('double'), [{ round: 2, score: 5, markerId: 2 }], undefined, { state: 'pending' }],
    ['double: agree exactly', rule('double'), marks(6, 6), undefined, fin(6, 'mean_1_2', 'double-v1')],
    ['double: one beyond the tolerance → third', rule('double', 2, 1), marks(5, 8), undefined, { state: 'need_third' }],
    ['double: |d| = tol counts as agreement', rule('double', 3, 1), marks(5, 8), undefined, fin(7, 'mean_1_2', 'double-v1')],
    ['double: mean 6.5 rounded down', rule('double', 3, 1, 'down'), marks(5, 8), undefined, fin(6, 'mean_1_2', 'double-v1')],
    ['double: mean 6.5 rounded up', rule('double', 3, 1, 'up'), marks(5, 8), undefined, fin(7, 'mean_1_2', 'double-v1')],
    ['double: mean on step 0.5 kept exact', rule('double', 1, 0.5), marks(6.5, 7.5), undefined, fin(7, 'mean_1_2', 'double-v1')],
    ['double: mean 6.75 half up to 0.5 → 7', rule('double', 1, 0.5), marks(6.5, 7), undefined, fin(7, 'mean_1_2', 'double-v1')],
    ['double: mean 6.75 down to 0.5 → 6.5', rule('double', 1, 0.5, 'down'), marks(6.5, 7), undefined, fin(6.5, 'mean_1_2', 'double-v1')],
    ['double: float-unfriendly 0.1 + 0.2 with step 0.1', rule('double', 1, 0.1), marks(0.1, 0.2), undefined, fin(0.2, 'mean_1_2', 'double-v1')],
    ['double: 0.1 + 0.2 step 0.1 down → 0.1', rule('double', 1, 0.1, 'down'), marks(0.1, 0.2), undefined, fin(0.1, 'mean_1_2', 'double-v1')],
    ['double: beyond tolerance → third', rule('double', 1), marks(2, 6), undefined, { state: 'need_third' }],
    ['double: problem in round 2', rule('double'), marks(5, 'P'), undefined, { state: 'problem' }],
    // third marking
    ['third near round 1 only → mean(1,3)', rule('double_arbitration', 1), marks(2, 6, 3), undefined, fin(3, 'mean_1_3', 'double_arbitration-v1')],
    ['third near round 2 only → mean(2,3)', rule('double_arbitration', 1), marks(2, 6, 6), undefined, fin(6, 'mean_2_3', 'double_arbitration-v1')],
    ['third near round 2 only, mean 5.5 half up', rule('double_arbitration', 1), marks(2, 6, 5), undefined, fin(6, 'mean_2_3', 'double_arbitration-v1')],
    ['third near round 2 only, mean 5.5 down', rule('double_arbitration', 1, 1, 'down'), marks(2, 6, 5), undefined, fin(5, 'mean_2_3', 'double_arbitration-v1')],
    ['third near both, closer to 1 → mean(1,3)', rule('double_arbitration', 3), marks(2, 6, 3), undefined, fin(3, 'mean_1_3', 'double_arbitration-v1')],
    ['third near both, closer to 2 → mean(2,3)', rule('double_arbitration', 3), marks(2, 6, 5), undefined, fin(6, 'mean_2_3', 'double_arbitration-v1')],
    ['third near both, tie → higher pair (2,3)', rule('double_arbitration', 3, 1), marks(2, 6, 4), undefined, fin(5, 'mean_2_3', 'double_arbitration-v1')],
    ['third near both, tie → higher pair (1,3) when round 1 is higher', rule('double_arbitration', 3, 1), marks(6, 2, 4), undefined, fin(5, 'mean_1_3', 'double_arbitration-v1')],
    ['third near neither → arbitration', rule('double_arbitration', 1), marks(2, 8, 5), undefined, { state: 'need_arbitration' }],
    ['arbitration score is final', rule('double_arbitration', 1), marks(2, 8, 5), 4.5, fin(4.5, 'arbitration', 'arbitration-v1')],
    ['arbitration overrides agreeing marks too', rule('double_arbitration', 1), marks(5, 5), 3, fin(3, 'arbitration', 'arbitration-v1')],
    ['plain double, third near neither → median', rule('double', 1), marks(2, 8, 5), undefined, fin(5, 'median_of_three', 'double-v1')],
    ['plain double, median when third is lowest', rule('double', 1), marks(4, 9, 1), undefined, fin(4, 'median_of_three', 'double-v1')],
    ['third is a problem', rule('double_arbitration', 1), marks(2, 8, 'P'), undefined, { state: 'problem' }],
    ['re-marked round: the latest mark counts', rule('double', 1), [...marks(2, 8), { round: 2, score: 3, markerId: 20 }], undefined, fin(3, 'mean_1_2', 'double-v1')],
  ];

  it.each(cases)('%s', (_name, r, m, arb, expected) => {
    const got = resolveFinalScore(r, m, arb);
    expect(got).toEqual(expected);
  });

  it('never depends on the order of the marks for distinct rounds', () => {
    const m = marks(2, 6, 5);
    expect(resolveFinalScore(rule('double_arbitration', 3), [...m].reverse())).toEqual(
      resolveFinalScore(rule('double_arbitration', 3), m),
    );
  });

  it('rejects a non-positive step', () => {
    expect(() => resolveFinalScore(rule('single', 0, 0), marks(1))).toThrow();
  });
});

describe('isValidScore', () => {
  // prettier-ignore
  it.each([
    [0, 10, 0.5, true],
    [10, 10, 0.5, true],
    [7.5, 10, 0.5, true],
    [7.25, 10, 0.5, false],
    [10.5, 10, 0.5, false],
    [-0.5, 10, 0.5, false],
    [0.3, 1, 0.1, true],
    [0.35, 1, 0.1, false],
    [3.001, 10, 1, false],
    [Number.NaN, 10, 1, false],
    [2, 10, 1, true],
  ])('%p of max %p step %p → %p', (s, max, step, ok) => {
    expect(isValidScore(s, max, step)).toBe(ok);
  });
});
