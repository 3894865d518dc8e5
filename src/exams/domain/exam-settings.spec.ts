import { validateExam } from './exam-settings.js';

describe('validateExam', () => {
  it('fills the default thresholds', () => {
    expect(validateExam({ name: ' 2025春七年级期中 ', grade: '七年级', examDate: '2025-04-22' })).toEqual({
      ok: true,
      exam: {
        name: '2025春七年级期中',
        grade: '七年级',
        gradeYear: 7,
        kind: 'quality_monitoring',
        gradeBandCutoffs: [0.85, 0.7, 0.6],
        examDate: '2025-04-22',
        excellentRatio: 0.85,
        passRatio: 0.6,
        lowRatio: 0.4,
      },
    });
  });

  it('takes custom thresholds in (0, 1] in strict order', () => {
    expect(validateExam({ name: 'x', gradeYear: 8, excellentRatio: 1, passRatio: '0.7', lowRatio: 0.3 })).toMatchObject(
      {
        ok: true,
        exam: { excellentRatio: 1, passRatio: 0.7, lowRatio: 0.3, examDate: null },
      },
    );
    expect(validateExam({ name: 'x', grade: '八年级', excellentRatio: 0.6 })).toEqual({
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
        '请选择年级',
      ],
    });
  });

  it('reads the grade and takes the kind the grade allows (通知 2021)', () => {
    const ok = (input: object) => {
      const v = validateExam({ name: 'x', ...input });
      if (!v.ok) throw new Error(v.errors.join('；'));
      return { grade: v.exam.grade, gradeYear: v.exam.gradeYear, kind: v.exam.kind };
    };
    expect(ok({ grade: '初一' })).toEqual({ grade: '初一', gradeYear: 7, kind: 'quality_monitoring' });
    expect(ok({ gradeYear: 4 })).toEqual({ grade: '四年级', gradeYear: 4, kind: 'quality_monitoring' });
    expect(ok({ gradeYear: '9', kind: 'graduation' })).toEqual({ grade: '九年级', gradeYear: 9, kind: 'graduation' });
    expect(ok({ grade: '高二', kind: 'joint' })).toEqual({ grade: '高二', gradeYear: 11, kind: 'joint' });
  });

  it('refuses what the grade does not allow, and asks for what is missing, in Chinese', () => {
    const errors = (input: object, opts = { requireGrade: true }) => {
      const v = validateExam({ name: 'x', ...input }, opts);
      return v.ok ? [] : v.errors;
    };
    expect(errors({ grade: '七年级', kind: 'joint' })).toEqual([
      '七年级属于义务教育非毕业年级：按《教育部办公厅关于加强义务教育学校考试管理的通知》（2021），不得组织跨校统一考试，只能设为学业质量监测',
    ]);
    expect(errors({ gradeYear: 8, kind: 'graduation' })).toEqual(['八年级不是毕业年级，不能设为毕业年级统一考试']);
    expect(errors({ gradeYear: 9 })).toEqual([
      '请选择考试类型：九年级可选 学业质量监测、毕业年级统一考试、校际联考（学校自主考试）',
    ]);
    expect(errors({ gradeYear: 13 })).toEqual([
      '年级（gradeYear）应为 1～12 的整数（1～6 小学，7～9 初中，10～12 高中）',
    ]);
    expect(errors({ grade: '七年级下' })).toEqual(['无法识别年级“七年级下”：请写一年级至九年级、高一至高三']);
    expect(errors({ gradeYear: 10, kind: 'mock' })[0]).toMatch(
      /^考试类型（kind）应为 quality_monitoring（学业质量监测）/,
    );
    expect(errors({ gradeYear: 7, gradeBandCutoffs: [0.6, 0.7, 0.8] })).toEqual([
      '等级分界应从高到低排列，现为 0.6 / 0.7 / 0.8',
    ]);
    expect(errors({})).toEqual(['请选择年级']);
    // imported results: the grade may be missing; the kind then takes the stricter reading
    const imported = validateExam({ name: 'x' }, { requireGrade: false });
    expect(imported).toMatchObject({ ok: true, exam: { grade: '', gradeYear: null, kind: 'quality_monitoring' } });
    expect(validateExam({ name: 'x', grade: '高一' }, { requireGrade: false })).toMatchObject({
      exam: { gradeYear: 10, kind: 'joint' },
    });
  });
});
