import {
  describeBands,
  DISCLOSURE,
  EXAM_KINDS,
  ExamKind,
  explainDisclosure,
  explainGrade,
  GRADE_YEARS,
  gradeBand,
  gradeLabel,
  kindRefusal,
  kindsAllowed,
  may,
  mayAny,
  parseGrade,
  READERS,
  type Reader,
  refusal,
  regimeOf,
  validateCutoffs,
  type View,
  VIEWS,
} from './exam-disclosure.js';

const QM = ExamKind.QualityMonitoring;
const GRAD = ExamKind.Graduation;
const JOINT = ExamKind.Joint;

describe('kinds allowed per grade (通知 2021: cross-school exams of non-graduating compulsory grades are monitoring only)', () => {
  const table: [number, ExamKind[]][] = [
    [1, [QM]],
    [2, [QM]],
    [3, [QM]],
    [4, [QM]],
    [5, [QM]],
    [6, [QM]],
    [7, [QM]],
    [8, [QM]],
    [9, [QM, GRAD, JOINT]],
    [10, [QM, JOINT]],
    [11, [QM, JOINT]],
    [12, [QM, GRAD, JOINT]],
  ];
  it.each(table)('grade %i allows %j', (year, kinds) => {
    expect(kindsAllowed(year)).toEqual(kinds);
    for (const k of EXAM_KINDS) expect(kindRefusal(year, k) === null).toBe(kinds.includes(k));
  });

  it('refuses in Chinese, naming the notice for compulsory grades', () => {
    expect(kindRefusal(7, JOINT)).toBe(
      '七年级属于义务教育非毕业年级：按《教育部办公厅关于加强义务教育学校考试管理的通知》（2021），不得组织跨校统一考试，只能设为学业质量监测',
    );
    expect(kindRefusal(11, GRAD)).toBe('高二不是毕业年级，不能设为毕业年级统一考试');
  });
});

describe('grades as people write them', () => {
  const table: [string, number | null][] = [
    ['七年级', 7],
    ['7', 7],
    ['7年级', 7],
    ['初一', 7],
    ['初三', 9],
    ['初四', 9],
    ['九年级', 9],
    ['一年级', 1],
    ['小学六年级', 6],
    ['高一', 10],
    ['高三年级', 12],
    ['十年级', 10],
    ['十二年级', 12],
    ['高中二年级', 11],
    [' 八 年级 ', 8],
    ['', null],
    ['13', null],
    ['初五', null],
    ['小学七年级', null],
    ['大一', null],
    ['七年级下', null],
  ];
  it.each(table)('%s → %s', (text, year) => expect(parseGrade(text)).toBe(year));

  it('writes every year back as a label that reads as the same year', () => {
    for (const y of GRADE_YEARS) expect(parseGrade(gradeLabel(y))).toBe(y);
    expect(GRADE_YEARS.map(gradeLabel).join(' ')).toBe(
      '一年级 二年级 三年级 四年级 五年级 六年级 七年级 八年级 九年级 高一 高二 高三',
    );
  });
});

describe('regime of a kind × grade', () => {
  const table: [ExamKind, number | null, string][] = [
    [QM, 7, 'monitoring'],
    [QM, 11, 'monitoring'],
    [QM, null, 'monitoring'],
    [GRAD, 9, 'compulsory'],
    [JOINT, 9, 'compulsory'],
    [JOINT, null, 'compulsory'], // unknown grade: the stricter reading
    [GRAD, 12, 'senior'],
    [JOINT, 10, 'senior'],
  ];
  it.each(table)('%s of grade %s → %s', (kind, gradeYear, regime) =>
    expect(regimeOf({ kind, gradeYear })).toBe(regime),
  );
});

