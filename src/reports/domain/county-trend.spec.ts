import type { AllianceTrend, TrendPoint } from '../../results/domain/county-figures.js';
import { countyTrendCharts, countyTrendLines, recencyLabels } from './county-trend.js';

const point = (examId: number, cv: number | null, gap: number | null, date: string | null = null): TrendPoint => ({
  examId,
  examName: `考试${examId}`,
  examDate: date,
  students: 100,
  suppressed: false,
  scoreRate: 0.6,
  cvOfMeans: cv,
  urbanRuralRateGap: gap,
});
const group = (trend: AllianceTrend[]) => ({ grade: '七年级', subject: '数学', trend });

describe('recencyLabels', () => {
  it.each([
    [1, ['最近一次']],
    [2, ['上一次', '最近一次']],
    [4, ['往前第3次', '往前第2次', '上一次', '最近一次']],
  ])('%i exams → %j', (n, want) => expect(recencyLabels(n)).toEqual(want));
});

describe('countyTrendCharts', () => {
  it('draws nothing while no alliance has two released exams', () => {
    expect(countyTrendCharts(group([{ allianceId: 1, allianceName: 'A', points: [point(1, 0.1, 0.05)] }]))).toEqual([]);
  });

  it('aligns the alliances from their latest exam back, in percent, a missing exam as a gap', () => {
    const charts = countyTrendCharts(
      group([
        { allianceId: 1, allianceName: 'A', points: [point(1, 0.182, 0.164), point(2, 0.1424, 0.078)] },
        { allianceId: 2, allianceName: 'B', points: [point(3, 0.096, null)] },
      ]),
    );
    expect(charts.map((c) => c.title)).toEqual([
      '七年级数学：校际差异系数的变化（越小越均衡）',
      '七年级数学：城乡得分率差的变化（城区减乡村，百分点）',
    ]);
    expect(charts[0].exams).toEqual(['上一次', '最近一次']);
    expect(charts[0].series).toEqual([
      { name: 'A', values: [18.2, 14.2] },
      { name: 'B', values: [null, 9.6] },
    ]);
    expect(charts[1].series[1]).toEqual({ name: 'B', values: [null, null] });
  });
});

describe('countyTrendLines', () => {
  it('names each alliance’s exams in order, with the date when there is one', () => {
    expect(
      countyTrendLines(
        group([{ allianceId: 1, allianceName: 'A', points: [point(1, 0.1, 0, '2025-11-01'), point(2, 0.1, 0)] }]),
      ),
    ).toEqual(['A：考试1（2025-11-01） → 考试2']);
  });
});
