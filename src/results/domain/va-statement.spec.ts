import { vaStatement, vaVerdict, verdictOf } from './va-statement.js';

describe('value-added in words', () => {
  it.each([
    [0.1, 3.2, 'above', '明显高于联盟平均'],
    [-3.2, -0.1, 'below', '明显低于联盟平均'],
    [-1.5, 2.5, 'indistinguishable', '与联盟平均无可分辨差别'],
    [0, 2.5, 'indistinguishable', '与联盟平均无可分辨差别'], // touching 0 does not exclude it
    [-2.5, 0, 'indistinguishable', '与联盟平均无可分辨差别'],
  ] as const)('interval [%p, %p] → %s (%s)', (lo, hi, verdict, words) => {
    expect(vaVerdict(lo, hi)).toBe(verdict);
    expect(vaStatement(verdict)).toBe(words);
  });

  it('has no verdict without an interval', () => {
    expect(vaVerdict(null, 2)).toBeNull();
    expect(vaVerdict(1, Number.NaN)).toBeNull();
  });

  it('reads the stored verdict, or derives it from the interval of analyses stored before the field', () => {
    expect(verdictOf({ verdict: 'below', ciLow: 1, ciHigh: 2 })).toBe('below');
    expect(verdictOf({ verdict: null, ciLow: null, ciHigh: null })).toBeNull();
    expect(verdictOf({ ciLow: 1, ciHigh: 2 })).toBe('above');
  });
});
