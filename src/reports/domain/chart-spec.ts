// The charts of a school report as plain data: the report model says what to draw, the PDF (and the pages)
// draw it with one chart library. Every figure here is one the report's reader may see: for other schools,
// only the rounded or banded figures of the principal's view (a PDF's vector paths keep exact coordinates).

/** Bars per category (items, knowledge points, subjects, classes); values are fractions drawn in percent. */
export interface BarsChart {
  kind: 'bars';
  title: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  /** The axis runs 0..yMax (a fraction) and is printed in percent. */
  yMax: number;
  yLabel: string;
  /** Axis title under the categories; '题号' when absent. */
  xLabel?: string;
  /** Per category: a finding was made on it (drawn marked, e.g. a red label). */
  flagged?: boolean[];
}

/** The school's score distribution against the alliance's outline, both as shares of their students. */
export interface HistogramChart {
  kind: 'histogram';
  title: string;
  /** Band labels, low to high, e.g. '60–69'. */
  bands: string[];
  /** Shares (0..1) of the school's and the alliance's counted students per band. */
  school: number[];
  alliance: number[];
  /** Vertical lines at thresholds, as band boundaries: { label: '及格线', atBand: index of the first band at or above it }. */
  thresholds?: { label: string; atBand: number }[];
}

/** Value-added of every school with its 95% interval; the own school named, others by letter. */
export interface ForestChart {
  kind: 'forest';
  title: string;
  rows: { label: string; own: boolean; estimate: number; low: number; high: number }[];
  xLabel: string;
}

/** A figure over linked exams (oldest first). */
export interface TrendChart {
  kind: 'trend';
  title: string;
  exams: string[];
  series: { name: string; values: (number | null)[] }[];
  yLabel: string;
}

/** Rows × columns of signed values (fractions, drawn in percentage points), diverging colours; flagged cells marked. */
export interface HeatmapChart {
  kind: 'heatmap';
  title: string;
  rows: string[];
  columns: string[];
  /** values[row][column]; null where there is no figure. */
  values: (number | null)[][];
  /** Per cell: 'weak' or 'strong' where a finding is certain, else null. */
  flags: ('weak' | 'strong' | null)[][];
}

export type ReportChart = BarsChart | HistogramChart | ForestChart | TrendChart | HeatmapChart;

/** A trend is drawn from this many exams on: over two it says no more than its table (上次→本次). */
export const TREND_MIN_EXAMS = 3;

/**
 * The value-added charts a school report draws, in the model's order: the forest, and each trend over at least
 * TREND_MIN_EXAMS exams. One rule for the PDF and the result page, so both show the same charts.
 */
export function drawnVaCharts(charts: readonly ReportChart[]): (ForestChart | TrendChart)[] {
  return charts.filter(
    (c): c is ForestChart | TrendChart =>
      c.kind === 'forest' || (c.kind === 'trend' && c.exams.length >= TREND_MIN_EXAMS),
  );
}
