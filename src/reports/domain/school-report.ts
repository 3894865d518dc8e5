// What a school's diagnostic report says, as plain data: the PDF renderer only lays it out.
// Built from the stored analysis through the principal's view, so other schools appear only by letter and classes
// only in their own school's report. Page 1 is the verdict; one section per subject, then 总分 and 学科均衡; a methods
// appendix in plain Chinese closes it.
import type { ClassAnalysis, ExamAnalysisData, ItemInfo, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { principalView, type AggregateView, type ViewedUnit } from '../../results/domain/principal-view.js';
import type { Thresholds } from '../../results/domain/statistics.js';
import { principalLongitudinalOf, type StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import { TOTAL_PAPER_ID } from '../../results/domain/subject-totals.js';
import type { BarsChart, ForestChart, HistogramChart, ReportChart, TrendChart } from './chart-spec.js';
import {
  borderline,
  borderlineLines,
  classKnowledgeTable,
  classNotes,
  classTable,
  groupTable,
  typicalErrors,
  type ReportTable,
  type TypicalErrors,
} from './diagnosis-tables.js';
import type { Finding } from './expectation.js';
import { expectationInput, findingLines, paperFindings } from './findings.js';
import { DASH, formatNumber, formatPercent } from './format.js';
import { scoreHistogram } from './report-charts.js';
import { closingTheLoop, type LoopSection } from './closing-loop.js';
import { methodsAppendix } from './methods.js';
import { valueAddedSection, type ValueAddedSection } from './value-added-section.js';
import { buildVerdict, type Verdict } from './verdict.js';
import { measuresFor, type Measures } from './measures.js';
import { verdictOf as vaVerdictOf } from '../../results/domain/va-statement.js';
import type { LibraryEntry } from '../../suggestions/domain/match.js';

export type { ReportTable } from './diagnosis-tables.js';

export interface ReportSection {
  /** '数学', or '总分与学科均衡'. */
  heading: string;
  subject: string;
  isTotal: boolean;
  intro: string[];
  mainTable: ReportTable;
  /** Findings in sentences (notes first); findingList the same as data for the suggestion library. */
  findings: string[];
  findingList: Finding[];
  charts: ReportChart[];
  chartNote: string | null;
  knowledgeTable: ReportTable | null;
  levelTable: ReportTable | null;
  errors: TypicalErrors;
  borderline: string[];
  bandTable: ReportTable | null;
  classTable: ReportTable | null;
  classKnowledgeTable: ReportTable | null;
  classNotes: string[];
  peerTable: ReportTable;
  peerNotes: string[];
  /** 纵看 and value-added; null when the exam is not linked to a prior exam. */
  valueAdded: ValueAddedSection | null;
  /** Prior report's flagged knowledge points revisited; null without a prior exam with item data. */
  loop: LoopSection | null;
}

export interface SchoolReportModel {
  documentTitle: string;
  examName: string;
  schoolName: string;
  /** Printed on every page with the exam's name, e.g. '2026年1月15日'. */
  dateText: string;
  verdict: Verdict;
  sections: ReportSection[];
  appendix: { heading: string; lines: string[] }[];
  /** Every finding of every section, for the suggestion library (kind, subject, knowledgePoint, cognitiveLevel, itemIds). */
  findings: Finding[];
  /** 补短板措施: the library's suggestions for page 1's levers, and the versions printed. */
  measures: Measures;
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
  /** The linked prior exam's analyses, for closing the loop on its flagged knowledge points. */
  prior?: { examName: string; analyses: StoredAnalysis[] } | null;
  /** 临界生 margin as a share of full marks (default 5%). */
  borderlineMargin?: number;
  /** When the report is made (printed on every page); defaults to now. */
  date?: Date;
  /** The alliance's suggestion library (current entries): measures for the levers of page 1. */
  library?: LibraryEntry[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function formulaNotes(t: Thresholds): string[] {
  return [
    `优秀 ≥ 满分×${pct(t.excellent)}，及格 ≥ 满分×${pct(t.pass)}，低分 < 满分×${pct(t.low)}；及格率含优秀。得分率 = 平均分 ÷ 满分。`,
    '超均率 = (本校平均分 − 联盟平均分) ÷ 联盟平均分；T指数 = 50 + 10 × (本校平均分 − 联盟平均分) ÷ 联盟学生成绩的标准差。',
  ];
}

function mainTable(school: ViewedUnit, alliance: AggregateView): ReportTable {
  const row = (label: string, f: (u: ViewedUnit) => string) => [label, f(school), f(alliance)];
  const sm = (u: ViewedUnit) => u.summary;
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
      row('T指数', (u) => formatNumber(u.relative?.tIndex, 1)),
    ],
  };
}

function bandTable(school: ViewedUnit, alliance: AggregateView): ReportTable | null {
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

function histogram(
  school: ViewedUnit,
  alliance: AggregateView,
  t: Thresholds,
  fullMarks: number,
): HistogramChart | null {
  return scoreHistogram(school, alliance, fullMarks, t);
}

function itemBars(
  data: StoredAnalysis,
  school: ViewedUnit,
  alliance: AggregateView,
  found: Finding[],
  isTotal: boolean,
): BarsChart | null {
  if (!school.items || !alliance.items) return null;
  const flaggedIds = new Set(
    found
      .filter((f) => f.kind === 'weakness' && f.certainty !== 'possible' && f.target !== 'cognitive_level')
      .flatMap((f) => f.itemIds),
  );
  return {
    kind: 'bars',
    title: isTotal ? '各科得分率：本校与联盟（总分统计的学生）' : '各题得分率：本校与联盟（红色为短板所在题目）',
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
    flagged: data.items.map((i) => flaggedIds.has(i.itemId)),
  };
}

function knowledgeBars(table: ReportTable | null, found: Finding[]): BarsChart | null {
  if (!table || table.rows.length < 2) return null;
  const rate = (s: string) => (s === DASH ? null : Number(s.replace('%', '')) / 100);
  const weak = new Set(
    found.filter((f) => f.target === 'knowledge_point' && f.kind === 'weakness').map((f) => f.knowledgePoint),
  );
  return {
    kind: 'bars',
    title: '各知识点得分率：本校、按本校水平的预期与联盟',
    categories: table.rows.map((r) => r[0].replace(/（.*$/, '')),
    series: [
      { name: '本校', values: table.rows.map((r) => rate(r[2])) },
      { name: '本校预期', values: table.rows.map((r) => rate(r[3])) },
      { name: '联盟', values: table.rows.map((r) => rate(r[4])) },
    ],
    yMax: 1,
    yLabel: '得分率',
    xLabel: '知识点',
    flagged: table.rows.map((r) => weak.has(r[0].replace(/（.*$/, ''))),
  };
}

/** Above this many other schools, the 横向比较 table gives their quartiles instead of a row each. */
export const PEER_ROWS = 30;

type PeerFigures = {
  summary: { mean: number; scoreRate: number; excellentRate: number | null; passRate: number | null } | null;
  relative: UnitAnalysis['relative'];
};

/** Each column's upper quartile, median and lower quartile over the schools shown (suppressed ones left out). */
export function quartileRows(schools: readonly PeerFigures[]): [string, PeerFigures][] {
  const shown = schools.filter((o) => o.summary);
  if (!shown.length) return [];
  const q = (values: (number | null | undefined)[], p: number): number | null => {
    const v = values
      .filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x))
      .sort((a, b) => a - b);
    if (!v.length) return null;
    const h = (v.length - 1) * p;
    return v[Math.floor(h)] + (v[Math.ceil(h)] - v[Math.floor(h)]) * (h - Math.floor(h));
  };
  const at = (p: number): PeerFigures => ({
    summary: {
      mean: q(
        shown.map((o) => o.summary!.mean),
        p,
      )!,
      scoreRate: q(
        shown.map((o) => o.summary!.scoreRate),
        p,
      )!,
      excellentRate: q(
        shown.map((o) => o.summary!.excellentRate),
        p,
      ),
      passRate: q(
        shown.map((o) => o.summary!.passRate),
        p,
      ),
    },
    relative: {
      aboveMeanRate: null,
      ratioToMean: null,
      tIndex: q(
        shown.map((o) => o.relative?.tIndex),
        p,
      ),
    },
  });
  return [
    ['各校上四分位', at(0.75)],
    ['各校中位数', at(0.5)],
    ['各校下四分位', at(0.25)],
  ];
}

function peerTable(
  input: SchoolReportInput,
  view: ReturnType<typeof principalView>,
  school: ViewedUnit,
): { table: ReportTable; notes: string[] } {
  const peerRow = (
    label: string,
    u: {
      n?: number;
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
    formatNumber(u.relative?.tIndex, 1),
  ];
  const aggregates: [string, AggregateView | null][] = [
    ['城区学校', view.urban],
    ['乡村学校', view.rural],
    ['联盟外对照校', view.comparison],
  ];
  const rows = [
    peerRow(`本校（${input.schoolName}）`, school),
    peerRow('联盟', view.alliance),
    ...aggregates.filter(([, u]) => u !== null && u.n > 0).map(([label, u]) => peerRow(label, u!)),
    ...(view.otherSchools.length > PEER_ROWS
      ? quartileRows(view.otherSchools).map(([label, u]) => peerRow(label, u))
      : view.otherSchools.map((o) => peerRow(o.label, o))),
  ];
  const notes = [
    view.otherSchools.length > PEER_ROWS
      ? `其他${view.otherSchools.length}所学校不逐一列出：“各校上四分位、中位数、下四分位”是它们各项指标分别排序后的位置值（每列单独计算，不是某一所学校）。`
      : '其他学校以字母代称，不显示校名和人数；字母顺序与成绩无关。',
    ...view.hidden.map(
      (h) => `${h.unit === 'urban' ? '城区学校' : h.unit === 'rural' ? '乡村学校' : '联盟外对照校'}：${h.reason}。`,
    ),
  ];
  if (view.otherSchools.some((o) => o.suppressed)) notes.push('“—”表示该单位参考人数不超过5人，不公布数据。');
  return {
    table: { header: ['单位', '参考人数', '平均分', '得分率', '优秀率', '及格率', 'T指数'], rows },
    notes,
  };
}

function vaCharts(data: StoredAnalysis, schoolId: number, examName: string): ReportChart[] {
  const pl = principalLongitudinalOf(data, data.longitudinal ?? null, [schoolId]);
  if (!pl || 'unavailable' in pl) return [];
  const own = pl.ownSchools[0];
  const rows: ForestChart['rows'] = [];
  if (own && !own.suppressed && own.va !== null && own.ciLow !== null && own.ciHigh !== null)
    rows.push({ label: '本校', own: true, estimate: own.va, low: own.ciLow, high: own.ciHigh });
  for (const o of pl.otherSchools)
    if (!o.suppressed && o.va !== null && o.ciLow !== null && o.ciHigh !== null)
      rows.push({ label: o.label, own: false, estimate: o.va, low: o.ciLow, high: o.ciHigh });
  const out: ReportChart[] = [];
  if (rows.length >= 2)
    out.push({ kind: 'forest', title: '各校增值及其95%区间（0为联盟平均）', rows, xLabel: '增值（分）' });
  if (own && own.tIndexPrior !== null && own.tIndexNow !== null) {
    const trend: TrendChart = {
      kind: 'trend',
      title: '本校T指数的变化（联盟平均为50）',
      exams: [pl.priorExamName, examName],
      series: [
        { name: '本校', values: [own.tIndexPrior, own.tIndexNow] },
        { name: '联盟平均', values: [50, 50] },
      ],
      yLabel: 'T指数',
    };
    out.push(trend);
  }
  // Value-added over the linked exams (the PDF draws a trend from three exams on; the table lists every one).
  const vt = pl.trend?.schools[0];
  if (pl.trend && vt && vt.points.some((p) => p.va !== null))
    out.push({
      kind: 'trend',
      title: '本校历次增值（0为联盟平均）',
      exams: pl.trend.exams.map((e) => e.name),
      series: [
        // The intervals are in the table below it: drawn as lines, with every point labelled, they hid the estimate.
        { name: '本校增值', values: vt.points.map((p) => p.va) },
        { name: '联盟平均', values: pl.trend.exams.map(() => 0) },
      ],
      yLabel: '增值（分）',
    });
  return out;
}

interface Built {
  section: ReportSection;
  school: ViewedUnit;
  alliance: AggregateView;
  data: StoredAnalysis;
}

function section(input: SchoolReportInput, data: StoredAnalysis): Built {
  const isTotal = data.paper.paperId === TOTAL_PAPER_ID;
  const unit = isTotal ? 'subject' : 'item';
  const view = principalView(data, [input.schoolId]);
  const own = view.ownSchools[0];
  const school: ViewedUnit = own ?? emptyUnit();
  const classes: ClassAnalysis[] = own?.classes ?? [];
  const alliance = view.alliance;
  const items = new Map<number, ItemInfo>(data.items.map((i) => [i.itemId, i]));
  const found = school.suppressed
    ? []
    : paperFindings(data.paper.subject, data.paper.fullMarks, data.items, school, alliance, unit);
  const exp = expectationInput(data.paper.subject, data.paper.fullMarks, data.items, school, alliance, unit);
  const knowledgeTable = exp && !isTotal ? groupTable(exp, 'knowledge_point', data.items) : null;
  const levelTable = exp && !isTotal ? groupTable(exp, 'cognitive_level', data.items) : null;
  const bars = itemBars(data, school, alliance, found, isTotal);
  const charts = [
    bars,
    knowledgeBars(knowledgeTable, found),
    histogram(school, alliance, data.thresholds, data.paper.fullMarks),
    ...vaCharts(data, input.schoolId, input.examName),
  ].filter((c): c is ReportChart => c !== null);
  const peers = peerTable(input, view, school);
  const intro = [
    isTotal
      ? `总分：${data.items.map((i) => i.label).join('、')}共${data.items.length}科，满分${formatNumber(data.paper.fullMarks)}分。`
      : `满分${formatNumber(data.paper.fullMarks)}分，共${data.items.length}题。`,
    `本校名单${school.roster}人，计入统计${school.n}人，缺考${school.absent}人，` +
      (school.unscanned ? `未扫描${school.unscanned}人，` : '') +
      `尚未评完${school.incomplete}人。`,
    ...(isTotal && data.subjectTotal ? [data.subjectTotal.rule] : []),
  ];
  const list = borderline(school, data.paper.fullMarks, data.thresholds, input.borderlineMargin);
  return {
    school,
    alliance,
    data,
    section: {
      heading: isTotal ? '总分与学科均衡' : data.paper.subject,
      subject: data.paper.subject,
      isTotal,
      intro,
      mainTable: mainTable(school, alliance),
      findings: findingLines(school, found, items, unit),
      findingList: found,
      charts: school.suppressed ? [] : charts,
      chartNote:
        bars && !school.suppressed ? null : `本校或联盟参考人数过少，不绘制${isTotal ? '各科' : '各题'}得分率图。`,
      knowledgeTable,
      levelTable,
      errors: isTotal ? { choice: null, subjective: null, notes: [] } : typicalErrors(data.items, school, alliance),
      borderline: borderlineLines(list),
      bandTable: bandTable(school, alliance),
      classTable: classTable(classes, school),
      classKnowledgeTable: isTotal ? null : classKnowledgeTable(classes, school),
      classNotes: classNotes(classes, data.paper.fullMarks),
      peerTable: peers.table,
      peerNotes: peers.notes,
      valueAdded: valueAddedSection(data, input.schoolId),
      loop: isTotal ? null : closingTheLoop(input, data, school, alliance),
    },
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

/** '2026年1月15日' (China Standard Time). */
export function dateText(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3600 * 1000);
  return `${cst.getUTCFullYear()}年${cst.getUTCMonth() + 1}月${cst.getUTCDate()}日`;
}

function verdictOf(input: SchoolReportInput, built: Built[]): Verdict {
  // The standing and movement are those of 总分 for a several-subject exam, else of the one paper.
  const main = built.find((b) => b.section.isTotal) ?? built[0];
  const { data, school, alliance } = main;
  const pl = principalLongitudinalOf(data, data.longitudinal ?? null, [input.schoolId]);
  const own = pl && !('unavailable' in pl) ? pl.ownSchools[0] : undefined;
  const fullOf = new Map(built.map((b) => [b.data.paper.subject, b.data.paper.fullMarks]));
  const findings = built.filter((b) => !b.section.isTotal || built.length === 1).flatMap((b) => b.section.findingList);
  const balance = built
    .filter((b) => b.section.isTotal)
    .flatMap((b) => b.section.findingList.filter((f) => f.target === 'subject'));
  return buildVerdict({
    schoolName: input.schoolName,
    subject: data.paper.subject,
    fullMarks: data.paper.fullMarks,
    n: school.n,
    suppressed: school.suppressed,
    unscanned: school.unscanned ?? 0,
    school: school.summary,
    alliance: alliance.summary,
    movement: own
      ? {
          priorExamName: pl!.priorExamName,
          suppressed: own.suppressed,
          matched: own.matched,
          va: own.va,
          ciLow: own.ciLow,
          ciHigh: own.ciHigh,
          verdict: vaVerdictOf(own),
          deltaTIndex: own.deltaTIndex,
          tIndexPrior: own.tIndexPrior,
          tIndexNow: own.tIndexNow,
        }
      : null,
    movementMissing:
      pl && 'unavailable' in pl ? `${pl.unavailable}，无法判断进退。` : data.longitudinal ? undefined : undefined,
    findings: [...findings, ...balance],
    borderline: borderline(school, data.paper.fullMarks, data.thresholds, input.borderlineMargin),
    fullMarksOf: (s) => fullOf.get(s) ?? data.paper.fullMarks,
  });
}

/**
 * The value-added method notes of every part, printed once: a sentence common to all parts as is, one that only some
 * parts have prefixed with their names (e.g. 「数学、英语：」), in the order of first appearance. No part: nothing.
 */
export function mergedMethodNotes(parts: { name: string; lines: string[] }[]): { heading: string; lines: string[] }[] {
  if (!parts.length) return [];
  const owners = new Map<string, string[]>();
  for (const p of parts)
    for (const line of p.lines) {
      const o = owners.get(line) ?? [];
      if (!o.includes(p.name)) o.push(p.name);
      owners.set(line, o);
    }
  const lines = [...owners].map(([line, o]) => (o.length === parts.length ? line : `${o.join('、')}：${line}`));
  return [{ heading: `增值评价的方法（${parts.map((p) => p.name).join('、')}）`, lines }];
}

export function buildSchoolReport(input: SchoolReportInput): SchoolReportModel {
  if (!input.analyses.length) throw new Error('no analysis to report');
  // Papers in id order, 总分 (paper id 0) last.
  const ordered = [...input.analyses].sort(
    (a, b) =>
      (a.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) - (b.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) ||
      a.paper.paperId - b.paper.paperId,
  );
  const built = ordered.map((d) => section(input, d));
  const sections = built.map((b) => b.section);
  const verdict = verdictOf(input, built);
  const findings = sections.flatMap((s) => s.findingList);
  return {
    documentTitle: `${input.examName} 学校质量诊断报告 · ${input.schoolName}`,
    examName: input.examName,
    schoolName: input.schoolName,
    dateText: dateText(input.date ?? new Date()),
    verdict,
    sections,
    // The value-added method (model, shrinkage, variances: the words a statistician checks) goes to the appendix, so
    // the sections speak plain Chinese: once for all subjects, a sentence that differs marked with its subjects.
    appendix: [
      ...methodsAppendix(ordered[0].thresholds, input.borderlineMargin),
      ...mergedMethodNotes(
        sections
          .filter((x) => x.valueAdded?.notes.length)
          .map((x) => ({ name: x.heading, lines: x.valueAdded!.notes })),
      ),
    ],
    findings,
    measures: measuresFor(verdict.leverKeys, findings, input.library ?? []),
  };
}
