// Multiple-choice partial credit as configured on the paper (validation) and applied when scoring a read answer.
import { scoreObjective } from '../../scans/domain/score-objective.js';
import { validatePaper } from './paper-validation.js';

describe('multiple-choice partial credit', () => {
  const multi = { type: 'multiple_choice' as const, maxScore: 5, answerKey: 'ACD', partialCredit: 0.4 };

  it('all correct → full; correct subset with no wrong option → the fraction; any wrong or blank → 0', () => {
    expect(scoreObjective(multi, 'DCA')).toBe(5);
    expect(scoreObjective(multi, 'AC')).toBe(2);
    expect(scoreObjective(multi, 'D')).toBe(2);
    expect(scoreObjective(multi, 'ACB')).toBe(0);
    expect(scoreObjective(multi, 'ABCD')).toBe(0);
    expect(scoreObjective(multi, '')).toBe(0);
  });

  it('keeps all-or-nothing when no fraction is set, and never applies to single choice', () => {
    expect(scoreObjective({ ...multi, partialCredit: null }, 'AC')).toBe(0);
    expect(scoreObjective({ ...multi, partialCredit: undefined }, 'AC')).toBe(0);
    expect(scoreObjective({ type: 'single_choice', maxScore: 3, answerKey: 'B', partialCredit: 0.5 }, 'A')).toBe(0);
  });

  it('rounds the partial score to hundredths', () => {
    expect(scoreObjective({ type: 'multiple_choice', maxScore: 3, answerKey: 'AB', partialCredit: 0.333 }, 'A')).toBe(
      1,
    );
  });

  it('is validated on the paper: multiple choice only, 0 < f < 1, a partial score in hundredths', () => {
    const v = (items: object[]) => validatePaper({ subject: '数学', title: 'x', items });
    const ok = v([{ label: '1', type: 'multiple_choice', maxScore: 6, answerKey: 'AB', partialCredit: '0.5' }]);
    expect(ok.ok && ok.paper.items[0].partialCredit).toBe(0.5);
    const bad = v([
      { label: '1', type: 'single_choice', maxScore: 3, answerKey: 'A', partialCredit: 0.5 },
      { label: '2', type: 'multiple_choice', maxScore: 6, answerKey: 'AB', partialCredit: 1 },
      { label: '3', type: 'multiple_choice', maxScore: 1, answerKey: 'AB', partialCredit: 0.333 },
    ]);
    expect(!bad.ok && bad.errors).toEqual([
      '第1题：只有多选题可以设置部分得分',
      '第2题：多选题部分得分比例应为 0 到 1 之间（不含 1）的小数，最多三位小数，如 0.5',
      '第3题：满分 1 乘以部分得分比例 0.333 应为最多两位小数的分数',
    ]);
  });
});
