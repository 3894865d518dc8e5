// One ECharts option builder per chart kind of the report (chart-spec.ts). Plain data in, an ECharts option out: the
// same options draw the PDF's vectors (charts.ts, server-side SVG) and could draw a page's canvas. The figures come
// from the report model as they are; for other schools they are already the principal's rounded or banded ones, and
// nothing here adds precision (a PDF's vector paths keep whatever the option holds).
import type { EChartsOption } from 'echarts';
import type {
  BarsChart,
  ForestChart,
  HeatmapChart,
  HistogramChart,
  ReportChart,
  TrendChart,
} from '../domain/chart-spec.js';

export const CHART_FONT = 'NotoSansSC';
export const INK = '#222222';
export const MUTED = '#666666';
export const GRID = '#dde1e7';
export const SERIES_COLORS = ['#2f6db5', '#b0b7c3', '#e08a2c', '#5b9b5b'];
export const FLAG_COLOR = '#c0392b';

/**
 * The type and its size: the PDF's (8 pt in the embedded CJK font) by default; a page passes its own (larger, the
 * browser's fonts). Margins and marks grow with the size, the figures do not change.
 */
export interface ChartStyle {
  font: string;
  size: number;
}
export const PDF_CHART_STYLE: ChartStyle = { font: CHART_FONT, size: 8 };

/** Percent with at most one decimal; the axis labels of shares. */
const percent = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/** A length of the PDF's layout (at 8 pt) at this style's size. */
const at = (st: ChartStyle, x: number) => Math.round(((x * st.size) / 8) * 10) / 10;

const base = (title: string, st: ChartStyle): EChartsOption => ({
  animation: false,
  textStyle: { fontFamily: st.font, fontSize: st.size, color: INK },
  title: {
    text: title,
    left: 0,
    top: 0,
    textStyle: { fontFamily: st.font, fontSize: at(st, 10), fontWeight: 'bold' },
  },
});

const axisName = (name: string, st: ChartStyle) => ({
  name,
  nameTextStyle: { color: MUTED, fontSize: st.size },
  axisLabel: { color: MUTED, fontSize: st.size },
  axisLine: { lineStyle: { color: MUTED } },
  splitLine: { lineStyle: { color: GRID, width: 0.5 } },
});

const legendOf = (st: ChartStyle) => ({
  top: 0,
  right: 0,
  itemWidth: at(st, 10),
  itemHeight: at(st, 7),
  textStyle: { fontSize: st.size },
});

/** Grouped bars in percent; a flagged category gets a red label and the first series' bar outlined in red. */
export function barsOption(c: BarsChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  const FONT = st.size;
  const legend = legendOf(st);
  const flagged = (i: number) => c.flagged?.[i] === true;
  const labelSize = c.categories.length > 30 ? at(st, 5.5) : c.categories.length > 20 ? at(st, 6.5) : FONT;
  return {
    ...base(c.title, st),
    legend,
    grid: { left: at(st, 34), right: at(st, 8), top: at(st, 30), bottom: at(st, 30) },
    xAxis: {
      type: 'category',
      data: c.categories.map((label, i) => ({
        value: label,
        textStyle: flagged(i) ? { color: FLAG_COLOR, fontWeight: 'bold' } : {},
      })),
      ...axisName(c.xLabel ?? '题号', st),
      nameLocation: 'middle',
      nameGap: at(st, 18),
      axisLabel: { color: INK, fontSize: labelSize, interval: 0 },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: Math.round(c.yMax * 100),
      ...axisName(`${c.yLabel}（%）`, st),
      nameLocation: 'end',
      nameGap: at(st, 6),
      nameTextStyle: { color: MUTED, fontSize: FONT, align: 'left' },
    },
    series: c.series.map((s, j) => ({
      type: 'bar',
      name: s.name,
      barMaxWidth: 14,
      barGap: '10%',
      itemStyle: { color: SERIES_COLORS[j % SERIES_COLORS.length] },
      data: s.values.map((v, i) =>
        j === 0 && flagged(i) ? { value: percent(v), itemStyle: { color: FLAG_COLOR } } : { value: percent(v) },
      ),
    })),
  };
}

