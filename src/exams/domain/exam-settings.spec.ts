import { validateExam } from './exam-settings.js';

describe('validateExam', () => {
  it('fills the default thresholds', () => {
    expect(validateExam({ name: ' 2025春七年级期中 ', grade: '七年级', examDate: '2025-04-22' })).toEqual({
      ok: true,
      exam: {
        name: '2025春七年级期中',
        grade: '七年级',
        examDate: '2025-04-22',
        excellentRatio: 0.85,
        passRatio: 0.6,
        lowRatio: 0.4,
      },
    });
  });

  it('takes custom thresholds in (0, 1] in strict order', () => {
    expect(validateExam({ name: 'x', excellentRatio: 1, passRatio: '0.7', lowRatio: 0.3 })).toMatchObject({
      ok: true,
      exam: { excellentRatio: 1, passRatio: 0.7, lowRatio: 0.3, examDate: null },
    });
    expect(validateExam({ name: 'x', excellentRatio: 0.6 })).toEqual({
      ok: false,
      errors: ['应满足 优秀线 > 及格线 > 低分线，现为 0.6 / 0.6 / 0.4'],
    });
  });

  it('lists every bad field', () => {
    expect(
      validateExam({ name: '', examDate: '2025-02-30', excellentRatio: 1.2, passRatio: 0, lowRatio: 0.3333 }),
    ).toEqual({
      ok: false,
      errors: [
        '考试名称不能为空',
        '考试日期应为 YYYY-MM-DD 格式的有效日期',
        '优秀线（excellentRatio）应为大于 0、不超过 1 的小数，最多三位小数',
        '及格线（passRatio）应为大于 0、不超过 1 的小数，最多三位小数',
        '低分线（lowRatio）应为大于 0、不超过 1 的小数，最多三位小数',
      ],
    });
  });
});
