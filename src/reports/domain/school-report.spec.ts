import { analysePaper } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import { buildSchoolReport, dateText, mergedMethodNotes, quartileRows } from './school-report.js';

describe('buildSchoolReport', () => {
  const input = sampleInput();
  // Two classes in the lead school, one in each other school.
  input.outcomes = input.outcomes.map((o, i) => ({ ...o, classId: o.schoolId * 10 + (o.schoolId === L ? i % 2 : 0) }));
  input.classes = new Map([
    [10, '七(1)班'],
    [11, '七(2)班'],
    [20, '河口七(1)班'],
    [30, '山背七(1)班'],
    [40, '对照七(1)班'],
  ]);
  const data = analysePaper(input);
  const forSchool = (schoolId: number, schoolName: string) =>
    buildSchoolReport({
      examName: '2025学年第一学期期中统考',
      schoolId,
      schoolName,
      analyses: [data],
      date: new Date('2026-01-15T02:00:00Z'),
    });

  it('titles the report, dates it and tabulates school against alliance with whole numbers bare', () => {
    const r = forSchool(L, '城关中学');
    expect(r.documentTitle).toBe('2025学年第一学期期中统考 学校质量诊断报告 · 城关中学');
    expect(r.dateText).toBe('2026年1月15日');
    const s = r.sections[0];
    expect(s.heading).toBe('数学');
    const row = (label: string) => s.mainTable.rows.find((x) => x[0] === label)!.slice(1);
    expect(row('参考人数')).toEqual(['6', '15']);
    expect(row('平均分')).toEqual(['20.50', '16']);
    expect(row('标准差')).toEqual(['6.10', '5.90']);
    expect(row('得分率')).toEqual(['68.3%', '53.3%']);
    expect(row('超均率')).toEqual(['+28.1%', '0%']);
    expect(row('T指数')).toEqual(['57.6', '50']);
    expect(JSON.stringify(r)).not.toMatch(/\d\.0(?!\d)/);
  });

  it('page 1 has the verdict in order: movement, standing, findings, levers', () => {
    const v = forSchool(M, '河口中学').verdict;
    expect(v.movement[0]).toContain('无法判断进退');
    expect(v.standing[0]).toBe('数学平均分12分（联盟16分），低于联盟4分；及格率0%（联盟27%），优秀率0%（联盟7%）。');
    expect(v.headline).toContain('本校成绩低于联盟平均');
  });

  it('charts the item rates with flags, the knowledge points and the histogram as plain data', () => {
    const s = forSchool(L, '城关中学').sections[0];
    const bars = s.charts.find((c) => c.kind === 'bars')!;
    expect(bars).toMatchObject({
      categories: ['1', '2'],
      series: [
        { name: '本校', values: [0.75, 0.65] },
        { name: '联盟', values: [0.56, 0.52] },
      ],
      flagged: [false, false],
    });
    const hist = s.charts.find((c) => c.kind === 'histogram');
    expect(hist && hist.kind === 'histogram' && hist.school.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('the item without a knowledge point is listed by its label, never dropped', () => {
    const s = forSchool(L, '城关中学').sections[0];
    expect(s.knowledgeTable!.rows.map((r) => r[0])).toEqual(['有理数（1题）', '第2题（无知识点）']);
  });

  it('shows classes only in their own school, and other schools only by letter', () => {
    const own = forSchool(L, '城关中学').sections[0];
    expect(own.classTable!.rows.map((r) => r[0])).toEqual(['七(1)班', '七(2)班']);
    expect(own.classTable!.rows.every((r) => r[7] === '人数≤5，不公布')).toBe(true);
    const m = forSchool(M, '河口中学');
    const text = JSON.stringify(m);
    for (const name of ['城关中学', '山背小学', '对照中学', '七(1)班', '七(2)班']) expect(text).not.toContain(name);
    const labels = m.sections[0].peerTable.rows.map((r) => r[0]);
    expect(labels[0]).toBe('本校（河口中学）');
    expect(labels).toContain('学校A');
    expect(labels).not.toContain('城区学校');
  });

  it('gives a suppressed school no figures, no charts and no findings', () => {
    const r = forSchool(S, '山背小学');
    const s = r.sections[0];
    expect(s.charts).toEqual([]);
    expect(s.mainTable.rows.find((x) => x[0] === '平均分')!.slice(1)).toEqual(['—', '16']);
    expect(s.bandTable).toBeNull();
    expect(s.findings[0]).toContain('不公布本校的统计数据');
    expect(r.findings).toEqual([]);
    expect(r.verdict.headline).toContain('过少');
  });

  it('lists score bands from the top and counts 临界生 within the margin', () => {
    const s = forSchool(L, '城关中学').sections[0];
    // The alliance's bands reach a principal merged until each holds 6 or more students of other schools
    // (principal-privacy.ts): in this small alliance that is one band, printed once on the top row.
    expect(s.bandTable!.rows[0]).toEqual(['27–30', '1', '16.7%', '100%（0–30合计）']);
    expect(s.bandTable!.rows[1]).toEqual(['24–27（不含）', '2', '33.3%', '同上']);
    // L's totals 30, 24, 24, 18, 15, 12 of 30: 及格 18 (none within 2 points below), 优秀 25.5 (two at 24).
    const r = buildSchoolReport({
      examName: 'x',
      schoolId: L,
      schoolName: '城关中学',
      analyses: [data],
      borderlineMargin: 0.07,
    });
    expect(r.sections[0].borderline).toEqual([
      '及格线（18分）下2分以内有0人。',
      '优秀线（25.50分）下2分以内有2人：若他们都达到优秀线，本校优秀率将从17%升到50%（+33个百分点）。',
    ]);
  });

  it('ends with a methods appendix that explains the rule in plain Chinese', () => {
    const r = forSchool(L, '城关中学');
    expect(r.appendix.map((a) => a.heading)).toEqual([
      '基本指标',
      '短板与长项怎样判断',
      '典型错误、临界生与班级',
      '进退步（增值）',
    ]);
    expect(r.appendix[1].lines.join('')).toContain('本校自己的整体水平应有的得分率');
  });

  it('a school that scanned nothing is 未扫描, not 缺考, in its report', () => {
    const none = sampleInput();
    none.outcomes = none.outcomes.map((o) =>
      o.schoolId === M ? { ...o, status: 'unscanned' as const, total: null, itemScores: {} } : o,
    );
    const roster = none.outcomes.filter((o) => o.schoolId === M).length;
    const r = buildSchoolReport({
      examName: '期中',
      schoolId: M,
      schoolName: '河口中学',
      analyses: [analysePaper(none)],
      date: new Date('2026-01-15T02:00:00Z'),
    });
    const intro = r.sections[0].intro.join('');
    expect(intro).toContain(`本校名单${roster}人，计入统计0人，缺考0人，未扫描${roster}人，`);
    expect(JSON.stringify(r)).not.toContain(`缺考${roster}人`);
    expect(r.verdict.standing.join('')).toContain(`本校有${roster}名学生既无识别成功的答题卡也未登记缺考（未扫描）`);
  });

  it('dates in China Standard Time', () => {
    expect(dateText(new Date('2026-01-14T17:00:00Z'))).toBe('2026年1月15日');
  });
});

describe('mergedMethodNotes', () => {
  it.each([
    ['no part', [], []],
    [
      'one part: its lines as they are',
      [{ name: '数学', lines: ['a', 'b'] }],
      [{ heading: '增值评价的方法（数学）', lines: ['a', 'b'] }],
    ],
    [
      'common sentences once, the others marked with their parts, in order of first appearance',
      [
        { name: '数学', lines: ['模型', '信度α=0.71', '结论'] },
        { name: '英语', lines: ['模型', '信度未知', '结论'] },
        { name: '总分', lines: ['模型', '信度未知', '结论'] },
      ],
      [
        {
          heading: '增值评价的方法（数学、英语、总分）',
          lines: ['模型', '数学：信度α=0.71', '结论', '英语、总分：信度未知'],
        },
      ],
    ],
  ])('%s', (_name, parts, expected) => {
    expect(mergedMethodNotes(parts)).toEqual(expected);
  });
});

describe('quartileRows', () => {
  const school = (mean: number | null) => ({
    summary: mean === null ? null : { mean, scoreRate: mean / 100, excellentRate: null, passRate: mean / 200 },
    relative: mean === null ? null : { aboveMeanRate: null, ratioToMean: null, tIndex: 50 + (mean - 60) / 2 },
  });
  it('gives each column its own quartiles over the schools shown, suppressed ones left out', () => {
    const rows = quartileRows([70, 50, null, 60, 80, 40].map(school));
    expect(rows.map(([label]) => label)).toEqual(['各校上四分位', '各校中位数', '各校下四分位']);
    // 40 50 60 70 80: type-7 quantiles 70, 60, 50
    expect(rows.map(([, u]) => u.summary!.mean)).toEqual([70, 60, 50]);
    expect(rows.map(([, u]) => u.summary!.passRate)).toEqual([0.35, 0.3, 0.25]);
    expect(rows.map(([, u]) => u.summary!.excellentRate)).toEqual([null, null, null]);
    expect(rows.map(([, u]) => u.relative!.tIndex)).toEqual([55, 50, 45]);
  });
  it('interpolates between schools and is empty when every school is suppressed', () => {
    expect(quartileRows([10, 20].map(school))[1][1].summary!.mean).toBe(15);
    expect(quartileRows([null, null].map(school))).toEqual([]);
  });
});

describe('value-added over several linked exams', () => {
  it('lists the own school over the linked exams and draws the trend from three exams on', async () => {
    const { stored, U1 } = await import('./__fixtures__/overview-sample.js');
    const data = stored();
    const l = data.longitudinal as Exclude<NonNullable<typeof data.longitudinal>, { unavailable: string }>;
    const p = (va: number | null) => ({
      va,
      ciLow: va === null ? null : va - 1.5,
      ciHigh: va === null ? null : va + 1.5,
      vaShrunk: va,
      verdict: va === null ? null : va - 1.5 > 0 ? ('above' as const) : ('indistinguishable' as const),
    });
    l.priorExams = [
      { examId: 8, name: '七年级上期末' },
      { examId: 7, name: '七年级上期中' },
    ];
    l.trend = {
      exams: [
        { examId: 7, name: '七年级上期中' },
        { examId: 8, name: '七年级上期末' },
        { examId: 9, name: '七年级下期中' },
      ],
      schools: [
        { schoolId: U1, points: [p(0.5), p(null), p(2.1)] },
        { schoolId: U1 + 1, points: [p(-1), p(-1), p(-1)] },
      ],
    };
    const model = buildSchoolReport({
      examName: '七年级下期中',
      schoolId: U1,
      schoolName: '城区一中',
      analyses: [data],
    });
    const section = model.sections[0];
    expect(section.valueAdded!.intro[0]).toContain('增值同时参照此前2次考试（七年级上期末、七年级上期中）');
    expect(section.valueAdded!.trendTable).toEqual({
      header: ['考试', '增值（分）', '95%置信区间', '结论'],
      rows: [
        ['七年级上期中', '+0.50', '[-1, +2]', '与联盟平均无可分辨差别'],
        ['七年级上期末', '—', '—', '不公布或无法计算'],
        ['七年级下期中', '+2.10', '[+0.60, +3.60]', '明显高于联盟平均'],
      ],
    });
    const chart = section.charts.find((c) => c.kind === 'trend' && c.title.startsWith('本校历次增值'));
    expect(chart).toMatchObject({
      exams: ['七年级上期中', '七年级上期末', '七年级下期中'],
      series: [
        { name: '本校增值', values: [0.5, null, 2.1] },
        { name: '联盟平均', values: [0, 0, 0] },
      ],
    });
  });
});