/** The table written out the other way round: per kind × grade, the readers allowed each view. */
const WHO: Record<string, Partial<Record<View, Reader[]>>> = {
  'quality_monitoring/7': {
    school_stats: ['admin', 'bureau', 'principal', 'teacher'],
    alliance_stats: ['admin', 'bureau', 'subject_lead', 'principal', 'teacher'],
    school_comparison: ['admin', 'bureau'],
    anonymous_comparison: ['admin', 'bureau', 'principal'],
    item_analysis: ['admin', 'bureau', 'subject_lead'],
    score_list: ['admin'],
    own_score: [],
    grade_band: ['admin', 'principal', 'teacher', 'student', 'parent'],
    rank: [],
    top_counts: [],
  },
  'graduation/9': {
    school_stats: ['admin', 'bureau', 'principal', 'teacher'],
    alliance_stats: ['admin', 'bureau', 'subject_lead', 'principal', 'teacher'],
    school_comparison: ['admin', 'bureau'],
    anonymous_comparison: ['admin', 'bureau', 'principal'],
    item_analysis: ['admin', 'bureau', 'subject_lead'],
    score_list: ['admin', 'principal', 'teacher'],
    own_score: [],
    grade_band: ['admin', 'principal', 'teacher', 'student', 'parent'],
    rank: [],
    top_counts: ['admin', 'bureau', 'principal'],
  },
  'joint/11': {
    school_stats: ['admin', 'bureau', 'principal', 'teacher'],
    alliance_stats: ['admin', 'bureau', 'subject_lead', 'principal', 'teacher'],
    school_comparison: ['admin', 'bureau'],
    anonymous_comparison: ['admin', 'bureau', 'principal'],
    item_analysis: ['admin', 'bureau', 'subject_lead'],
    score_list: ['admin', 'principal', 'teacher'],
    own_score: ['student', 'parent'],
    grade_band: ['admin', 'principal', 'teacher', 'student', 'parent'],
    rank: ['admin', 'principal', 'teacher'],
    top_counts: ['admin', 'bureau', 'principal'],
  },
};

describe('who may see what', () => {
  for (const [key, views] of Object.entries(WHO)) {
    const [kind, year] = key.split('/');
    const exam = { kind: kind as ExamKind, gradeYear: Number(year) };
    it.each(VIEWS.map((v) => [v]))(`${key}: %s`, (view) => {
      const allowed = READERS.filter((r) => may(r, exam, view));
      expect(allowed).toEqual(views[view]);
    });
  }

  it('every kind × grade the rules allow: nothing public, no score list or rank for pupils, no rank in compulsory grades', () => {
    for (const year of GRADE_YEARS)
      for (const kind of kindsAllowed(year)) {
        const exam = { kind, gradeYear: year };
        for (const view of VIEWS) {
          expect(may('public', exam, view)).toBe(false);
          for (const r of ['marker', 'scanner', 'proctor'] as Reader[]) expect(may(r, exam, view)).toBe(false);
        }
        for (const r of ['student', 'parent'] as Reader[]) {
          expect(may(r, exam, 'grade_band')).toBe(true);
          expect(may(r, exam, 'rank')).toBe(false);
          expect(may(r, exam, 'score_list')).toBe(false);
          expect(may(r, exam, 'school_comparison')).toBe(false);
          expect(may(r, exam, 'own_score')).toBe(year >= 10 && kind !== QM);
        }
        if (year <= 9 || kind === QM) expect(READERS.filter((r) => may(r, exam, 'rank'))).toEqual([]);
        if (kind === QM) expect(READERS.filter((r) => may(r, exam, 'top_counts'))).toEqual([]);
        // other schools by name: the organiser and the bureau only, never a school
        expect(READERS.filter((r) => may(r, exam, 'school_comparison'))).toEqual(['admin', 'bureau']);
      }
  });

  it('every reader has a row in every regime, and one person with several roles gets the union', () => {
    for (const regime of Object.values(DISCLOSURE)) expect(Object.keys(regime).sort()).toEqual([...READERS].sort());
    const exam = { kind: QM, gradeYear: 7 };
    expect(mayAny(['marker', 'principal'], exam, 'grade_band')).toBe(true);
    expect(mayAny(['marker', 'principal'], exam, 'score_list')).toBe(false);
    expect(mayAny([], exam, 'school_stats')).toBe(false);
  });

  it('refuses in Chinese, naming the exam and the view', () => {
    expect(refusal({ kind: QM, gradeYear: 7 }, ['score_list', 'grade_band'])).toBe(
      '按本次考试（学业质量监测·七年级）的成绩使用规定，当前账号不能查看学生分数名单或等级',
    );
  });
});

