// What a county comparison holds and how the page and the PDF print it: the figures of one alliance, the groups, the
// columns and each cell's text. Apart from the computation (county-comparison.ts) and free of imports, so the county
// page imports this very file (one list of columns, not one in the page and one in the PDF). Pure.

/** One alliance's figures for a grade and subject (null figures: none, suppressed or not computable). */
export interface AllianceFigures {
  allianceId: number;
  allianceName: string;
  examId: number;
  examName: string;
  examDate: string | null;
  /** Scores changed since the exam's release. */
  outdated: boolean;
  fullMarks: number;
  /** Students counted in the alliance figures (lead and member schools). */
  students: number;
  /** n ≤ 5: no figures. */
  suppressed: boolean;
  /** 5 < n < 15: 小样本. */
  unreliable: boolean;
  /** 三率一分: 优秀率, 及格率, 低分率 (fractions) and 平均分. */
  mean: number | null;
  scoreRate: number | null;
  excellentRate: number | null;
  passRate: number | null;
  lowRate: number | null;
  /** 城乡差距: urban minus rural mean and score rate; null unless both sides have more than 5 students. */
  urbanRuralGap: number | null;
  urbanRuralRateGap: number | null;
  /** 校际均衡: coefficient of variation of the school means and the schools that enter it. */
  cvOfMeans: number | null;
  balanceSchools: number;
  /** 增值评价: alliance schools with a value-added verdict, and the shares 明显高于 / 明显低于. */
  vaSchools: number;
  vaAboveShare: number | null;
  vaBelowShare: number | null;
}

/** One released exam of an alliance in a group's trend. */
export interface TrendPoint {
  examId: number;
  examName: string;
  examDate: string | null;
  students: number;
  suppressed: boolean;
  scoreRate: number | null;
  cvOfMeans: number | null;
  urbanRuralRateGap: number | null;
}

/** An alliance's released exams of the group's grade and subject, oldest first (at most TREND_EXAMS). */
export interface AllianceTrend {
  allianceId: number;
  allianceName: string;
  points: TrendPoint[];
}

export interface ComparisonGroup {
  grade: string;
  subject: string;
  alliances: AllianceFigures[];
  /** 纵看: each alliance of the group over its released exams of this grade and subject (alliances as above). */
  trend: AllianceTrend[];
}

export interface CountyComparison {
  groups: ComparisonGroup[];
  /** Alliances of the county with no released exam (shown as such, not left out silently). */
  withoutResults: { allianceId: number; name: string }[];
}

/** How many released exams an alliance's trend reaches back (its latest included). */
export const TREND_EXAMS = 4;

// ── What the page and the PDF print: one list of the figure columns, one way to write each cell ──

export type CountyColumnFormat = 'count' | 'score' | 'percent' | 'signed';

export interface CountyColumn {
  key:
    | 'students'
    | 'mean'
    | 'excellentRate'
    | 'passRate'
    | 'lowRate'
    | 'urbanRuralGap'
    | 'cvOfMeans'
    | 'vaAboveShare'
    | 'vaBelowShare';
  label: string;
  format: CountyColumnFormat;
}

/** The figure columns after 联盟 and 考试, in order (the page's table and the PDF's). */
export const COUNTY_COLUMNS: readonly CountyColumn[] = [
  { key: 'students', label: '参考人数', format: 'count' },
  { key: 'mean', label: '平均分', format: 'score' },
  { key: 'excellentRate', label: '优秀率', format: 'percent' },
  { key: 'passRate', label: '及格率', format: 'percent' },
  { key: 'lowRate', label: '低分率', format: 'percent' },
  { key: 'urbanRuralGap', label: '城乡差距(分)', format: 'signed' },
  { key: 'cvOfMeans', label: '校际差异系数', format: 'percent' },
  { key: 'vaAboveShare', label: '增值明显高于', format: 'percent' },
  { key: 'vaBelowShare', label: '增值明显低于', format: 'percent' },
];

/** The reading note under the table (page and PDF). */
export const COUNTY_NOTE =
  '城乡差距：城区校平均分减乡村校平均分；校际差异系数：各校平均分的标准差 ÷ 平均数（越小越均衡）；增值：有增值结果的学校中，增值明显高于 / 明显低于本联盟平均的学校所占比例。参考人数不足 6 人不显示数据，不足 15 人标“小样本”。';

const DASH = '—';
const trimmed = (x: number, digits: number) => String(Math.round(x * 10 ** digits) / 10 ** digits);

/** A figure as printed: scores with at most two decimals, shares as percent with one, differences signed (−). */
export function formatFigure(x: number | null | undefined, format: CountyColumnFormat): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  switch (format) {
    case 'count':
      return String(x);
    case 'score':
      return trimmed(x, 2);
    case 'percent':
      return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
    case 'signed': {
      const v = Math.round(x * 100) / 100;
      return v > 0 ? `+${trimmed(v, 2)}` : v < 0 ? `−${trimmed(-v, 2)}` : '0';
    }
  }
}

/** One cell of an alliance's row: nothing for a group of ≤ 5 students, no VA shares without VA verdicts. */
export function countyCell(r: AllianceFigures, c: CountyColumn): string {
  if (c.key === 'students') return String(r.students);
  if (r.suppressed) return c.key === 'mean' ? '不足6人' : DASH;
  if ((c.key === 'vaAboveShare' || c.key === 'vaBelowShare') && !r.vaSchools) return DASH;
  return formatFigure(r[c.key], c.format);
}
