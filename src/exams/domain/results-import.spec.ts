import type { SheetRow } from '../../org/domain/roster.js';
import {
  parseFullMarksField,
  parseScore,
  parseStatedReliability,
  parseSubjectHeader,
  parseSubjectReliabilities,
  resultsFingerprint,
  validateResultsImport,
  type ResultsImportContext,
} from './results-import.js';

const rows = (...lines: string[][]): SheetRow[] => lines.map((cells, i) => ({ rowNo: i + 1, cells }));
const ctx = (over: Partial<ResultsImportContext> = {}): ResultsImportContext => ({
  studentsByExamNo: new Map([
    ['20260101', { id: 1, name: '张三', schoolId: 10 }],
    ['20260102', { id: 2, name: '李四', schoolId: 10 }],
    ['20260201', { id: 3, name: '王 五', schoolId: 20 }],
  ]),
  fullMarks: new Map(),
  ...over,
});
const errorsOf = (r: ReturnType<typeof validateResultsImport>) => (r.ok ? [] : r.errors);

describe('parseSubjectHeader', () => {
  // prettier-ignore
  it.each([
    ['数学(100)', '数学', 100],
    ['数学（120）', '数学', 120],
    ['语文（满分150）', '语文', 150],
    ['英语(100分)', '英语', 100],
    ['道德与法治 满分 50', '道德与法治', 50],
    ['物理', '物理', null],
  ])('%s → %s, %s', (header, subject, fullMarks) => {
    expect(parseSubjectHeader(header)).toEqual({ subject, fullMarks });
  });
});

describe('parseScore', () => {
  it('takes non-negative decimals with at most two places, full-width digits too', () => {
    expect(parseScore('87.5')).toBe(87.5);
    expect(parseScore(' ９０ ')).toBe(90);
    expect(parseScore('0')).toBe(0);
    for (const bad of ['-3', '87.555', 'abc', '1e2', '', '８７分']) expect(parseScore(bad)).toBeNull();
  });
});

describe('parseFullMarksField', () => {
  it('reads one number for every subject, pairs, or a JSON object', () => {
    expect(parseFullMarksField('100')).toEqual(new Map([['*', 100]]));
    expect(parseFullMarksField(120)).toEqual(new Map([['*', 120]]));
    expect(parseFullMarksField('数学=100；语文：150, 英语:120')).toEqual(
      new Map([
        ['数学', 100],
        ['语文', 150],
        ['英语', 120],
      ]),
    );
    expect(parseFullMarksField('{"数学":100}')).toEqual(new Map([['数学', 100]]));
    expect(parseFullMarksField(undefined)).toEqual(new Map());
    expect(parseFullMarksField('')).toEqual(new Map());
  });

  it('says what is wrong in Chinese', () => {
    expect(parseFullMarksField('数学')).toMatch(/格式不对/);
    expect(parseFullMarksField('数学=0')).toMatch(/“数学”的值应为大于 0/);
    expect(parseFullMarksField('5000')).toMatch(/不超过 1000/);
    expect(parseFullMarksField('{bad json')).toMatch(/格式不对/);
  });
});

