// Extended per-unit and between-school figures for the stored analysis (issue 5 §2). Pure; rounded for storage.
import { type Interval, wilsonInterval } from './intervals.js';
import {
  analyseItemColumns,
  analyseItems,
  type EbelRating,
  type ItemAnalysis,
  type ItemAnalysisItem,
} from './item-analysis.js';
import {
  type BalanceFigures,
  cents,
  competitionRanks,
  groupReliability,
  knowledgePointRates,
  rateCounts,
  round,
  schoolBalance,
  type Thresholds,
  urbanRuralGap,
} from './statistics.js';

const r4 = (x: number) => round(x, 4);
const r4n = (x: number | null) => (x === null ? null : round(x, 4));
const rInterval = (i: Interval): Interval => ({ low: r4(i.low), high: r4(i.high) });

/** Alliance top-N cut-offs whose per-school head counts are stored (competition ranks, ties included). */
export const TOP_N = [10, 50, 100] as const;

export const STATISTICS_METHOD = {
  sd: '标准差为总体标准差（除以 N）',
  rates: '优秀率、及格率（累计）、低分率的 95% 置信区间为 Wilson 区间（不作连续性校正）',
  discrimination: '区分度 D = (总分前 27% 学生该题均分 − 后 27% 学生该题均分) ÷ 该题满分；组边界同分者平分剩余名额',
  reliability: "信度为 Cronbach's α（各题均为 0/1 计分时即 KR-20）；测量标准误 SEM = 总分总体标准差 × √(1 − α)",
  ebel: 'Ebel 标准：D ≥ 0.40 很好，0.30–0.39 良好，0.20–0.29 尚可，< 0.20 差；D < 0 疑似答案有误',
  balance:
    '校际均衡：校均分变异系数 = 校均分总体标准差 ÷ 校均分平均（各校等权，仅 n > 5 的学校）；组内相关 ICC(1) 由单因素方差分析 (MSB − MSW)/(MSB + (n₀ − 1)·MSW) 求得，可为负，不截断',
  knowledgePoints: '知识点得分率 = 该知识点各题均分之和 ÷ 各题满分之和（按满分加权）',
  topN: '联盟前 N 名按并列排名（1224）计，边界同分者全部计入',
} as const;

export interface RateIntervals {
  excellent: Interval;
  pass: Interval;
  low: Interval;
}

export interface UnitExtras {
  rateIntervals: RateIntervals;
  /** Students with full marks (the full-mark band). */
  fullMarkCount: number;
  knowledgePoints: { knowledgePoint: string; itemCount: number; maxScore: number; scoreRate: number }[];
}

/** Wilson intervals of the three rates, the full-mark count and knowledge-point rates of one unit. */
export function unitExtras(
  totals: readonly number[],
  fullMarks: number,
  thresholds: Thresholds,
  items: readonly { maxScore: number; knowledgePoints: readonly string[]; mean: number }[],
): UnitExtras {
  const c = rateCounts(totals, fullMarks, thresholds);
  const full = cents(fullMarks);
  return {
    rateIntervals: {
      excellent: rInterval(wilsonInterval(c.excellent, c.n)),
      pass: rInterval(wilsonInterval(c.pass, c.n)),
      low: rInterval(wilsonInterval(c.low, c.n)),
    },
    fullMarkCount: totals.filter((x) => cents(x) >= full).length,
    knowledgePoints: knowledgePointRates(items).map((k) => ({ ...k, scoreRate: r4(k.scoreRate) })),
  };
}

export interface StoredItemStatistics {
  itemId: number;
  mean: number;
  sd: number;
  p: number;
  d: number | null;
  ebel: EbelRating | null;
  possibleWrongKey: boolean;
  rDrop: number | null;
  alphaIfDeleted: number | null;
  choice: {
    n: number;
    options: { option: string; isKey: boolean; all: number; top: number; bottom: number }[];
    blank: { all: number; top: number; bottom: number };
    multiple: { all: number; top: number; bottom: number } | null;
  } | null;
}

export interface StoredItemAnalysis {
  n: number;
  groupSize: number;
  reliabilityMethod: ItemAnalysis['reliabilityMethod'];
  alpha: number | null;
  sem: number | null;
  items: StoredItemStatistics[];
}

const rShare = (s: { all: number; top: number; bottom: number }) => ({
  all: r4(s.all),
  top: r4(s.top),
  bottom: r4(s.bottom),
});

/** Item analysis of one unit, rounded to 4 decimals for storage; null when the unit is suppressed (n ≤ 5) or the paper has no items. */
export function storedItemAnalysis(
  items: readonly ItemAnalysisItem[],
  scores: readonly (readonly number[])[],
  marked?: readonly (readonly (string | null | undefined)[])[],
): StoredItemAnalysis | null {
  if (!items.length || groupReliability(scores.length) === 'suppressed') return null;
  return storedOf(analyseItems({ items, scores, marked }));
}