describe('等级', () => {
  const table: [number | null, number, number[], string | null][] = [
    [85, 100, [0.85, 0.7, 0.6], 'A'],
    [84.5, 100, [0.85, 0.7, 0.6], 'B'],
    [70, 100, [0.85, 0.7, 0.6], 'B'],
    [60, 100, [0.85, 0.7, 0.6], 'C'],
    [59.5, 100, [0.85, 0.7, 0.6], 'D'],
    [0, 100, [0.85, 0.7, 0.6], 'D'],
    [102, 120, [0.85, 0.7, 0.6], 'A'], // 0.85 × 120 = 102 exactly
    [101.5, 120, [0.85, 0.7, 0.6], 'B'],
    [17, 20, [0.9, 0.8, 0.7, 0.6], 'B'],
    [11, 20, [0.9, 0.8, 0.7, 0.6], 'E'],
    [null, 100, [0.85, 0.7, 0.6], null],
  ];
  it.each(table)('%s of %s with %j → %s', (total, full, cutoffs, band) =>
    expect(gradeBand(total, full, cutoffs)).toBe(band),
  );

  it('validates the cut-offs: 4 or 5 levels, decreasing fractions', () => {
    expect(validateCutoffs(undefined)).toEqual({ ok: true, cutoffs: [0.85, 0.7, 0.6] });
    expect(validateCutoffs('0.9, 0.8，0.7 0.6')).toEqual({ ok: true, cutoffs: [0.9, 0.8, 0.7, 0.6] });
    expect(validateCutoffs([0.9, 0.75, 0.6])).toEqual({ ok: true, cutoffs: [0.9, 0.75, 0.6] });
    for (const bad of [[0.9, 0.8], [0.9, 0.8, 0.7, 0.6, 0.5], [1, 0.8, 0.6], [0.9, 0.8, 0], [0.85, 0.7, 'x'], 'abc'])
      expect(validateCutoffs(bad)).toMatchObject({ ok: false, error: expect.stringContaining('等级分界') });
    expect(validateCutoffs([0.6, 0.7, 0.85])).toEqual({
      ok: false,
      error: '等级分界应从高到低排列，现为 0.6 / 0.7 / 0.85',
    });
    expect(validateCutoffs([0.8555, 0.7, 0.6]).ok).toBe(false);
  });

  it('says the bands in Chinese', () => {
    expect(describeBands([0.85, 0.7, 0.6])).toBe('A（优秀）≥85%，B（良好）≥70%，C（合格）≥60%，D（待合格）<60%');
    expect(describeBands([0.9, 0.8, 0.7, 0.6])).toBe(
      'A（优秀）≥90%，B（良好）≥80%，C（中等）≥70%，D（合格）≥60%，E（待合格）<60%',
    );
  });
});

describe('the rule in words', () => {
  it('explains the grade and what follows for 成绩', () => {
    expect(explainGrade(7)).toContain('只能是学业质量监测');
    expect(explainGrade(9)).toBe(
      '初中九年级的联盟统一考试可以是：学业质量监测、毕业年级统一考试、校际联考（学校自主考试）。',
    );
    const qm = explainDisclosure({ kind: QM, gradeYear: 7 });
    expect(qm).toContain('学生和家长只得到各科等级');
    expect(qm).toContain('不提供学生分数名单');
    expect(explainDisclosure({ kind: JOINT, gradeYear: 11 })).toContain('本人分数与等级');
  });
});
