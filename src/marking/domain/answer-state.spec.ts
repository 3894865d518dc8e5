import { ARBITRATION_ROUND, type CountingMark, resolveAnswer, ruleOf } from './answer-state.js';

const rule = ruleOf({ markingMode: 'double_arbitration', tolerance: 1, scoreStep: 0.5, roundingMode: 'half_up' });
let id = 0;
const mark = (round: number, score: number | null, problem: string | null = null): CountingMark => ({
  id: ++id,
  round,
  score,
  problem,
  markerId: 10 + round,
});

describe('resolveAnswer', () => {
  it('takes the item rule from the item', () => {
    expect(rule).toEqual({ mode: 'double_arbitration', tolerance: 1, step: 0.5, rounding: 'half_up' });
  });

  it("resolves the markers' rounds by the rule", () => {
    expect(resolveAnswer(rule, [])).toEqual({ state: 'pending' });
    expect(resolveAnswer(rule, [mark(1, 6), mark(2, 7)])).toMatchObject({
      state: 'final',
      score: 6.5,
      basis: 'mean_1_2',
    });
    expect(resolveAnswer(rule, [mark(1, 2), mark(2, 8)])).toEqual({ state: 'need_third' });
    expect(resolveAnswer(rule, [mark(1, 2), mark(2, 8), mark(3, 5)])).toEqual({ state: 'need_arbitration' });
  });

  it("makes the lead's latest arbitration mark final, over disagreement and problem flags", () => {
    const disputed = [mark(1, 2), mark(2, 8), mark(3, 5)];
    expect(resolveAnswer(rule, [...disputed, mark(ARBITRATION_ROUND, 4)])).toMatchObject({
      state: 'final',
      score: 4,
      basis: 'arbitration',
    });
    expect(resolveAnswer(rule, [...disputed, mark(ARBITRATION_ROUND, 4), mark(ARBITRATION_ROUND, 6.5)])).toMatchObject({
      score: 6.5,
      basis: 'arbitration',
    });
    expect(resolveAnswer(rule, [mark(1, null, 'blank'), mark(ARBITRATION_ROUND, 0)])).toMatchObject({
      state: 'final',
      score: 0,
    });
  });
});
