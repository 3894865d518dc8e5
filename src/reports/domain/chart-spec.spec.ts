import { drawnVaCharts, type ReportChart, type TrendChart } from './chart-spec.js';

const trend = (exams: number, title = 't'): TrendChart => ({
  kind: 'trend',
  title,
  exams: Array.from({ length: exams }, (_, i) => `第${i + 1}次`),
  series: [{ name: '本校', values: Array.from({ length: exams }, () => 0) }],
  yLabel: '增值（分）',
});
const forest: ReportChart = { kind: 'forest', title: 'f', rows: [], xLabel: '增值（分）' };
const bars: ReportChart = { kind: 'bars', title: 'b', categories: [], series: [], yMax: 1, yLabel: '得分率' };

describe('drawnVaCharts: the value-added charts the PDF and the result page draw', () => {
  it.each([
    ['a forest is drawn', [forest], ['f']],
    ['bars are not value-added charts', [bars], []],
    ['a trend over two exams is not drawn (its table says as much)', [trend(2)], []],
    ['a trend from three exams on is drawn', [trend(3, 'three'), trend(4, 'four')], ['three', 'four']],
    ['the model order is kept', [trend(3, 'x'), bars, forest, trend(2)], ['x', 'f']],
  ] as [string, ReportChart[], string[]][])('%s', (_, charts, titles) => {
    expect(drawnVaCharts(charts).map((c) => c.title)).toEqual(titles);
  });
});
