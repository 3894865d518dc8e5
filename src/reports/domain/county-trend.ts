// 纵看 of a county's alliances for one grade and subject: the between-school balance (差异系数 CV of the school means)
// and the urban–rural gap in score rate, per alliance over its released exams, as chart specs that the county page
// and the county PDF both draw with the same option builder (pdf/chart-options.ts). The alliances sit different exams
// on different days, so the exams are aligned from the latest back (最近一次, 上一次, …); the exams' names are listed
// under the chart. Pure: no framework, no database.
import type { ComparisonGroup, TrendPoint } from '../../results/domain/county-figures.js';
import type { TrendChart } from './chart-spec.js';

/** The x-axis labels for n exams, oldest first: …, 往前第2次, 上一次, 最近一次. */
export function recencyLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const back = n - 1 - i;
    return back === 0 ? '最近一次' : back === 1 ? '上一次' : `往前第${back}次`;
  });
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/**
 * The two trend charts of a group, or none when no alliance has two released exams of the grade and subject (a single
 * point is no trend: the table already shows it).
 */
export function countyTrendCharts(group: Pick<ComparisonGroup, 'grade' | 'subject' | 'trend'>): TrendChart[] {
  const n = Math.max(0, ...group.trend.map((t) => t.points.length));
  if (n < 2) return [];
  const labels = recencyLabels(n);
  const series = (pick: (p: TrendPoint) => number | null) =>
    group.trend.map((t) => ({
      name: t.allianceName,
      values: [...Array<null>(n - t.points.length).fill(null), ...t.points.map((p) => pct(pick(p)))],
    }));
  const what = `${group.grade}${group.subject}`;
  return [
    {
      kind: 'trend',
      title: `${what}：校际差异系数的变化（越小越均衡）`,
      exams: labels,
      series: series((p) => p.cvOfMeans),
      yLabel: '%',
    },
    {
      kind: 'trend',
      title: `${what}：城乡得分率差的变化（城区减乡村，百分点）`,
      exams: labels,
      series: series((p) => p.urbanRuralRateGap),
      yLabel: '百分点',
    },
  ];
}

/** Each alliance's exams in the trend, in words: "城关第一教联体：期中（2025-11-01）→ 期末（2026-01-10）". */
export function countyTrendLines(group: Pick<ComparisonGroup, 'trend'>): string[] {
  return group.trend.map(
    (t) =>
      `${t.allianceName}：${t.points.map((p) => (p.examDate ? `${p.examName}（${p.examDate}）` : p.examName)).join(' → ')}`,
  );
}