/** The same from columns: cols[j] holds item j's score of each of n students, marks[j] their marks (or null). */
export function storedItemAnalysisColumns(
  items: readonly ItemAnalysisItem[],
  n: number,
  cols: readonly Float64Array[],
  marks: readonly (readonly (string | null | undefined)[] | null)[] | null,
): StoredItemAnalysis | null {
  if (!items.length || groupReliability(n) === 'suppressed') return null;
  return storedOf(analyseItemColumns({ items, cols, marks }));
}

function storedOf(a: ItemAnalysis): StoredItemAnalysis {
  return {
    n: a.n,
    groupSize: a.groupSize,
    reliabilityMethod: a.reliabilityMethod,
    alpha: r4n(a.alpha),
    sem: r4n(a.sem),
    items: a.items.map((x) => ({
      itemId: x.itemId,
      mean: r4(x.mean),
      sd: r4(x.sd),
      p: r4(x.p),
      d: r4n(x.d),
      ebel: x.ebel,
      possibleWrongKey: x.possibleWrongKey,
      rDrop: r4n(x.rDrop),
      alphaIfDeleted: r4n(x.alphaIfDeleted),
      choice: x.choice && {
        n: x.choice.n,
        options: x.choice.options.map((o) => ({ option: o.option, isKey: o.isKey, ...rShare(o) })),
        blank: rShare(x.choice.blank),
        multiple: x.choice.multiple && rShare(x.choice.multiple),
      },
    })),
  };
}

export interface StoredBalance {
  /** Alliance schools with n > 5 that enter the figures. */
  schoolIds: number[];
  between: Pick<
    BalanceFigures,
    'schools' | 'n' | 'meanOfMeans' | 'sdOfMeans' | 'cvOfMeans' | 'msBetween' | 'msWithin' | 'n0' | 'icc1' | 'eta2'
  > | null;
  /** Urban minus rural alliance schools; null unless both sides have more than 5 students. */
  urbanRural: { meanGap: number; scoreRateGap: number; sdUnits: number | null } | null;
}

/** 横比 of the alliance: between-school balance and the urban–rural gap. */
export function allianceBalance(
  schools: readonly { schoolId: number; totals: readonly number[] }[],
  urban: { n: number; mean: number | null },
  rural: { n: number; mean: number | null },
  fullMarks: number,
  allianceSd: number | null,
): StoredBalance {
  const used = schools.filter((s) => groupReliability(s.totals.length) !== 'suppressed');
  const b = schoolBalance(used.map((s) => s.totals));
  const gapOk =
    urban.mean !== null &&
    rural.mean !== null &&
    groupReliability(urban.n) !== 'suppressed' &&
    groupReliability(rural.n) !== 'suppressed';
  const gap = gapOk ? urbanRuralGap(urban.mean as number, rural.mean as number, fullMarks, allianceSd ?? 0) : null;
  return {
    schoolIds: used.map((s) => s.schoolId).sort((x, y) => x - y),
    between: b && {
      schools: b.schools,
      n: b.n,
      meanOfMeans: r4(b.meanOfMeans),
      sdOfMeans: r4(b.sdOfMeans),
      cvOfMeans: r4n(b.cvOfMeans),
      msBetween: r4(b.msBetween),
      msWithin: r4(b.msWithin),
      n0: r4(b.n0),
      icc1: r4n(b.icc1),
      eta2: r4n(b.eta2),
    },
    urbanRural: gap && { meanGap: r4(gap.meanGap), scoreRateGap: r4(gap.scoreRateGap), sdUnits: r4n(gap.sdUnits) },
  };
}

/** Per school, its students among the alliance top N for each cut-off in TOP_N. */
export function topNBySchool(
  students: readonly { schoolId: number; total: number }[],
): Map<number, { topN: number; count: number }[]> {
  const out = new Map<number, { topN: number; count: number }[]>();
  for (const s of students) out.set(s.schoolId, []);
  if (!students.length) return out;
  // One ranking for every cut-off (same rule as topNCounts: rank ≤ N, ties included).
  const ranks = competitionRanks(students.map((s) => s.total));
  for (const n of TOP_N) {
    const bySchool = new Map<number, number>();
    students.forEach((s, i) => {
      if (ranks[i] <= n) bySchool.set(s.schoolId, (bySchool.get(s.schoolId) ?? 0) + 1);
    });
    for (const [schoolId, list] of out) list.push({ topN: n, count: bySchool.get(schoolId) ?? 0 });
  }
  return out;
}