describe('validateResultsImport', () => {
  it('maps rows to students and totals per subject; blank or 缺考 is absent', () => {
    const r = validateResultsImport(
      rows(
        ['考号', '姓名', '数学(100)', '语文（120）'],
        ['20260101', '张三', '87.5', ''],
        ['20260201', '王五', '缺考', '101'],
        ['20260102', '', '60', '90'],
      ),
      ctx(),
    );
    expect(r).toEqual({
      ok: true,
      subjects: [
        { subject: '数学', fullMarks: 100 },
        { subject: '语文', fullMarks: 120 },
      ],
      rows: [
        { rowNo: 2, studentId: 1, schoolId: 10, totals: [87.5, null] },
        { rowNo: 3, studentId: 3, schoolId: 20, totals: [null, 101] },
        { rowNo: 4, studentId: 2, schoolId: 10, totals: [60, 90] },
      ],
    });
  });

  it('skips a title row and blank lines, ignores 学校/班级/总分 columns, takes full marks from the form field', () => {
    const r = validateResultsImport(
      rows(
        ['2026年春季六年级期末成绩'],
        ['学校', '班级', '准考证号', '数学', '总分'],
        [],
        ['某校', '六(1)班', '20260101', '77', '77'],
      ),
      ctx({ fullMarks: new Map([['*', 100]]) }),
    );
    expect(r).toEqual({
      ok: true,
      subjects: [{ subject: '数学', fullMarks: 100 }],
      rows: [{ rowNo: 4, studentId: 1, schoolId: 10, totals: [77] }],
    });
  });

  it('reports every bad row at once, with row numbers, and stores nothing', () => {
    const r = validateResultsImport(
      rows(
        ['考号', '姓名', '数学(100)'],
        ['20269999', '赵六', '80'],
        ['20260101', '张四', '80'],
        ['20260102', '李四', '120'],
        ['20260201', '王五', '八十'],
        ['20260201', '王五', '70'],
        ['', '无名', '70'],
      ),
      ctx(),
    );
    expect(r.ok).toBe(false);
    expect(errorsOf(r)).toEqual([
      '第2行：考号 20269999 不在本联盟学生名单中',
      '第3行：考号 20260101 的姓名“张四”与名单不符（名单为“张三”）',
      '第4行：数学成绩 120 超过满分 100',
      '第5行：数学成绩“八十”不是有效分数（应为不小于 0 的数，最多两位小数；缺考请留空或填“缺考”）',
      '第6行：考号 20260201 重复（与第5行相同）',
      '第7行：考号为空',
    ]);
  });

  it('matches names regardless of spaces and width', () => {
    const r = validateResultsImport(rows(['考号', '姓名', '数学(100)'], ['20260201', '王五', '70']), ctx());
    expect(r.ok).toBe(true);
  });

  it('refuses a header without 考号, without subjects, with a subject twice or without full marks', () => {
    expect(errorsOf(validateResultsImport(rows(['姓名', '数学(100)'], ['张三', '1']), ctx()))[0]).toMatch(
      /^缺少列：考号/,
    );
    expect(errorsOf(validateResultsImport(rows(['考号', '姓名'], ['20260101', '张三']), ctx()))).toEqual([
      '没有科目列：考号、姓名之后应有每个科目一列，如“数学(100)”',
    ]);
    expect(
      errorsOf(validateResultsImport(rows(['考号', '数学(100)', '数学（100）'], ['20260101', '1', '1']), ctx())),
    ).toEqual(['第1行：科目“数学”出现了两次']);
    expect(errorsOf(validateResultsImport(rows(['考号', '数学'], ['20260101', '1']), ctx()))).toEqual([
      '科目“数学”缺少满分：请把表头写成“数学(100)”，或在表单字段 fullMarks 中填写',
    ]);
    expect(
      errorsOf(
        validateResultsImport(
          rows(['考号', '数学(100)'], ['20260101', '1']),
          ctx({ fullMarks: new Map([['物理', 100]]) }),
        ),
      ),
    ).toEqual(['满分（fullMarks）中的科目“物理”不在文件中']);
  });

  it('refuses an empty file or one with only a header', () => {
    expect(errorsOf(validateResultsImport([], ctx()))).toEqual(['文件为空：没有找到表头和成绩数据']);
    expect(errorsOf(validateResultsImport(rows(['考号', '数学(100)']), ctx()))).toEqual([
      '文件中只有表头，没有成绩数据',
    ]);
  });

  it('caps the error list of a wrong file', () => {
    const many = Array.from({ length: 250 }, (_, i) => [`3000${String(i).padStart(4, '0')}`, '', '1']);
    const errors = errorsOf(validateResultsImport(rows(['考号', '姓名', '数学(100)'], ...many), ctx()));
    expect(errors).toHaveLength(201);
    expect(errors[200]).toBe('另有 50 处错误未列出');
  });
});