/**
 * The school's share per band as bars, the alliance's as a step outline over the same bands, and a vertical line at
 * each threshold. The outline and the lines sit on a hidden value axis 0..bands, so band boundaries are exact.
 */
export function histogramOption(c: HistogramChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  const FONT = st.size;
  const legend = legendOf(st);
  const n = c.bands.length;
  const outline: [number, number][] = [];
  c.alliance.forEach((a, i) => outline.push([i, percent(a)!], [i + 1, percent(a)!]));
  const top = Math.max(...c.school.map((x) => percent(x)!), ...c.alliance.map((x) => percent(x)!), 1);
  return {
    ...base(c.title, st),
    // Below the title, not beside it, and above the thresholds' labels: in the school PDF the histogram has half the
    // width (beside its band table).
    legend: { ...legend, top: at(st, 14), data: ['本校', '联盟'] },
    grid: { left: at(st, 34), right: at(st, 8), top: at(st, 42), bottom: at(st, 30) },
    xAxis: [
      {
        type: 'category',
        data: c.bands,
        ...axisName('分数段', st),
        nameLocation: 'middle',
        nameGap: at(st, 18),
        axisTick: { show: false },
      },
      { type: 'value', min: 0, max: n, show: false },
    ],
    yAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(top / 10) * 10,
      ...axisName('人数占比（%）', st),
      nameLocation: 'end',
      nameGap: at(st, 6),
      nameTextStyle: { color: MUTED, fontSize: FONT, align: 'left' },
    },
    series: [
      {
        type: 'bar',
        name: '本校',
        barCategoryGap: '15%',
        itemStyle: { color: SERIES_COLORS[0] },
        data: c.school.map(percent),
      },
      {
        type: 'line',
        name: '联盟',
        xAxisIndex: 1,
        symbol: 'none',
        lineStyle: { color: SERIES_COLORS[2], width: 1.5 },
        itemStyle: { color: SERIES_COLORS[2] },
        data: outline,
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: '{b}', fontSize: FONT, color: FLAG_COLOR, position: 'end' },
          lineStyle: { color: FLAG_COLOR, type: 'dashed', width: 1 },
          data: (c.thresholds ?? []).map((t) => ({ name: t.label, xAxis: t.atBand })),
        },
      },
    ],
  };
}

/** Estimates as points with their 95% intervals as whiskers, a line at 0; the own school in colour and bold. */
/** Above this many schools the forest plot becomes a caterpillar: ordered by estimate, only 本校 labelled. */
export const FOREST_LABELLED_ROWS = 30;

