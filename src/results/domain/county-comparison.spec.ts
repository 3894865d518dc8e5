import {
  allianceFigures,
  type AllianceFigures,
  COUNTY_COLUMNS,
  type ComparisonAlliance,
  type ComparisonExam,
  countyCell,
  countyComparison,
  formatFigure,
  TREND_EXAMS,
} from './county-comparison.js';
import type { SchoolAnalysis, UnitAnalysis } from './exam-analysis.js';
import type { StoredLongitudinal } from './stored-longitudinal.js';

const unit = (n: number, mean: number, rates = [0.2, 0.7, 0.1]): UnitAnalysis => ({
  roster: n,
  absent: 0,
  incomplete: 0,
  n,
  suppressed: n <= 5,
  unreliable: n > 5 && n < 15,
  schoolIds: [],
  summary:
    n <= 5
      ? null
      : {
          n,
          mean,
          sd: 10,
          median: mean,
          min: 0,
          max: 100,
          scoreRate: mean / 100,
          excellentRate: rates[0],
          passRate: rates[1],
          lowRate: rates[2],
        },
  relative: null,
  bands: null,
  items: null,
});
const school = (schoolId: number, kind: SchoolAnalysis['kind'] = 'member'): SchoolAnalysis => ({
  ...unit(30, 60),
  schoolId,
  name: `学校${schoolId}`,
  kind,
  locality: 'rural',
});

/** A longitudinal section whose schools have these 95% intervals of VA. */
const va = (rows: [number, number | null, number | null, boolean?][]): StoredLongitudinal =>
  ({
    priorExamId: 1,
    priorExamName: '上次',
    priorPaperId: 1,
    schools: rows.map(([schoolId, ciLow, ciHigh, suppressed = false]) => ({ schoolId, ciLow, ciHigh, suppressed })),
  }) as unknown as StoredLongitudinal;

const paper = (subject: string, n = 120, mean = 65, extra: Partial<ComparisonExam['papers'][number]> = {}) => ({
  subject,
  data: {
    paper: { paperId: 1, subject, fullMarks: 100 },
    alliance: unit(n, mean),
    urban: unit(60, mean + 5),
    rural: unit(60, mean - 5),
    schools: [school(1), school(2), school(3), school(4), school(9, 'comparison')],
    balance: {
      schoolIds: [1, 2, 3, 4],
      between: {
        schools: 4,
        n,
        meanOfMeans: mean,
        sdOfMeans: 6.5,
        cvOfMeans: 0.1,
        msBetween: 1,
        msWithin: 1,
        n0: 30,
        icc1: 0.1,
        eta2: 0.1,
      },
      urbanRural: { meanGap: 10, scoreRateGap: 0.1, sdUnits: 0.5 },
    },
  },
  longitudinal: null,
  ...extra,
});
const exam = (
  examId: number,
  grade: string,
  examDate: string | null,
  papers: ComparisonExam['papers'],
): ComparisonExam => ({
  examId,
  name: `考试${examId}`,
  grade,
  examDate,
  releasedAt: new Date(Date.UTC(2026, 0, examId)),
  papers,
});

describe('allianceFigures', () => {
  const a: ComparisonAlliance = { allianceId: 7, name: '城关教联体', exams: [] };
  it.each<[string, ComparisonExam['papers'][number], Partial<ReturnType<typeof allianceFigures>>]>([
    [
      '三率一分, gap and CV from the stored analysis',
      paper('数学'),
      {
        students: 120,
        mean: 65,
        scoreRate: 0.65,
        excellentRate: 0.2,
        passRate: 0.7,
        lowRate: 0.1,
        urbanRuralGap: 10,
        urbanRuralRateGap: 0.1,
        cvOfMeans: 0.1,
        balanceSchools: 4,
        suppressed: false,
        unreliable: false,
        vaSchools: 0,
        vaAboveShare: null,
        vaBelowShare: null,
      },
    ],
    [
      'a suppressed alliance (n ≤ 5) shows its count and no figures',
      paper('数学', 5),
      { students: 5, suppressed: true, mean: null, excellentRate: null, passRate: null, lowRate: null },
    ],
    ['5 < n < 15 is 小样本', paper('数学', 12), { students: 12, suppressed: false, unreliable: true, mean: 65 }],
    [
      'VA shares over the alliance schools with a verdict (comparison and suppressed schools left out)',
      paper('数学', 120, 65, {
        longitudinal: va([
          [1, 0.1, 0.5], // above
          [2, -0.6, -0.1], // below
          [3, -0.2, 0.3], // indistinguishable
          [4, null, null], // no verdict
          [9, 0.2, 0.9], // comparison school: not the alliance's
          [5, 0.2, 0.9, true], // suppressed
        ]),
      }),
      { vaSchools: 3, vaAboveShare: 0.3333, vaBelowShare: 0.3333 },
    ],
    [
      'an unavailable 纵看 gives no VA figures',
      paper('数学', 120, 65, {
        longitudinal: { priorExamId: 1, priorExamName: '上次', priorPaperId: null, unavailable: '无匹配' },
      }),
      { vaSchools: 0, vaAboveShare: null, vaBelowShare: null },
    ],
    [
      'no balance stored (old analyses): no gap, no CV',
      { ...paper('数学'), data: { ...paper('数学').data, balance: undefined } },
      { urbanRuralGap: null, cvOfMeans: null, balanceSchools: 0 },
    ],
  ])('%s', (_, p, expected) => {
    expect(allianceFigures(a, exam(1, '七年级', '2026-01-01', [p]), p)).toMatchObject(expected);
  });
});

