// What a school's diagnostic report says, as plain data: the PDF renderer only lays it out.
// Built from the stored analysis through the principal's view, so other schools appear only by letter.
import type { ExamAnalysisData, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { principalView, type AggregateView } from '../../results/domain/principal-view.js';
import { principalLongitudinalOf } from '../../results/domain/stored-longitudinal.js';
import type { Thresholds } from '../../results/domain/statistics.js';
import type { StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import { TOTAL_PAPER_ID } from '../../results/domain/subject-totals.js';
import type { ReportChart } from './chart-spec.js';
import { findings } from './findings.js';
import { scoreHistogram, valueAddedForest } from './report-charts.js';
import { DASH, formatNumber, formatPercent } from './format.js';
import { valueAddedSection, type ValueAddedSection } from './value-added-section.js';

export interface ReportTable {
  header: string[];
  rows: string[][];
}

export interface BarChart {
  title: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  /** Values are fractions; the axis runs 0..yMax and is printed in percent. */
  yMax: number;
  yLabel: string;
  /** Axis title under the categories; '题号' when absent. */
  xLabel?: string;
}

export interface ReportSection {
  heading: string;
  schoolName: string;
  intro: string[];
  mainTable: ReportTable;
  formulas: string[];
  /** '各题得分率', or '各科得分率' for 总分. */
  chartHeading: string;
  chart: BarChart | null;
  chartNote: string | null;
  bandTable: ReportTable | null;
  peerTable: ReportTable;
  peerNotes: string[];
  findings: string[];
  /** 纵看 and value-added; null when the exam is not linked to a prior exam. */
  valueAdded: ValueAddedSection | null;
  /** Charts drawn from the principal's view only (report-charts.ts): score histogram, value-added forest plot. */
  charts?: ReportChart[];
}

export interface SchoolReportModel {
  documentTitle: string;
  examName: string;
  schoolName: string;
  sections: ReportSection[];
}

/** A stored analysis as the report reads it: 纵看 and, for 总分, the rule that says who counts sit beside it. */
export type StoredAnalysis = ExamAnalysisData & {
  longitudinal?: StoredLongitudinal | null;
  subjectTotal?: { rule: string };
};

export interface SchoolReportInput {
  examName: string;
  schoolId: number;
  schoolName: string;
  analyses: StoredAnalysis[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function formulaNotes(t: Thresholds): string[] {
  return [
    '参考人数：计入统计的学生，不含缺考和尚未评完的学生。联盟 = 龙头校 + 成员校，不含联盟外对照校。',
    '得分率 = 平均分 ÷ 满分；标准差为总体标准差（除以人数 N）。',
    `优秀率 = 总分 ≥ 满分×${pct(t.excellent)} 的人数 ÷ 参考人数；及格率（含优秀）= 总分 ≥ 满分×${pct(t.pass)} 的人数 ÷ 参考人数；低分率 = 总分 < 满分×${pct(t.low)} 的人数 ÷ 参考人数。`,
    '超均率 = (本校平均分 − 联盟平均分) ÷ 联盟平均分；比均率 = 本校平均分 ÷ 联盟平均分 × 100。',
    'T指数 = 50 + 10 × (本校平均分 − 联盟平均分) ÷ 联盟学生成绩的标准差（不是各校平均分的标准差，所以各校T指数多在50附近）。',
    '参考人数不超过5人的单位不公布统计数据；少于15人的单位为小样本，仅供参考。',
  ];
}

function mainTable(school: UnitAnalysis, alliance: AggregateView): ReportTable {
  const row = (label: string, f: (u: UnitAnalysis | AggregateView) => string) => [label, f(school), f(alliance)];
  const sm = (u: UnitAnalysis | AggregateView) => u.summary;
  return {
    header: ['指标', '本校', '联盟'],
    rows: [
      row('参考人数', (u) => String(u.n)),
      row('平均分', (u) => formatNumber(sm(u)?.mean)),
      row('标准差', (u) => formatNumber(sm(u)?.sd)),
      row('得分率', (u) => formatPercent(sm(u)?.scoreRate)),
      row('优秀率', (u) => formatPercent(sm(u)?.excellentRate)),
      row('及格率', (u) => formatPercent(sm(u)?.passRate)),
      row('低分率', (u) => formatPercent(sm(u)?.lowRate)),
      row('超均率', (u) => formatPercent(u.relative?.aboveMeanRate, true)),
      row('比均率', (u) => formatNumber(u.relative?.ratioToMean, 1)),
      row('T指数', (u) => formatNumber(u.relative?.tIndex, 1)),
    ],
  };
}

function bandTable(school: UnitAnalysis, alliance: AggregateView): ReportTable | null {
  if (!school.bands || !alliance.bands) return null;
  // The alliance's bands reach principals merged where a band holds too few students of other schools
  // (principal-privacy.ts): a merged band's share is printed once, on its top row.
  const groupOf = (from: number) => alliance.bands!.find((g) => g.from <= from + 1e-9 && from < g.to - 1e-9)!;
  const rows = school.bands
    .map((b, i) => {
      const last = i === school.bands!.length - 1;
      const g = groupOf(b.from) ?? alliance.bands![alliance.bands!.length - 1];
      const single = Math.abs(g.from - b.from) < 1e-9 && Math.abs(g.to - b.to) < 1e-9;
      const top = Math.abs(g.to - b.to) < 1e-9;
      const share = formatPercent(g.count / alliance.n);
      return [
        `${formatNumber(b.from, 1)}–${formatNumber(b.to, 1)}${last ? '' : '（不含）'}`,
        String(b.count),
        formatPercent(b.count / school.n),
        single ? share : top ? `${share}（${formatNumber(g.from, 1)}–${formatNumber(g.to, 1)}合计）` : '同上',
      ];
    })
    .reverse();
  return { header: ['分数段', '本校人数', '本校占比', '联盟占比'], rows };
}

function section(input: SchoolReportInput, data: StoredAnalysis): ReportSection {
  const isTotal = data.paper.paperId === TOTAL_PAPER_ID;
  const view = principalView(data, [input.schoolId]);
  const own = view.ownSchools[0];
  const school: UnitAnalysis = own ? { ...own, schoolIds: [input.schoolId] } : emptyUnit();
  const alliance = view.alliance;
  const t = data.thresholds;

  const intro = [
    `学校：${input.schoolName}`,
    isTotal
      ? `总分：${data.items.map((i) => i.label).join('、')}共${data.items.length}科　满分：${formatNumber(data.paper.fullMarks, 1)}分`
      : `学科：${data.paper.subject}　满分：${formatNumber(data.paper.fullMarks, 1)}分　题目数：${data.items.length}`,
    `本校名单${school.roster}人，计入统计${school.n}人，缺考${school.absent}人，尚未评完${school.incomplete}人。`,
    `三率标准：优秀 ≥ ${pct(t.excellent)}，及格 ≥ ${pct(t.pass)}，低分 < ${pct(t.low)}（占满分）。`,
    ...(isTotal && data.subjectTotal ? [data.subjectTotal.rule] : []),
  ];

  const chart: BarChart | null =
    school.items && alliance.items
      ? {
          title: isTotal ? '各科得分率：本校与联盟（总分统计的学生）' : '各题得分率：本校与联盟',
          categories: data.items.map((i) => i.label),
          series: [
            {
              name: '本校',
              values: data.items.map((i) => school.items!.find((x) => x.itemId === i.itemId)?.scoreRate ?? null),
            },
            {
              name: '联盟',
              values: data.items.map((i) => alliance.items!.find((x) => x.itemId === i.itemId)?.scoreRate ?? null),
            },
          ],
          yMax: 1,
          yLabel: '得分率',
          ...(isTotal ? { xLabel: '科目' } : {}),
        }
      : null;

  const peerRow = (
    label: string,
    u: {
      n?: number;
      suppressed: boolean;
      summary: { mean: number; scoreRate: number; excellentRate: number | null; passRate: number | null } | null;
      relative: UnitAnalysis['relative'];
    },
  ) => [
    label,
    u.n === undefined ? DASH : String(u.n),
    formatNumber(u.summary?.mean),
    formatPercent(u.summary?.scoreRate),
    formatPercent(u.summary?.excellentRate),
    formatPercent(u.summary?.passRate),
    formatPercent(u.relative?.aboveMeanRate, true),
    formatNumber(u.relative?.tIndex, 1),
  ];
  const aggregates: [string, AggregateView | null][] = [
    ['城区学校', view.urban],
    ['乡村学校', view.rural],
    ['联盟外对照校', view.comparison],
  ];
  const peerRows = [
    peerRow(`本校（${input.schoolName}）`, school),
    peerRow('联盟', alliance),
    ...aggregates.filter(([, u]) => u !== null && u.n > 0).map(([label, u]) => peerRow(label, u!)),
    ...view.otherSchools.map((o) => peerRow(o.label, o)),
  ];
  const peerNotes = [
    '其他学校以字母代称（学校A、学校B……），不显示校名和人数；字母顺序与成绩无关。',
    ...view.hidden.map(
      (h) => `${h.unit === 'urban' ? '城区学校' : h.unit === 'rural' ? '乡村学校' : '联盟外对照校'}：${h.reason}。`,
    ),
  ];
  if (view.otherSchools.some((o) => o.suppressed)) peerNotes.push('“—”表示该单位参考人数不超过5人，不公布数据。');

  return {
    heading: `${input.examName} · ${data.paper.subject} 学校质量诊断报告`,
    schoolName: input.schoolName,
    intro,
    mainTable: mainTable(school, alliance),
    formulas: formulaNotes(t),
    chartHeading: isTotal ? '各科得分率' : '各题得分率',
    chart,
    chartNote: chart ? null : `本校或联盟参考人数过少，不绘制${isTotal ? '各科' : '各题'}得分率图。`,
    bandTable: bandTable(school, alliance),
    peerTable: {
      header: ['单位', '参考人数', '平均分', '得分率', '优秀率', '及格率', '超均率', 'T指数'],
      rows: peerRows,
    },
    peerNotes,
    // findings read the alliance's items and mean, never its min/max/median (withheld from principals)
    findings: findings(
      data.items,
      school,
      { ...alliance, schoolIds: [] } as unknown as UnitAnalysis,
      isTotal ? 'subject' : 'item',
    ),
    valueAdded: valueAddedSection(data, input.schoolId),
    charts: (
      [
        own ? scoreHistogram(own, alliance, data.paper.fullMarks, t) : null,
        valueAddedForest(principalLongitudinalOf(data, data.longitudinal ?? null, [input.schoolId])),
      ] as (ReportChart | null)[]
    ).filter((c): c is ReportChart => c !== null),
  };
}

function emptyUnit(): UnitAnalysis {
  return {
    roster: 0,
    absent: 0,
    incomplete: 0,
    n: 0,
    suppressed: true,
    unreliable: false,
    schoolIds: [],
    summary: null,
    relative: null,
    bands: null,
    items: null,
  };
}

export function buildSchoolReport(input: SchoolReportInput): SchoolReportModel {
  if (!input.analyses.length) throw new Error('no analysis to report');
  return {
    documentTitle: `${input.examName} 学校质量诊断报告 · ${input.schoolName}`,
    examName: input.examName,
    schoolName: input.schoolName,
    // Papers in id order, 总分 (paper id 0) last.
    sections: [...input.analyses]
      .sort(
        (a, b) =>
          (a.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) - (b.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) ||
          a.paper.paperId - b.paper.paperId,
      )
      .map((d) => section(input, d)),
  };
}