export function forestOption(c: ForestChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  const FONT = st.size;
  // Category axes run bottom-up: reverse, so the first row is drawn at the top. Many schools: sorted by estimate
  // (highest at the top), so the own school's place among them shows; other schools' letters would not be legible.
  const many = c.rows.length > FOREST_LABELLED_ROWS;
  const rows = many ? [...c.rows].sort((a, b) => a.estimate - b.estimate) : [...c.rows].reverse();
  const lo = Math.min(0, ...rows.map((r) => r.low));
  const hi = Math.max(0, ...rows.map((r) => r.high));
  const pad = Math.max(1, (hi - lo) * 0.08);
  return {
    ...base(c.title, st),
    grid: { left: at(st, 70), right: at(st, 16), top: at(st, 26), bottom: at(st, 30) },
    yAxis: {
      type: 'category',
      data: rows.map((r) => ({
        value: r.label,
        textStyle: r.own ? { fontWeight: 'bold', color: SERIES_COLORS[0] } : {},
      })),
      axisLabel: many
        ? { color: INK, fontSize: FONT, interval: (i: number) => rows[i].own }
        : { color: INK, fontSize: FONT },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    xAxis: {
      type: 'value',
      // Bounds on the tick grid (multiples of 5), so the end labels never crowd the nearest tick's.
      min: Math.floor((lo - pad) / 5) * 5,
      max: Math.ceil((hi + pad) / 5) * 5,
      ...axisName(c.xLabel, st),
      nameLocation: 'middle',
      nameGap: at(st, 18),
    },
    series: many ? caterpillarSeries(rows) : labelledForestSeries(rows),
  };
}

type ForestRow = ForestChart['rows'][number];
const forestColor = (own: boolean) => (own ? SERIES_COLORS[0] : MUTED);
const zeroLine = {
  silent: true,
  symbol: 'none',
  label: { show: false },
  lineStyle: { color: INK, type: 'solid' as const, width: 0.8 },
  data: [{ xAxis: 0 }],
};

/** A labelled forest: each row's interval with caps, its estimate as a dot. */
function labelledForestSeries(rows: ForestRow[]): EChartsOption['series'] {
  return [
    {
      type: 'custom',
      name: '95%区间',
      data: rows.map((r, i) => [i, r.low, r.high, r.own ? 1 : 0]),
      renderItem: (_params, api) => {
        const y = api.value(0) as number;
        const a = api.coord([api.value(1), y]);
        const b = api.coord([api.value(2), y]);
        const style = { stroke: forestColor(api.value(3) === 1), lineWidth: 1.2 };
        const cap = 3;
        return {
          type: 'group',
          children: [
            { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
            { type: 'line', shape: { x1: a[0], y1: a[1] - cap, x2: a[0], y2: a[1] + cap }, style },
            { type: 'line', shape: { x1: b[0], y1: b[1] - cap, x2: b[0], y2: b[1] + cap }, style },
          ],
        };
      },
      encode: { x: [1, 2], y: 0 },
      z: 2,
    },
    {
      type: 'scatter',
      name: '估计值',
      data: rows.map((r) => ({
        value: [r.estimate, r.label],
        symbolSize: 6,
        itemStyle: { color: forestColor(r.own) },
      })),
      markLine: zeroLine,
      z: 3,
    },
  ];
}

/**
 * A caterpillar of every school: the other schools' intervals and dots each drawn by ECharts' large mode as one path
 * (one element, not one per school, for ECharts and svg-to-pdfkit in every school's report: a 200-school forest was
 * 400 elements, three times a report); the own school's row on top of them in colour, as before. The intervals have
 * no caps. Same figures, same look.
 */
function caterpillarSeries(rows: ForestRow[]): EChartsOption['series'] {
  const others = rows.flatMap((r, i) => (r.own ? [] : [{ r, i }]));
  const own = rows.flatMap((r, i) => (r.own ? [{ r, i }] : []));
  const large = { large: true, largeThreshold: 1 };
  return [
    {
      type: 'lines',
      name: '95%区间',
      coordinateSystem: 'cartesian2d',
      ...large,
      lineStyle: { color: MUTED, width: 0.5, opacity: 1 },
      data: others.map(({ r, i }) => ({
        coords: [
          [r.low, i],
          [r.high, i],
        ],
      })),
      z: 2,
    },
    {
      type: 'custom',
      name: '本校95%区间',
      data: own.map(({ r, i }) => [i, r.low, r.high]),
      renderItem: (_params, api) => {
        const a = api.coord([api.value(1), api.value(0)]);
        const b = api.coord([api.value(2), api.value(0)]);
        const style = { stroke: forestColor(true), lineWidth: 1.2 };
        return { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style };
      },
      encode: { x: [1, 2], y: 0 },
      z: 2,
    },
    {
      type: 'scatter',
      name: '估计值',
      ...large,
      symbolSize: 3,
      // Opaque: drawn one by one at ECharts' default 0.8, the overlapping dots of neighbouring rows added up to a dark
      // spine; as one path they would be composited once, lighter.
      itemStyle: { color: MUTED, opacity: 1 },
      data: others.map(({ r, i }) => [r.estimate, i]),
      markLine: zeroLine,
      z: 3,
    },
    {
      type: 'scatter',
      name: '本校估计值',
      symbolSize: 6,
      itemStyle: { color: forestColor(true) },
      data: own.map(({ r, i }) => [r.estimate, i]),
      z: 3,
    },
  ];
}

/** One line per series over the linked exams, oldest first. */
export function trendOption(c: TrendChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  const FONT = st.size;
  const legend = legendOf(st);
  return {
    ...base(c.title, st),
    legend,
    grid: { left: at(st, 34), right: at(st, 12), top: at(st, 30), bottom: at(st, 24) },
    xAxis: { type: 'category', data: c.exams, ...axisName('', st), axisTick: { show: false }, boundaryGap: true },
    yAxis: {
      type: 'value',
      scale: true,
      ...axisName(c.yLabel, st),
      nameLocation: 'end',
      nameGap: at(st, 6),
      nameTextStyle: { color: MUTED, fontSize: FONT, align: 'left' },
    },
    series: c.series.map((s, j) => ({
      type: 'line',
      name: s.name,
      connectNulls: false,
      symbolSize: 5,
      lineStyle: {
        width: j === 0 ? 2 : 1,
        type: j === 0 ? 'solid' : 'dashed',
        color: SERIES_COLORS[j % SERIES_COLORS.length],
      },
      itemStyle: { color: SERIES_COLORS[j % SERIES_COLORS.length] },
      label: {
        show: true,
        fontSize: at(st, 7),
        color: MUTED,
        position: 'top',
        formatter: (p: { value: unknown }) =>
          typeof p.value === 'number' ? String(Math.round(p.value * 10) / 10) : '',
      },
      data: s.values,
    })),
  };
}

export const HEAT_LOW = '#c0392b';
export const HEAT_HIGH = '#2f6db5';

/**
 * Schools down, knowledge points across; each cell coloured by its value (red below 0, blue above, white at 0) and
 * labelled in percentage points; a flagged cell says 弱 or 强 and gets a dark border.
 */
export function heatmapOption(c: HeatmapChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  const FONT = st.size;
  const rows = [...c.rows].reverse();
  const at = (i: number) => c.rows.length - 1 - i;
  const max = Math.max(0.1, ...c.values.flat().map((v) => (v === null ? 0 : Math.abs(v))));
  const data = rows.flatMap((_, i) =>
    c.columns.map((_, j) => {
      const v = c.values[at(i)][j];
      const flag = c.flags[at(i)]?.[j] ?? null;
      return {
        value: [j, i, v === null ? '-' : Math.round(v * 1000) / 10] as [number, number, number | string],
        flag,
        itemStyle: flag ? { borderColor: INK, borderWidth: 1.5 } : { borderColor: '#ffffff', borderWidth: 1 },
      };
    }),
  );
  const size = c.columns.length > 12 ? 6 : 7;
  return {
    ...base(c.title, st),
    grid: { left: 70, right: 16, top: 26, bottom: 56 },
    xAxis: {
      type: 'category',
      data: c.columns,
      axisLabel: { color: INK, fontSize: size, interval: 0, rotate: c.columns.length > 6 ? 30 : 0 },
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: rows,
      axisLabel: { color: INK, fontSize: FONT },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    visualMap: {
      type: 'continuous',
      min: -max * 100,
      max: max * 100,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 8,
      itemHeight: 120,
      text: ['高于预期', '低于预期'],
      textStyle: { fontSize: 7, color: MUTED },
      inRange: { color: [HEAT_LOW, '#ffffff', HEAT_HIGH] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          fontSize: size,
          color: INK,
          formatter: (p: { value: unknown; data: unknown }) => {
            const v = (p.value as [number, number, number | string])[2];
            const flag = (p.data as { flag: 'weak' | 'strong' | null }).flag;
            if (typeof v !== 'number') return '';
            const t = `${v > 0 ? '+' : ''}${Math.round(v)}`;
            return flag ? `${t}${flag === 'weak' ? '弱' : '强'}` : t;
          },
        },
      },
    ],
  };
}

export function chartOption(c: ReportChart, st: ChartStyle = PDF_CHART_STYLE): EChartsOption {
  switch (c.kind) {
    case 'bars':
      return barsOption(c, st);
    case 'histogram':
      return histogramOption(c, st);
    case 'forest':
      return forestOption(c, st);
    case 'trend':
      return trendOption(c, st);
    case 'heatmap':
      return heatmapOption(c, st);
  }
}
