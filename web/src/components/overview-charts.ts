// The overview page's two charts as ECharts options: the value-added forest plot (estimate and 95% interval per
// school) and the school × knowledge-point heat map, drawn as the overview PDF draws them (src/reports/pdf/chart-options.ts).
import { CustomChart, HeatmapChart, ScatterChart } from 'echarts/charts';
import { MarkLineComponent, TitleComponent, VisualMapComponent } from 'echarts/components';
import { use } from 'echarts/core';
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import type { ChartOption } from './echarts';
import './echarts';

use([CustomChart, HeatmapChart, ScatterChart, MarkLineComponent, TitleComponent, VisualMapComponent]);

export interface ForestSpec {
  title: string;
  rows: { label: string; own: boolean; estimate: number; low: number; high: number }[];
  xLabel: string;
}

export interface HeatSpec {
  title: string;
  rows: string[];
  columns: string[];
  values: (number | null)[][];
  flags: ('weak' | 'strong' | null)[][];
}

const INK = '#222222';
const MUTED = '#666666';
const BLUE = '#2f6db5';
const RED = '#c0392b';

/** Estimates as points, 95% intervals as whiskers, a line at 0; schools clearly above in blue, below in red. */
export function forestOption(c: ForestSpec): ChartOption {
  const rows = [...c.rows].reverse();
  const lo = Math.min(0, ...rows.map((r) => r.low));
  const hi = Math.max(0, ...rows.map((r) => r.high));
  const pad = Math.max(1, (hi - lo) * 0.08);
  const color = (r: ForestSpec['rows'][number]) => (r.low > 0 ? BLUE : r.high < 0 ? RED : MUTED);
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const r = rows[(p as { dataIndex: number }).dataIndex];
        return `${r.label}<br/>增值 ${r.estimate.toFixed(1)} 分（${r.low.toFixed(1)} ～ ${r.high.toFixed(1)}）`;
      },
    },
    grid: { left: 130, right: 20, top: 10, bottom: 40 },
    yAxis: { type: 'category', data: rows.map((r) => r.label), axisTick: { show: false }, axisLabel: { color: INK } },
    xAxis: {
      type: 'value',
      min: Math.floor(lo - pad),
      max: Math.ceil(hi + pad),
      name: c.xLabel,
      nameLocation: 'middle',
      nameGap: 26,
    },
    series: [
      {
        type: 'custom',
        name: '95%区间',
        silent: true,
        data: rows.map((r, i) => [i, r.low, r.high]),
        renderItem: (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI) => {
          const y = api.value(0) as number;
          const a = api.coord([api.value(1), y]);
          const b = api.coord([api.value(2), y]);
          const style = { stroke: color(rows[y]), lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
              { type: 'line', shape: { x1: a[0], y1: a[1] - 4, x2: a[0], y2: a[1] + 4 }, style },
              { type: 'line', shape: { x1: b[0], y1: b[1] - 4, x2: b[0], y2: b[1] + 4 }, style },
            ],
          };
        },
        encode: { x: [1, 2], y: 0 },
        z: 2,
      },
      {
        type: 'scatter',
        name: '增值',
        symbolSize: 8,
        data: rows.map((r) => ({ value: [r.estimate, r.label], itemStyle: { color: color(r) } })),
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { color: INK, type: 'solid', width: 1 },
          data: [{ xAxis: 0 }],
        },
        z: 3,
      },
    ],
  } as ChartOption;
}

/** Schools down, knowledge points across, percentage points in each cell; 弱/强 where certain (dark border). */
export function heatOption(c: HeatSpec): ChartOption {
  const rows = [...c.rows].reverse();
  const at = (i: number) => c.rows.length - 1 - i;
  const max = Math.max(10, ...c.values.flat().map((v) => (v === null ? 0 : Math.abs(v * 100))));
  const data = rows.flatMap((_, i) =>
    c.columns.map((_, j) => {
      const v = c.values[at(i)][j];
      const flag = c.flags[at(i)]?.[j] ?? null;
      return {
        value: [j, i, v === null ? '-' : Math.round(v * 1000) / 10],
        flag,
        itemStyle: flag ? { borderColor: INK, borderWidth: 2 } : { borderColor: '#fff', borderWidth: 1 },
      };
    }),
  );
  return {
    animation: false,
    tooltip: {
      formatter: (p: unknown) => {
        const d = p as { value: [number, number, number | string] };
        return `${rows[d.value[1]]} · ${c.columns[d.value[0]]}<br/>与本校预期之差（收缩后）：${d.value[2]} 个百分点`;
      },
    },
    grid: { left: 130, right: 20, top: 10, bottom: 70 },
    xAxis: { type: 'category', data: c.columns, axisLabel: { interval: 0, rotate: c.columns.length > 8 ? 30 : 0 } },
    yAxis: { type: 'category', data: rows },
    visualMap: {
      type: 'continuous',
      min: -max,
      max,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      text: ['高于预期', '低于预期'],
      inRange: { color: [RED, '#ffffff', BLUE] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          formatter: (p: unknown) => {
            const d = p as { value: [number, number, number | string]; data: { flag: string | null } };
            const v = d.value[2];
            if (typeof v !== 'number') return '';
            const t = `${v > 0 ? '+' : ''}${Math.round(v)}`;
            return d.data.flag ? `${t}${d.data.flag === 'weak' ? '弱' : '强'}` : t;
          },
        },
      },
    ],
  } as ChartOption;
}
