// The bureau's and the alliance admin's overview of one exam (issue 17 §1), as plain data built from the stored
// analyses (never recomputed from scores): every school named with 三率一分 and its value-added statement; the school ×
// knowledge-point heat map of shrunk gaps against each school's own expectation (expectation.ts), flagged only where
// certain; the urban–rural gap and between-school balance (CV of school means, ICC) with their trend over the linked
// prior exams; the comparison group; pairing suggestions (城带乡、强带弱); the paper's quality. Pure.
//
// Readers: the alliance's admin and its county's bureau only (exam-disclosure.ts: 'school_comparison'), so schools
// are named and figures exact. Groups of 5 or fewer still show no figures (DESIGN §5), 6–14 are marked 小样本.
import type { ExamAnalysisData, ItemInfo, SchoolAnalysis, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import type { StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import { TOTAL_PAPER_ID } from '../../results/domain/subject-totals.js';
import { vaStatement, verdictOf, type VaVerdict } from '../../results/domain/va-statement.js';
import type { ForestChart, HeatmapChart, TrendChart } from './chart-spec.js';
import { judgeGroups, type Certainty } from './expectation.js';
import { expectationInput, itemName } from './findings.js';

/** A knowledge point the paper gives less than this share of its full marks is covered thinly. */
export const THIN_SHARE = 0.03;
/** Discrimination D below this is low (Ebel: 差). */
export const LOW_DISCRIMINATION = 0.2;
/** How many linked prior exams the trend reaches back. */
export const TREND_DEPTH = 4;

export const LOCALITY_LABEL = { urban: '城区', rural: '乡村' } as const;
export const SCHOOL_KIND_LABEL = { lead: '牵头校', member: '成员校', comparison: '对照校' } as const;

/** A stored analysis with what the results job stores beside it (纵看). */
export type OverviewAnalysis = ExamAnalysisData & { longitudinal?: StoredLongitudinal | null };

export interface OverviewInput {
  examName: string;
  /** The exam's stored analyses: one per paper and, for several subjects, the 总分 analysis (paper id 0). */
  analyses: OverviewAnalysis[];
  /** The linked prior exams (newest first), each with its stored analyses, for the trend of balance and gap. */
  priors?: { examName: string; analyses: OverviewAnalysis[] }[];
  /** The reader may see the item analysis (test quality); false leaves that section out. */
  itemAnalysis?: boolean;
}

/** Figures of one unit in a row of the school table; null figures when the group is suppressed (n ≤ 5). */
export interface OverviewRow {
  /** null for the aggregates (联盟, 城区, 乡村, 对照校). */
  schoolId: number | null;
  name: string;
  kind: 'lead' | 'member' | 'comparison' | 'aggregate';
  locality: 'urban' | 'rural' | null;
  roster: number;
  n: number;
  suppressed: boolean;
  unreliable: boolean;
  participationRate: number | null;
  mean: number | null;
  scoreRate: number | null;
  excellentRate: number | null;
  passRate: number | null;
  lowRate: number | null;
  /** 比均率 against the alliance mean. */
  ratioToMean: number | null;
  /** Value-added (points of this exam) with its 95% interval, the shrunk estimate, and the statement in words. */
  va: number | null;
  vaLow: number | null;
  vaHigh: number | null;
  vaShrunk: number | null;
  verdict: VaVerdict | null;
  statement: string | null;
}

export interface HeatCell {
  /** Shrunk gap of the school's score rate on the knowledge point from its own expectation (fraction, e.g. −0.08). */
  shrunkGap: number;
  /** The raw gap (school rate − expected rate). */
  gap: number;
  schoolRate: number;
  expectedRate: number;
  certainty: Certainty | null;
  /** Only where certain (99%) and material: 'weak' below, 'strong' above expectation. */
  flag: 'weak' | 'strong' | null;
}

export interface HeatMap {
  kind: 'heatmap';
  title: string;
  schools: { schoolId: number; name: string }[];
  knowledgePoints: string[];
  /** cells[school][knowledge point]; null where the school has no figures. */
  cells: (HeatCell | null)[][];
}

export interface BalancePoint {
  examName: string;
  /** CV of the school means (fraction); ICC(1) of the total. */
  cv: number | null;
  icc: number | null;
  /** Urban minus rural: score rate (fraction) and in alliance SDs. */
  gapRate: number | null;
  gapSd: number | null;
}

export interface Pairing {
  knowledgePoint: string;
  weak: { schoolId: number; name: string; rate: number };
  partner: { schoolId: number; name: string; rate: number };
  /** 城带乡 (an urban school helps a rural one) or 强带弱. */
  reason: '城带乡' | '强带弱';
  text: string;
}

export interface TestQuality {
  n: number;
  alpha: number | null;
  sem: number | null;
  lowDiscrimination: { itemId: number; label: string; d: number; p: number }[];
  negativeDiscrimination: { itemId: number; label: string; d: number; p: number }[];
  /** A distractor chosen more by the top 27% than the key is. */
  suspectedKeys: { itemId: number; label: string; key: string; option: string; optionTop: number; keyTop: number }[];
  thinKnowledgePoints: { knowledgePoint: string; points: number; share: number; items: number }[];
  lines: string[];
}

export interface OverviewSubject {
  paperId: number;
  subject: string;
  isTotal: boolean;
  fullMarks: number;
  /** Every school of the alliance record by name (comparison schools last), then the aggregates. */
  schools: OverviewRow[];
  aggregates: OverviewRow[];
  /** Value-added with intervals, every school named; null without a linked prior exam. */
  forest: ForestChart | null;
  vaNote: string | null;
  heatmap: HeatMap | null;
  /** The heat map as a chart (PDF and page): shrunk gaps, flags where certain. */
  heatChart: HeatmapChart | null;
  /** How to read the heat map, and what it shows in words. */
  heatNotes: string[];
  balance: { current: BalancePoint; trend: BalancePoint[]; lines: string[]; chart: TrendChart | null };
  /** Every alliance school's value-added over the linked exams (the stored 纵看 trend); null under two exams. */
  vaTrend: OverviewVaTrend | null;
  comparisonLines: string[];
  pairings: Pairing[];
  pairingNote: string;
  quality: TestQuality | null;
}

/** One school's value-added at one exam of the trend, in the words of the school report (va-statement.ts). */
export interface VaTrendCell {
  va: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  verdict: VaVerdict | null;
  /** 明显高于联盟平均 / 与联盟平均无可分辨差别 / 明显低于联盟平均, or null (suppressed or not computed). */
  statement: string | null;
}

export interface OverviewVaTrend {
  /** Exam names, oldest first, this exam last. */
  exams: string[];
  schools: { schoolId: number; name: string; points: VaTrendCell[] }[];
  /**
   * The line chart of every school's value-added (0 = the alliance); the page draws it by the school report's rule
   * (drawnVaCharts: from TREND_MIN_EXAMS exams on), and lists the table always.
   */
  chart: TrendChart;
}

export interface AllianceOverview {
  title: string;
  examName: string;
  subjects: OverviewSubject[];
  /** One line per subject: the headline. */
  summary: string[];
}

const pct = (x: number | null, digits = 1) =>
  x === null || !Number.isFinite(x) ? '—' : `${(Math.round(x * 100 * 10 ** digits) / 10 ** digits).toFixed(digits)}%`;
const pts = (x: number) => `${Math.round(x * 10) / 10}`;
const signedPct = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${pct(Math.abs(x))}`;

function unitRow(
  u: UnitAnalysis,
  meta: Pick<OverviewRow, 'schoolId' | 'name' | 'kind' | 'locality'>,
  va: StoredVa | undefined,
): OverviewRow {
  const s = u.summary;
  const verdict = va ? verdictOf(va) : null;
  return {
    ...meta,
    roster: u.roster,
    n: u.n,
    suppressed: u.suppressed,
    unreliable: u.unreliable,
    participationRate: u.participationRate ?? null,
    mean: s?.mean ?? null,
    scoreRate: s?.scoreRate ?? null,
    excellentRate: s?.excellentRate ?? null,
    passRate: s?.passRate ?? null,
    lowRate: s?.lowRate ?? null,
    ratioToMean: u.relative?.ratioToMean ?? null,
    va: va && !va.suppressed ? va.va : null,
    vaLow: va && !va.suppressed ? va.ciLow : null,
    vaHigh: va && !va.suppressed ? va.ciHigh : null,
    vaShrunk: va && !va.suppressed ? va.vaShrunk : null,
    verdict: va && !va.suppressed ? verdict : null,
    statement: va && !va.suppressed && verdict ? vaStatement(verdict) : null,
  };
}

type StoredVa = {
  schoolId: number;
  suppressed: boolean;
  va: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  vaShrunk: number | null;
  verdict?: VaVerdict | null;
};

/** The stored trend with every school named (comparison schools have no value-added). */
export function overviewVaTrend(a: OverviewAnalysis): OverviewVaTrend | null {
  const l = a.longitudinal;
  const t = l && !('unavailable' in l) ? l.trend : null;
  if (!t || t.exams.length < 2) return null;
  const names = new Map(a.schools.map((s) => [s.schoolId, s.name]));
  const schools = t.schools
    .filter((s) => names.has(s.schoolId))
    .map((s) => ({
      schoolId: s.schoolId,
      name: names.get(s.schoolId)!,
      points: s.points.map((p) => ({
        va: p.va,
        ciLow: p.ciLow,
        ciHigh: p.ciHigh,
        verdict: p.va === null ? null : p.verdict,
        statement: p.va === null || !p.verdict ? null : vaStatement(p.verdict),
      })),
    }));
  if (!schools.some((s) => s.points.some((p) => p.va !== null))) return null;
  const exams = t.exams.map((e) => e.name);
  return {
    exams,
    schools,
    chart: {
      kind: 'trend',
      title: '各校历次增值（0为联盟平均）',
      exams,
      series: [
        ...schools.map((s) => ({ name: s.name, values: s.points.map((p) => p.va) })),
        { name: '联盟平均', values: exams.map(() => 0) },
      ],
      yLabel: '增值（分）',
    },
  };
}

function vaBySchool(a: OverviewAnalysis): Map<number, StoredVa> {
  const l = a.longitudinal;
  if (!l || 'unavailable' in l) return new Map();
  return new Map(l.schools.map((s) => [s.schoolId, s]));
}

/** The forest plot of value-added: every school named, 95% intervals, ordered by estimate (highest first). */
export function overviewForest(rows: readonly OverviewRow[], subject: string): ForestChart | null {
  const drawn = rows
    .filter((r) => r.va !== null && r.vaLow !== null && r.vaHigh !== null)
    .map((r) => ({ label: r.name, own: r.verdict === 'above', estimate: r.va!, low: r.vaLow!, high: r.vaHigh! }))
    .sort((a, b) => b.estimate - a.estimate);
  if (drawn.length < 2) return null;
  return { kind: 'forest', title: `${subject}：各校增值及其95%置信区间`, rows: drawn, xLabel: '增值（分）' };
}

/**
 * The school × knowledge-point heat map. Each cell: the school's gap from its own expectation on the knowledge point,
 * shrunk towards 0 by τ²/(τ² + se²), τ² the spread of the true gaps over the schools (method of moments, floored at
 * 0), so a small school's noisy gap is not painted as boldly as a large school's sure one. Flags: certain only.
 */
export function heatMap(
  data: OverviewAnalysis,
  title = `${data.paper.subject}：各校知识点得分率与本校预期之差`,
): HeatMap | null {
  const schools = data.schools.filter((s) => s.kind !== 'comparison');
  const kps = [...new Set(data.items.flatMap((it) => it.knowledgePoints))];
  if (!kps.length || !schools.length) return null;
  type Raw = { gap: number; se: number | null; schoolRate: number; expectedRate: number; certainty: Certainty | null };
  const raw: (Map<string, Raw> | null)[] = schools.map((s) => {
    const input = expectationInput(data.paper.subject, data.paper.fullMarks, data.items, s, data.alliance, 'item');
    if (!input || s.suppressed) return null;
    const { judgements } = judgeGroups(input);
    const out = new Map<string, Raw>();
    for (const j of judgements) {
      if (j.kind !== 'knowledge_point' || j.maxScore <= 0) continue;
      const gap = j.schoolRate - j.expectedRate;
      out.set(j.key, {
        gap,
        se: j.z !== 0 ? Math.abs(gap / j.z) : null,
        schoolRate: j.schoolRate,
        expectedRate: j.expectedRate,
        certainty: j.certainty,
      });
    }
    return out;
  });
  if (raw.every((r) => r === null)) return null;
  const tau2 = new Map(
    kps.map((kp) => {
      const cells = raw.flatMap((r) => (r?.get(kp) && r.get(kp)!.se !== null ? [r.get(kp)!] : []));
      if (cells.length < 2) return [kp, 0] as const;
      const m = cells.reduce((s, c) => s + c.gap, 0) / cells.length;
      const v = cells.reduce((s, c) => s + (c.gap - m) ** 2, 0) / (cells.length - 1);
      const e = cells.reduce((s, c) => s + c.se! ** 2, 0) / cells.length;
      return [kp, Math.max(0, v - e)] as const;
    }),
  );
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    kind: 'heatmap',
    title,
    schools: schools.map((s) => ({ schoolId: s.schoolId, name: s.name })),
    knowledgePoints: kps,
    cells: raw.map((r) =>
      kps.map((kp) => {
        const c = r?.get(kp);
        if (!c) return null;
        const t = tau2.get(kp) ?? 0;
        const k = c.se === null ? 0 : t + c.se ** 2 > 0 ? t / (t + c.se ** 2) : 0;
        const flag = c.certainty === 'certain' ? (c.gap < 0 ? 'weak' : 'strong') : null;
        return {
          shrunkGap: r4(k * c.gap),
          gap: r4(c.gap),
          schoolRate: r4(c.schoolRate),
          expectedRate: r4(c.expectedRate),
          certainty: c.certainty,
          flag,
        };
      }),
    ),
  };
}

/** The heat map as drawn: schools down, knowledge points across, the shrunk gaps, flags where certain. */
export function heatChart(map: HeatMap | null): HeatmapChart | null {
  if (!map) return null;
  return {
    kind: 'heatmap',
    title: map.title,
    rows: map.schools.map((s) => s.name),
    columns: map.knowledgePoints,
    values: map.cells.map((r) => r.map((c) => (c ? c.shrunkGap : null))),
    flags: map.cells.map((r) => r.map((c) => c?.flag ?? null)),
  };
}

/** The heat map in words: how it is read, and the certain cells (or that there are none). */
export function heatNotes(map: HeatMap | null): string[] {
  if (!map) return [];
  const lines = [
    '每格为该校在该知识点的得分率与“按本校整体水平的预期”之差（百分点），按各校差异中超出抽样误差的部分收缩；红色低于预期，蓝色高于预期。',
  ];
  const cells = map.cells.flatMap((row, i) =>
    row.flatMap((c, j) => (c?.flag ? [{ school: map.schools[i].name, kp: map.knowledgePoints[j], c }] : [])),
  );
  if (!cells.length) {
    lines.push('没有“很有把握”（99%）低于或高于自身预期的格子：各校在各知识点上的表现与其整体水平相符。');
    return lines;
  }
  const say = (flag: 'weak' | 'strong') =>
    cells
      .filter((x) => x.c.flag === flag)
      .map((x) => `${x.school}·${x.kp}（${pct(x.c.schoolRate, 0)}，预期${pct(x.c.expectedRate, 0)}）`)
      .join('、');
  const weak = say('weak');
  const strong = say('strong');
  if (weak) lines.push(`很有把握低于自身预期：${weak}。`);
  if (strong) lines.push(`很有把握高于自身预期：${strong}。`);
  return lines;
}

/**
 * For each knowledge point a school is certainly weak on, a school certainly strong on it and with a higher score
 * rate there: an urban school for a rural one first (城带乡), else the strongest (强带弱); the higher rate breaks ties.
 */
export function pairings(
  map: HeatMap | null,
  schools: readonly Pick<SchoolAnalysis, 'schoolId' | 'locality' | 'kind'>[],
): Pairing[] {
  if (!map) return [];
  const info = new Map(schools.map((s) => [s.schoolId, s]));
  const out: Pairing[] = [];
  map.knowledgePoints.forEach((kp, j) => {
    const at = (i: number) => map.cells[i][j];
    const strong = map.schools.map((s, i) => ({ s, c: at(i) })).filter((x) => x.c?.flag === 'strong');
    map.schools.forEach((s, i) => {
      const c = at(i);
      if (c?.flag !== 'weak') return;
      const rural = info.get(s.schoolId)?.locality === 'rural';
      const candidates = strong
        .filter((x) => x.s.schoolId !== s.schoolId && x.c!.schoolRate > c.schoolRate)
        .map((x) => ({ ...x, urbanForRural: rural && info.get(x.s.schoolId)?.locality === 'urban' }))
        .sort(
          (a, b) =>
            Number(b.urbanForRural) - Number(a.urbanForRural) ||
            b.c!.schoolRate - a.c!.schoolRate ||
            a.s.schoolId - b.s.schoolId,
        );
      const p = candidates[0];
      if (!p) return;
      const reason = p.urbanForRural ? '城带乡' : '强带弱';
      out.push({
        knowledgePoint: kp,
        weak: { schoolId: s.schoolId, name: s.name, rate: c.schoolRate },
        partner: { schoolId: p.s.schoolId, name: p.s.name, rate: p.c!.schoolRate },
        reason,
        text:
          `知识点“${kp}”：${s.name}得分率${pct(c.schoolRate, 0)}，明显低于按其整体水平的预期（${pct(c.expectedRate, 0)}）；` +
          `${p.s.name}在该知识点明显高于自身预期（得分率${pct(p.c!.schoolRate, 0)}），建议结对（${reason}）。`,
      });
    });
  });
  return out;
}

/**
 * The words under the pairings: the rule they follow when there are some; otherwise why there are none, naming each
 * school and knowledge point that is certainly weak but found no partner (so a bureau still sees where to act).
 */
export function pairingNote(map: HeatMap | null, pairs: readonly Pairing[]): string {
  if (pairs.length)
    return '结对建议只用“很有把握”（99%）的判断：薄弱校在该知识点明显低于自身预期，结对校明显高于自身预期且得分率更高；城区校带乡村校优先。';
  const weak: string[] = [];
  map?.knowledgePoints.forEach((kp, j) =>
    map.schools.forEach((s, i) => {
      if (map.cells[i][j]?.flag === 'weak') weak.push(`${s.name}·${kp}`);
    }),
  );
  if (!weak.length) return '没有“很有把握”（99%）低于自身预期的知识点，本次不提结对建议。';
  return (
    `${weak.join('、')}很有把握低于自身预期，但没有学校在该知识点很有把握地高于自身预期且得分率更高，` +
    '本次不提结对建议；可由学科组就该知识点组织集体教研。'
  );
}

function balancePoint(examName: string, a: OverviewAnalysis): BalancePoint {
  const b = a.balance;
  return {
    examName,
    cv: b?.between?.cvOfMeans ?? null,
    icc: b?.between?.icc1 ?? null,
    gapRate: b?.urbanRural?.scoreRateGap ?? null,
    gapSd: b?.urbanRural?.sdUnits ?? null,
  };
}

function balanceSection(
  examName: string,
  a: OverviewAnalysis,
  priors: readonly { examName: string; analyses: OverviewAnalysis[] }[],
): OverviewSubject['balance'] {
  const current = balancePoint(examName, a);
  const earlier = priors.slice(0, TREND_DEPTH).flatMap((p) => {
    const match = p.analyses.find((x) =>
      a.paper.paperId === TOTAL_PAPER_ID
        ? x.paper.paperId === TOTAL_PAPER_ID
        : x.paper.subject === a.paper.subject && x.paper.paperId !== TOTAL_PAPER_ID,
    );
    return match ? [balancePoint(p.examName, match)] : [];
  });
  const trend = [...earlier.reverse(), current];
  const lines: string[] = [];
  if (current.cv !== null)
    lines.push(
      `校际均衡：各校平均分的差异系数（CV）为${pct(current.cv)}，组内相关系数（ICC）为${current.icc === null ? '—' : current.icc.toFixed(3)}` +
        `，即学生总分差异中约${pct(current.icc ?? 0, 0)}来自学校之间。`,
    );
  else lines.push('校际均衡：参与统计的学校不足两所（每校须多于5人），不计算差异系数与组内相关系数。');
  if (current.gapRate !== null)
    lines.push(
      `城乡差距：城区学校得分率${current.gapRate >= 0 ? '高于' : '低于'}乡村学校${pct(Math.abs(current.gapRate))}` +
        (current.gapSd !== null ? `（约${Math.abs(current.gapSd).toFixed(2)}个联盟标准差）` : '') +
        '。',
    );
  else lines.push('城乡差距：城区或乡村学校人数不足（须多于5人），不作比较。');
  if (trend.length >= 2) {
    const first = trend[0];
    const dir = (a: number | null, b: number | null, what: string, better: string, worse: string) =>
      a === null || b === null ? null : `${what}${b < a ? better : b > a ? worse : '持平'}（${pct(a)} → ${pct(b)}）`;
    const parts = [
      dir(first.cv, current.cv, '差异系数', '缩小', '扩大'),
      dir(
        first.gapRate === null ? null : Math.abs(first.gapRate),
        current.gapRate === null ? null : Math.abs(current.gapRate),
        '城乡得分率差距',
        '缩小',
        '扩大',
      ),
    ].filter((x): x is string => !!x);
    if (parts.length) lines.push(`与${first.examName}相比：${parts.join('；')}。`);
  }
  const chart: TrendChart | null =
    trend.length >= 2
      ? {
          kind: 'trend',
          title: '校际均衡与城乡差距的变化（%）',
          exams: trend.map((t) => t.examName),
          series: [
            { name: '差异系数CV', values: trend.map((t) => (t.cv === null ? null : t.cv * 100)) },
            { name: 'ICC', values: trend.map((t) => (t.icc === null ? null : t.icc * 100)) },
            { name: '城乡得分率差', values: trend.map((t) => (t.gapRate === null ? null : t.gapRate * 100)) },
          ],
          yLabel: '%',
        }
      : null;
  return { current, trend, lines, chart };
}

function comparisonLines(a: OverviewAnalysis): string[] {
  const c = a.comparison;
  const al = a.alliance;
  const names = a.schools.filter((s) => s.kind === 'comparison').map((s) => s.name);
  if (!names.length) return ['本次考试没有联盟外对照校。'];
  const who = `对照校（${names.join('、')}，共${c.n}人）`;
  if (c.suppressed || !c.summary || !al.summary) return [`${who}人数不足（须多于5人），不与联盟比较。`];
  const d = c.summary.scoreRate - al.summary.scoreRate;
  return [
    `${who}平均分${pts(c.summary.mean)}分，得分率${pct(c.summary.scoreRate)}，优秀率${pct(c.summary.excellentRate)}，` +
      `及格率${pct(c.summary.passRate)}，低分率${pct(c.summary.lowRate)}；联盟得分率${pct(al.summary.scoreRate)}，` +
      `对照校${d >= 0 ? '高' : '低'}${pct(Math.abs(d))}。` +
      (c.unreliable ? '（对照校人数少于15人，为小样本，仅供参考）' : ''),
    '对照校不属于联盟，不参加联盟的排名与均衡统计，仅作参照。',
  ];
}

/** Test quality over the alliance's students: α, SEM, weak items, suspected keys, thinly covered knowledge points. */
export function testQuality(a: OverviewAnalysis): TestQuality | null {
  const ia = a.itemAnalysis;
  const items = new Map(a.items.map((it) => [it.itemId, it]));
  const label = (id: number) => {
    const it = items.get(id);
    return it ? itemName(it) : `第${id}题`;
  };
  const thin = thinKnowledgePoints(a.items, a.paper.fullMarks);
  if (!ia) return null;
  const low = ia.items
    .filter((x) => x.d !== null && x.d >= 0 && x.d < LOW_DISCRIMINATION)
    .map((x) => ({ itemId: x.itemId, label: label(x.itemId), d: x.d!, p: x.p }));
  const negative = ia.items
    .filter((x) => x.d !== null && x.d < 0)
    .map((x) => ({ itemId: x.itemId, label: label(x.itemId), d: x.d!, p: x.p }));
  const suspected = ia.items.flatMap((x) => {
    const key = x.choice?.options.find((o) => o.isKey);
    // Multiple choice: a key of several options, each chosen by many; the rule is for one right option.
    if (!x.choice || !key || items.get(x.itemId)?.choice?.multiple) return [];
    const rival = x.choice.options.filter((o) => !o.isKey && o.top > key.top).sort((p, q) => q.top - p.top)[0];
    return rival
      ? [
          {
            itemId: x.itemId,
            label: label(x.itemId),
            key: key.option,
            option: rival.option,
            optionTop: rival.top,
            keyTop: key.top,
          },
        ]
      : [];
  });
  const lines: string[] = [];
  lines.push(
    `信度（${ia.reliabilityMethod === 'kr20' ? 'KR-20' : 'Cronbach α'}）${ia.alpha === null ? '—' : ia.alpha.toFixed(2)}，` +
      `测量标准误${ia.sem === null ? '—' : pts(ia.sem)}分（联盟${ia.n}名学生）。` +
      (ia.alpha !== null && ia.alpha < 0.7 ? '信度偏低，学校间的小差别不宜解读。' : ''),
  );
  if (negative.length)
    lines.push(
      `区分度为负的题目：${negative.map((x) => `${x.label}（D=${x.d.toFixed(2)}）`).join('、')}，请核查答案与评分标准。`,
    );
  if (low.length)
    lines.push(`区分度低（D<0.20）的题目：${low.map((x) => `${x.label}（D=${x.d.toFixed(2)}）`).join('、')}。`);
  for (const s of suspected)
    lines.push(
      `${s.label}疑似答案有误：高分组选${s.option}的比例（${pct(s.optionTop, 0)}）高于选答案${s.key}的比例（${pct(s.keyTop, 0)}）。`,
    );
  if (thin.length)
    lines.push(
      `覆盖分值少的知识点（不足满分的${Math.round(THIN_SHARE * 100)}%）：${thin.map((k) => `${k.knowledgePoint}（${pts(k.points)}分）`).join('、')}，其得分率不宜单独解读。`,
    );
  if (!negative.length && !low.length && !suspected.length) lines.push('没有区分度过低或疑似答案有误的题目。');
  return {
    n: ia.n,
    alpha: ia.alpha,
    sem: ia.sem,
    lowDiscrimination: low,
    negativeDiscrimination: negative,
    suspectedKeys: suspected,
    thinKnowledgePoints: thin,
    lines,
  };
}

/** Knowledge points whose items carry less than THIN_SHARE of the paper's full marks. */
export function thinKnowledgePoints(items: readonly ItemInfo[], fullMarks: number): TestQuality['thinKnowledgePoints'] {
  const by = new Map<string, { points: number; items: number }>();
  for (const it of items)
    for (const kp of it.knowledgePoints) {
      const e = by.get(kp) ?? { points: 0, items: 0 };
      e.points += it.maxScore;
      e.items += 1;
      by.set(kp, e);
    }
  return [...by.entries()]
    .filter(([, e]) => fullMarks > 0 && e.points / fullMarks < THIN_SHARE - 1e-9)
    .map(([knowledgePoint, e]) => ({
      knowledgePoint,
      points: e.points,
      share: Math.round((e.points / fullMarks) * 1e4) / 1e4,
      items: e.items,
    }));
}

function subjectOf(
  examName: string,
  a: OverviewAnalysis,
  priors: readonly { examName: string; analyses: OverviewAnalysis[] }[],
  withQuality: boolean,
): OverviewSubject {
  const isTotal = a.paper.paperId === TOTAL_PAPER_ID;
  const subject = isTotal ? '总分' : a.paper.subject;
  const va = vaBySchool(a);
  const order = (s: SchoolAnalysis) => (s.kind === 'lead' ? 0 : s.kind === 'member' ? 1 : 2);
  const schools = [...a.schools]
    .sort((x, y) => order(x) - order(y) || x.schoolId - y.schoolId)
    .map((s) =>
      unitRow(
        s,
        { schoolId: s.schoolId, name: s.name, kind: s.kind, locality: s.locality },
        s.kind === 'comparison' ? undefined : va.get(s.schoolId),
      ),
    );
  const agg = (u: UnitAnalysis, name: string) =>
    unitRow(u, { schoolId: null, name, kind: 'aggregate', locality: null }, undefined);
  const aggregates = [
    agg(a.alliance, '联盟'),
    agg(a.urban, '城区学校'),
    agg(a.rural, '乡村学校'),
    agg(a.comparison, '对照校'),
  ].filter((r) => r.roster > 0);
  const l = a.longitudinal;
  const vaNote = !l
    ? '本次考试未关联前次考试，没有增值评价。'
    : 'unavailable' in l
      ? `增值评价不可用：${l.unavailable}`
      : `增值以${l.priorExamName}为起点，为控制入口成绩后的学校效应（分）；区间不含0时才称“明显高于/低于联盟平均”。`;
  const map = isTotal ? null : heatMap(a);
  const pairs = pairings(map, a.schools);
  return {
    paperId: a.paper.paperId,
    subject,
    isTotal,
    fullMarks: a.paper.fullMarks,
    schools,
    aggregates,
    forest: overviewForest(schools, subject),
    vaNote,
    heatmap: map,
    heatChart: heatChart(map),
    heatNotes: heatNotes(map),
    balance: balanceSection(examName, a, priors),
    vaTrend: overviewVaTrend(a),
    comparisonLines: comparisonLines(a),
    pairings: pairs,
    pairingNote: isTotal ? '' : pairingNote(map, pairs),
    quality: withQuality && !isTotal ? testQuality(a) : null,
  };
}

function headline(s: OverviewSubject): string {
  const above = s.schools.filter((r) => r.verdict === 'above').map((r) => r.name);
  const below = s.schools.filter((r) => r.verdict === 'below').map((r) => r.name);
  const al = s.aggregates[0];
  const parts = [
    `${s.subject}：联盟${al.n}人，平均分${al.mean === null ? '—' : pts(al.mean)}分，得分率${pct(al.scoreRate)}`,
  ];
  if (above.length || below.length)
    parts.push(
      [
        above.length ? `增值明显高于联盟平均：${above.join('、')}` : '',
        below.length ? `明显低于：${below.join('、')}` : '',
      ]
        .filter(Boolean)
        .join('；'),
    );
  if (s.balance.current.gapRate !== null) parts.push(`城乡得分率差${signedPct(s.balance.current.gapRate)}`);
  if (s.pairings.length) parts.push(`结对建议${s.pairings.length}条`);
  return parts.join('；') + '。';
}

/** The whole overview: one section per paper (and 总分), each school named. */
export function buildAllianceOverview(input: OverviewInput): AllianceOverview {
  const analyses = [...input.analyses].sort(
    (a, b) =>
      Number(a.paper.paperId === TOTAL_PAPER_ID) - Number(b.paper.paperId === TOTAL_PAPER_ID) ||
      a.paper.paperId - b.paper.paperId,
  );
  const subjects = analyses.map((a) => subjectOf(input.examName, a, input.priors ?? [], input.itemAnalysis !== false));
  return {
    title: `${input.examName} 联盟质量分析总览`,
    examName: input.examName,
    subjects,
    summary: subjects.map(headline),
  };
}