describe('countyComparison', () => {
  const A: ComparisonAlliance = {
    allianceId: 1,
    name: '城关教联体',
    exams: [
      exam(1, '七年级', '2025-11-01', [paper('数学', 100, 60), paper('语文', 100, 70)]),
      exam(2, '七年级', '2026-01-10', [paper('数学', 110, 66), paper('总分', 110, 130)]),
      exam(3, '九年级', '2026-01-05', [paper('数学', 90, 72)]),
    ],
  };
  const B: ComparisonAlliance = {
    allianceId: 2,
    name: '东关教联体',
    exams: [exam(4, '七年级', null, [paper('数学', 80, 58)]), exam(5, '七年级', '2025-12-01', [paper('数学', 85, 59)])],
  };
  const C: ComparisonAlliance = { allianceId: 3, name: '西山教联体', exams: [exam(6, '七年级', '2026-01-01', [])] };

  it('takes each alliance’s latest released exam per grade and subject, 总分 last, alliances in the given order', () => {
    const out = countyComparison([A, B, C]);
    expect(out.groups.map((g) => [g.grade, g.subject, g.alliances.map((x) => [x.allianceName, x.examId])])).toEqual([
      [
        '七年级',
        '数学',
        [
          ['城关教联体', 2],
          ['东关教联体', 5],
        ],
      ],
      ['七年级', '语文', [['城关教联体', 1]]],
      ['七年级', '总分', [['城关教联体', 2]]],
      ['九年级', '数学', [['城关教联体', 3]]],
    ]);
    expect(out.withoutResults).toEqual([{ allianceId: 3, name: '西山教联体' }]);
  });

  it.each([
    ['same date: the later release wins', '2026-01-10', '2026-01-10', 2],
    ['dated beats undated', null, '2026-01-10', 2],
    ['later date wins over a later release', '2026-02-01', '2026-01-10', 1],
  ])('%s', (_, d1, d2, winner) => {
    const x: ComparisonAlliance = {
      allianceId: 9,
      name: 'X',
      exams: [exam(1, '七年级', d1, [paper('数学')]), exam(2, '七年级', d2, [paper('数学')])],
    };
    expect(countyComparison([x]).groups[0].alliances[0].examId).toBe(winner);
  });

  it('gives each alliance’s trend over its released exams of the grade and subject, oldest first', () => {
    const g = countyComparison([A, B, C]).groups;
    const trend = (grade: string, subject: string) =>
      g
        .find((x) => x.grade === grade && x.subject === subject)!
        .trend.map((t) => [t.allianceName, t.points.map((p) => [p.examId, p.scoreRate])]);
    expect(trend('七年级', '数学')).toEqual([
      [
        '城关教联体',
        [
          [1, 0.6],
          [2, 0.66],
        ],
      ],
      [
        '东关教联体',
        [
          [4, 0.58],
          [5, 0.59],
        ],
      ],
    ]);
    expect(trend('七年级', '语文')).toEqual([['城关教联体', [[1, 0.7]]]]);
    expect(g[0].trend[0].points[1]).toMatchObject({ cvOfMeans: 0.1, urbanRuralRateGap: 0.1, suppressed: false });
  });

  it(`keeps the trend to the latest ${TREND_EXAMS} exams; a suppressed group has no score rate in it`, () => {
    const many: ComparisonAlliance = {
      allianceId: 7,
      name: '多次',
      exams: [1, 2, 3, 4, 5, 6].map((i) => exam(i, '七年级', `2026-0${i}-01`, [paper('数学', i === 6 ? 5 : 40)])),
    };
    const points = countyComparison([many]).groups[0].trend[0].points;
    expect(points.map((p) => p.examId)).toEqual([3, 4, 5, 6]);
    expect(points[3]).toMatchObject({ suppressed: true, scoreRate: null });
  });

  it('gives nothing for a county without alliances', () => {
    expect(countyComparison([])).toEqual({ groups: [], withoutResults: [] });
  });
});

describe('the columns the page and the PDF print', () => {
  const row = (over: Partial<AllianceFigures> = {}): AllianceFigures => ({
    ...allianceFigures(
      { allianceId: 1, name: 'A', exams: [] },
      exam(1, '七年级', null, [paper('数学')]),
      paper('数学'),
    ),
    ...over,
  });
  const cells = (r: AllianceFigures) => COUNTY_COLUMNS.map((c) => countyCell(r, c));

  it('has one label per figure, in the page’s order', () => {
    expect(COUNTY_COLUMNS.map((c) => c.label)).toEqual([
      '参考人数',
      '平均分',
      '优秀率',
      '及格率',
      '低分率',
      '城乡差距(分)',
      '校际差异系数',
      '增值明显高于',
      '增值明显低于',
    ]);
  });

  it.each([
    ['an ordinary row', {}, ['120', '65', '20.0%', '70.0%', '10.0%', '+10', '10.0%', '—', '—']],
    [
      'VA shares when there are verdicts; a negative gap with a true minus',
      { vaSchools: 4, vaAboveShare: 0.25, vaBelowShare: 0, urbanRuralGap: -3.456 },
      ['120', '65', '20.0%', '70.0%', '10.0%', '−3.46', '10.0%', '25.0%', '0.0%'],
    ],
    [
      'a suppressed group: its size only',
      { students: 5, suppressed: true, mean: null },
      ['5', '不足6人', '—', '—', '—', '—', '—', '—', '—'],
    ],
  ])('%s', (_, over, want) => expect(cells(row(over as Partial<AllianceFigures>))).toEqual(want));

  it.each([
    [null, 'score', '—'],
    [12.345, 'score', '12.35'],
    [0.12345, 'percent', '12.3%'],
    [0, 'signed', '0'],
    [1.5, 'signed', '+1.5'],
  ] as const)('formatFigure(%p, %s) → %s', (x, f, want) => expect(formatFigure(x, f)).toBe(want));
});