describe('resultsFingerprint', () => {
  const subjects = [
    { subject: '数学', fullMarks: 100 },
    { subject: '语文', fullMarks: 120 },
  ];
  // prettier-ignore
  const rows = [
    { studentId: 7, totals: [88, null] },
    { studentId: 3, totals: [61.5, 99] },
  ];
  it('is the same for the same results in any row order, and differs when any score, subject or full mark changes', () => {
    const f = resultsFingerprint(subjects, rows);
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(resultsFingerprint(subjects, [...rows].reverse())).toBe(f);
    expect(resultsFingerprint(subjects, [rows[0], { studentId: 3, totals: [61, 99] }])).not.toBe(f);
    expect(resultsFingerprint(subjects, [{ studentId: 7, totals: [88, 0] }, rows[1]])).not.toBe(f); // 缺考 is not 0
    expect(resultsFingerprint([subjects[0], { subject: '语文', fullMarks: 150 }], rows)).not.toBe(f);
    expect(resultsFingerprint(subjects, rows.slice(1))).not.toBe(f);
  });
});

describe('parseStatedReliability', () => {
  const source = '原考试系统报告 α';
  it.each([
    ['0.82', source, { reliability: 0.82, source }],
    [' 0.820 ', ` ${source} `, { reliability: 0.82, source }],
    ['１', '教研室', { reliability: 1, source: '教研室' }],
    ['.7', '教研室', { reliability: 0.7, source: '教研室' }],
    [0.655, '教研室', { reliability: 0.655, source: '教研室' }],
    ['', '', null],
    [undefined, undefined, null],
    ['  ', ' ', null],
  ])('reads %p from %p', (r, s, expected) => {
    expect(parseStatedReliability(r, s)).toEqual(expected);
  });

  it.each([
    ['0', source, ['信度“0”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82']],
    ['1.2', source, ['信度“1.2”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82']],
    ['82%', source, ['信度“82%”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82']],
    ['0.8234', source, ['信度“0.8234”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82']],
    ['-0.5', source, ['信度“-0.5”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82']],
    ['0.82', '', ['请填写信度的来源，如“原考试系统报告 α”']],
    ['', source, ['填写了信度来源，但没有填写信度（0 到 1 之间的小数，如 0.82）']],
    ['0.82', '来'.repeat(201), ['信度来源过长（最多200个字）']],
    [
      'abc',
      '',
      ['信度“abc”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82', '请填写信度的来源，如“原考试系统报告 α”'],
    ],
  ])('refuses %p with %p, in Chinese', (r, s, errors) => {
    expect(parseStatedReliability(r, s)).toEqual(errors);
  });
});

describe('parseSubjectReliabilities', () => {
  const subjects = ['数学', '英语'];
  it.each([
    [undefined, []],
    ['', []],
    ['[]', []],
    [
      JSON.stringify([{ subject: ' 数学 ', reliability: '0.85', source: '教研室统计' }]),
      [{ subject: '数学', reliability: 0.85, source: '教研室统计' }],
    ],
    [
      [
        { subject: '英语', reliability: 0.7, source: '原考试系统报告 α' },
        { subject: '', reliability: '', source: '' },
      ],
      [{ subject: '英语', reliability: 0.7, source: '原考试系统报告 α' }],
    ],
  ])('reads %p', (raw, expected) => {
    expect(parseSubjectReliabilities(raw, subjects)).toEqual(expected);
  });

  it('names every bad row in Chinese', () => {
    expect(parseSubjectReliabilities('{oops', subjects)).toEqual(['各科信度的格式不对：应为科目、信度、来源的列表']);
    expect(parseSubjectReliabilities('{"subject":"数学"}', subjects)).toEqual([
      '各科信度的格式不对：应为科目、信度、来源的列表',
    ]);
    expect(
      parseSubjectReliabilities(
        [
          { subject: '物理', reliability: '0.8', source: '教研室' },
          { subject: '数学', reliability: '1.2', source: '教研室' },
          { subject: '英语', reliability: '0.8', source: '' },
          { subject: '', reliability: '0.8', source: '教研室' },
          { subject: '数学', reliability: '0.8', source: '教研室' },
        ],
        subjects,
      ),
    ).toEqual([
      '各科信度中的科目“物理”不在成绩文件中（文件中的科目：数学、英语）',
      '数学：信度“1.2”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82',
      '英语：请填写信度的来源，如“原考试系统报告 α”',
      '各科信度中有一行没有填写科目',
      '科目“数学”的信度填写了不止一次',
    ]);
  });
});
