import { analysePaper, type ItemInfo } from '../../results/domain/exam-analysis.js';
import { L, M, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import {
  borderlineNames,
  buildClassReport,
  cellText,
  mistakesOf,
  movementOf,
  restShown,
  type ClassReportInput,
} from './class-report.js';

// City school L: its 7 students in class 10 (6 present, 1 absent); river school M: class 20.
const input = sampleInput();
input.outcomes = input.outcomes.map((o) => ({ ...o, classId: o.schoolId * 10 }));
input.classes = new Map([
  [10, '七(1)班'],
  [20, '七(2)班'],
  [30, '七(3)班'],
  [40, '对照七(1)班'],
]);
const data = analysePaper(input);
const own = input.outcomes.filter((o) => o.schoolId === L);
const NAMES = ['张一', '王二', '李三', '赵四', '钱五', '孙六', '周七'];
const base = (over: Partial<ClassReportInput> = {}): ClassReportInput => ({
  examName: '2026年秋季九年级联考',
  schoolId: L,
  schoolName: '城关中学',
  classId: 10,
  className: '七(1)班',
  analyses: [data],
  students: own.map((o, i) => ({
    studentId: o.studentId,
    name: NAMES[i],
    examNo: `2026${String(i + 1).padStart(3, '0')}`,
  })),
  results: own.map((o) => ({
    paperId: 70,
    studentId: o.studentId,
    total: o.total,
    absent: o.status === 'absent',
    unscanned: false,
  })),
  itemScores: new Map(
    own.map((o) => [o.studentId, new Map(Object.entries(o.itemScores).map(([k, v]) => [Number(k), v]))]),
  ),
  show: { scores: true, bands: true },
  bandCutoffs: [0.85, 0.7, 0.6],
  date: new Date('2026-12-07T02:00:00Z'),
  ...over,
});

describe('buildClassReport', () => {
  it('compares the class with its school and the alliance (三率一分)', () => {
    const r = buildClassReport(base());
    expect(r.documentTitle).toBe('2026年秋季九年级联考 班级报告 · 城关中学 七(1)班');
    const row = (label: string) => r.sections[0].mainTable.rows.find((x) => x[0] === label)!.slice(1);
    expect(r.sections[0].mainTable.header).toEqual(['指标', '本班', '本校', '联盟']);
    // The class is the whole school here: the school's column would be the class again, so it is not shown.
    expect(row('参考人数')).toEqual(['6', '—', '15']);
    expect(row('平均分')).toEqual(['20.50', '—', '16']);
    expect(r.sections[0].intro.join('')).toContain('不显示本校统计');
    expect(r.sections[0].charts[0]).toMatchObject({ series: [{ name: '本班' }, { name: '联盟' }] });
  });

  it("needs no other school: the model is the same when the analysis holds only the class's own school", () => {
    // The service reads only the own school's part of the stored analysis (dataOfSchool), for the current exam and
    // the prior one: a city exam's other 199 schools were most of a class report's CPU.
    const onlyOwn = { ...data, schools: data.schools.filter((s) => s.schoolId === L) };
    expect(data.schools.length).toBeGreaterThan(onlyOwn.schools.length);
    const totals = own
      .filter((o) => o.total !== null)
      .map((o, i) => ({ studentId: o.studentId, subject: '数学', total: i === 0 ? 15 : o.total! }));
    const prior = { examName: '期中', analyses: [data], totals };
    const priorOwn = { ...prior, analyses: [onlyOwn] };
    expect(buildClassReport(base({ analyses: [onlyOwn], prior: priorOwn }))).toEqual(buildClassReport(base({ prior })));
    expect(buildClassReport(base({ prior })).sections[0].movement!.lines[1]).toContain('张一');
  });

  it.each([
    ['score list (compulsory / senior)', { scores: true, bands: true }, ['30（A）', '24（B）', '缺考'], true],
    ['等级 only (学业质量监测)', { scores: false, bands: true }, ['A', 'B', '缺考'], false],
  ])('lists the students by 考号 with %s, never a rank', (_n, show, cells, scores) => {
    const r = buildClassReport(base({ show }));
    expect(r.studentTable.header).toEqual(['姓名', '考号', '数学']);
    expect(r.studentTable.rows.map((x) => x[2])).toEqual(expect.arrayContaining(cells));
    expect(r.studentTable.rows[0]).toEqual(['张一', '2026001', cells[0]]);
    expect(JSON.stringify(r)).not.toMatch(/排名第|第\d+名|"rank/);
    expect(r.showsScores).toBe(scores);
    if (!scores) expect(r.students.every((s) => s.papers.every((p) => p.score === null))).toBe(true);
    // No other school, not even by letter.
    expect(JSON.stringify(r)).not.toMatch(/河口|山背|对照中学|学校[A-D]/);
  });

  it('names the 临界生 and gives each student the items lost most points on with knowledge points', () => {
    const r = buildClassReport(base());
    const s = r.sections[0];
    // Pass line 18, margin 2 (5% of 30): none in [16, 18); excellent line 25.5: 24, 24 in [23.5, 25.5).
    expect(s.borderline).toEqual(['及格线（18分）下2分以内：无', '优秀线（25.50分）下2分以内2人：王二、李三']);
    expect(s.mistakes!.rows[0]).toEqual(['张一', '全部得满分', '—']);
    expect(s.mistakes!.rows[1]).toEqual(['王二', '第2题失5分、第1题失1分', '有理数']);
    expect(s.mistakes!.rows.map((x) => x[0])).not.toContain('周七'); // absent
    const bands = buildClassReport(base({ show: { scores: false, bands: true } })).sections[0];
    expect(bands.mistakes!.header[1]).toBe('需要订正的题');
    expect(bands.mistakes!.rows[1][1]).toBe('第2题、第1题');
    expect(bands.borderline).toEqual(['接近及格线：无', '接近优秀线2人：王二、李三']);
    expect(s.findings.join('')).not.toContain('本校');
  });

  it('a 任课教师 report names the subject scope', () => {
    expect(buildClassReport(base({ subjectScope: '数学' })).scopeText).toBe('数学（任课教师）');
    expect(buildClassReport(base()).scopeText).toBe('全部学科');
  });

  it('进退步 against the linked prior exam: names the notable movers', () => {
    const prior = {
      examName: '上学期期末',
      analyses: [data],
      totals: own
        .filter((o) => o.total !== null)
        .map((o, i) => ({ studentId: o.studentId, subject: '数学', total: i === 0 ? 15 : i === 5 ? 24 : o.total! })),
    };
    const m = buildClassReport(base({ prior })).sections[0].movement!;
    expect(m.lines[1]).toBe('明显进步1人：张一。');
    expect(m.lines[2]).toBe('明显退步1人：孙六。');
    expect(m.table!.rows.map((x) => x[0])).toEqual(['张一', '孙六']);
    expect(
      buildClassReport(base({ prior, show: { scores: false, bands: true } })).sections[0].movement!.table,
    ).toBeNull();
    expect(buildClassReport(base()).sections[0].movement).toBeNull();
  });

  it('a class of 5 or fewer students: no class figures, the students still listed', () => {
    const r = buildClassReport(base({ schoolId: M, classId: 20, schoolName: '河口中学', className: '七(2)班' }));
    expect(r.sections[0].mainTable.rows[0].slice(1)).toEqual(['6', '—', '15']);
    const tiny = analysePaper({
      ...input,
      outcomes: input.outcomes.map((o, i) => (o.schoolId === L && i < 3 ? { ...o, classId: 11 } : o)),
    });
    const t = buildClassReport(base({ analyses: [tiny] }));
    expect(t.sections[0].intro.join('')).toContain('不超过5人');
    expect(t.sections[0].mainTable.rows[1][1]).toBe('—');
    expect(t.sections[0].charts).toEqual([]);
  });
});

describe('pieces', () => {
  it.each([
    [{ n: 40 }, { n: 34 }, true],
    [{ n: 40 }, { n: 35 }, false],
    [{ n: 6 }, null, true],
    [{ n: 5 }, null, false],
    [null, { n: 3 }, false],
  ])('restShown(%j beside class %j) → %s: more than 5 other students', (unit, cls, shown) => {
    expect(restShown(unit, cls)).toBe(shown);
  });

  const items: ItemInfo[] = [
    { itemId: 1, seq: 1, label: '1', maxScore: 4, knowledgePoints: ['a'] },
    { itemId: 2, seq: 2, label: '2', maxScore: 6, knowledgePoints: ['b'] },
    { itemId: 3, seq: 3, label: '3', maxScore: 6, knowledgePoints: [] },
    { itemId: 4, seq: 4, label: '4', maxScore: 10, knowledgePoints: ['a', 'c'] },
  ];
  it.each([
    ['all full', [4, 6, 6, 10], []],
    [
      'ties by item order',
      [0, 2, 2, 10],
      [
        [1, 4],
        [2, 4],
        [3, 4],
      ],
    ],
    [
      'most lost first, three at most',
      [3, 0, 5, 1],
      [
        [4, 9],
        [2, 6],
        [1, 1],
      ],
    ],
    ['missing score counts as lost', [4, 6, 6], [[4, 10]]],
  ])('mistakesOf: %s', (_n, scores, expected) => {
    const m = new Map(scores.map((s, i) => [i + 1, s]));
    expect(mistakesOf(items, m).map((x) => [x.item.itemId, x.lost])).toEqual(expected);
  });

  it.each([
    [{ status: 'complete', score: 86, band: 'A' }, true, '86（A）'],
    [{ status: 'complete', score: null, band: 'B' }, false, 'B'],
    [{ status: 'absent', score: null, band: null }, true, '缺考'],
    [{ status: 'unscanned', score: null, band: null }, false, '未扫描'],
    [{ status: 'incomplete', score: null, band: null }, true, '未评完'],
  ] as const)('cellText %j', (p, scores, text) => {
    expect(cellText({ paperId: 1, subject: '数学', ...p }, scores)).toBe(text);
  });

  it('borderlineNames: the margin is whole points below each line', () => {
    const rows = [
      { name: 'a', total: 55 },
      { name: 'b', total: 59.5 },
      { name: 'c', total: 60 },
      { name: 'd', total: 84 },
      { name: 'e', total: null },
    ];
    expect(borderlineNames(rows, 100, { pass: 0.6, excellent: 0.85 })).toEqual([
      '及格线（60分）下5分以内2人：a、b',
      '优秀线（85分）下5分以内1人：d',
    ]);
  });

  it('movementOf: nothing without a spread in either exam', () => {
    expect(movementOf('数学', { mean: 1, sd: 0 }, { mean: 1, sd: 1 }, [], true, 'x')).toBeNull();
    expect(movementOf('数学', null, { mean: 1, sd: 1 }, [], true, 'x')).toBeNull();
  });
});
