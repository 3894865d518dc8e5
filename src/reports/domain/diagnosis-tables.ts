// The tables of a paper's diagnosis (issue 14 §3–6): knowledge points and cognitive levels against the school's own
// expectation, 典型错误, 临界生, 班级对比. Pure: the stored analysis (through the principal's view) in, tables out.
import type { ClassAnalysis, ItemInfo, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import type { AggregateView, ViewedUnit } from '../../results/domain/principal-view.js';
import type { Thresholds } from '../../results/domain/statistics.js';
import { CERTAINTY_WORDS, judgeGroups, type ExpectationInput } from './expectation.js';
import { itemName } from './findings.js';
import { DASH, formatNumber, formatPercent, signedPoints, wholePercent } from './format.js';

export interface ReportTable {
  header: string[];
  rows: string[][];
}

type Unit = ViewedUnit;

const verdictWord = (gap: number, certainty: string | null) =>
  certainty === null || certainty === 'possible'
    ? '相称'
    : gap < 0
      ? `偏低（${CERTAINTY_WORDS[certainty as 'certain']}）`
      : `偏高（${CERTAINTY_WORDS[certainty as 'certain']}）`;

/**
 * Knowledge points (or, with kind 'cognitive_level', levels) of one paper: school, expected at its own level, alliance,
 * the gap in points of mean score, and the verdict. Items without a knowledge point appear as themselves (label + type).
 */
export function groupTable(
  input: ExpectationInput,
  kind: 'knowledge_point' | 'cognitive_level',
  items: readonly ItemInfo[],
): ReportTable | null {
  const { judgements } = judgeGroups(input);
  const rows = judgements.filter((j) => j.kind === kind);
  const loose =
    kind === 'knowledge_point'
      ? judgements.filter((j) => {
          if (j.kind !== 'item') return false;
          const it = items.find((x) => x.itemId === j.itemIds[0]);
          return !!it && !it.knowledgePoints.some((k) => k.trim());
        })
      : [];
  if (!rows.length && !loose.length) return null;
  const label = (j: (typeof judgements)[number]) => {
    if (j.kind === 'item') {
      const it = items.find((x) => x.itemId === j.itemIds[0]);
      return it ? `${itemName(it)}（无知识点）` : j.key;
    }
    const labels = j.itemIds.map((id) => items.find((x) => x.itemId === id)?.label).filter(Boolean);
    return `${j.key}（${labels.join('、')}题）`;
  };
  return {
    header: [
      kind === 'knowledge_point' ? '知识点（题号）' : '认知层次（题号）',
      '满分',
      '本校',
      '本校预期',
      '联盟',
      '差（分）',
      '判断',
    ],
    rows: [...rows, ...loose].map((j) => [
      label(j),
      formatNumber(j.maxScore),
      wholePercent(j.schoolRate),
      wholePercent(j.expectedRate),
      wholePercent(j.allianceRate),
      signedPoints(j.gapPoints),
      verdictWord(j.gapPoints, j.certainty),
    ]),
  };
}

/** Share among the alliance's other schools: (alliance share × n_A − school share × n_S) ÷ (n_A − n_S). */
export function othersShare(alliance: number, nAlliance: number, school: number, nSchool: number): number | null {
  if (nAlliance - nSchool <= 0) return null;
  return Math.min(1, Math.max(0, (alliance * nAlliance - school * nSchool) / (nAlliance - nSchool)));
}

export interface TypicalErrors {
  choice: ReportTable | null;
  subjective: ReportTable | null;
  /** The striking ones in a sentence each: '第6题（答案B）：本校24%选C，联盟其他学校11%。' */
  notes: string[];
}

/** A wrong option chosen this much more often (share points) than in the other schools is named in a note. */
export const STRIKING_OPTION_GAP = 0.08;

/** 典型错误 of one paper: option shares on choice items, zero and full-mark shares on the others. */
/** At most this many choice items in the 典型错误 table (those the school does worst on against the others). */
export const CHOICE_ROWS = 8;

export function typicalErrors(items: readonly ItemInfo[], school: Unit, alliance: Unit): TypicalErrors {
  const none = { choice: null, subjective: null, notes: [] };
  if (!school.detail || !alliance.detail || !school.items || !alliance.items) return none;
  const choiceRows: { gap: number; cells: string[] }[] = [];
  const subjRows: string[][] = [];
  const notes: string[] = [];
  items.forEach((it, j) => {
    const sd = school.detail!.items[j];
    const ad = alliance.detail!.items[j];
    if (!sd || !ad) return;
    if (it.choice && sd.options && ad.options && sd.markedN && ad.markedN) {
      const wrong = sd.options
        .filter((o) => !o.isKey)
        .map((o) => {
          const a = ad.options!.find((x) => x.option === o.option)?.share ?? 0;
          return { option: o.option, school: o.share, others: othersShare(a, ad.markedN!, o.share, sd.markedN!) };
        })
        .sort((x, y) => y.school - x.school);
      const top = wrong[0];
      const rate = school.items![j].scoreRate;
      const others = othersShare(alliance.items![j].scoreRate, alliance.n, rate, school.n);
      choiceRows.push({
        gap: others === null ? 0 : others - rate,
        cells: [
          itemName(it),
          it.choice.key,
          wholePercent(rate),
          others === null ? DASH : wholePercent(others),
          top && top.school > 0 ? `${top.option}（${wholePercent(top.school)}）` : DASH,
          top && top.others !== null ? wholePercent(top.others) : DASH,
        ],
      });
      if (top && top.others !== null && top.school - top.others >= STRIKING_OPTION_GAP)
        notes.push(
          `${itemName(it)}（答案${it.choice.key}）：本校${wholePercent(top.school)}选${top.option}，联盟其他学校${wholePercent(top.others)}。`,
        );
    } else {
      const zeroOthers = othersShare(ad.zeroShare, alliance.n, sd.zeroShare, school.n);
      const fullOthers = othersShare(ad.fullShare, alliance.n, sd.fullShare, school.n);
      subjRows.push([
        itemName(it),
        formatNumber(it.maxScore),
        wholePercent(school.items![j].scoreRate),
        wholePercent(sd.zeroShare),
        zeroOthers === null ? DASH : wholePercent(zeroOthers),
        wholePercent(sd.fullShare),
        fullOthers === null ? DASH : wholePercent(fullOthers),
      ]);
      if (zeroOthers !== null && sd.zeroShare - zeroOthers >= STRIKING_OPTION_GAP)
        notes.push(
          `${itemName(it)}：本校${wholePercent(sd.zeroShare)}的学生得0分，联盟其他学校${wholePercent(zeroOthers)}；${distributionText(sd.distribution)}。`,
        );
    }
  });
  // The choice items where the school's correct rate is below the other schools', largest gap first, at most
  // CHOICE_ROWS of them: the table is about errors, and a paper of 16 choice items would otherwise fill a page.
  const lagging = choiceRows
    .map((r, i) => ({ ...r, i }))
    .filter((r) => r.gap > 0)
    .sort((a, b) => b.gap - a.gap || a.i - b.i)
    .slice(0, CHOICE_ROWS)
    .sort((a, b) => a.i - b.i);
  return {
    choice: lagging.length
      ? {
          header: ['题目', '答案', '本校正确率', '其他学校', '本校最多错选', '其他学校选该项'],
          rows: lagging.map((r) => r.cells),
        }
      : null,
    subjective: subjRows.length
      ? { header: ['题目', '满分', '本校得分率', '本校零分率', '其他学校', '本校满分率', '其他学校'], rows: subjRows }
      : null,
    notes,
  };
}

/** '本校得分分布：0分24%，1分30%，2分46%' from whole-point shares. */
function distributionText(dist: number[]): string {
  return `本校得分分布：${dist.map((s, k) => `${k}分${wholePercent(s)}`).join('，')}`;
}

export interface Borderline {
  threshold: 'pass' | 'excellent';
  name: '及格' | '优秀';
  line: number;
  margin: number;
  count: number;
  /** The rate now and if every one of them crossed the line. */
  rateNow: number;
  rateIf: number;
}

/** Default 临界生 margin as a share of full marks (5 points on a 100-point paper). */
export const BORDERLINE_MARGIN = 0.05;

/**
 * 临界生: students whose total lies within `margin` (a share of full marks) below the 及格 and 优秀 lines, from the
 * school's whole-point counts (so the margin is counted in whole points below the line). Counts only: names belong
 * to the teachers' class lists.
 */
export function borderline(school: Unit, fullMarks: number, t: Thresholds, margin = BORDERLINE_MARGIN): Borderline[] {
  const counts = school.detail?.totalCounts;
  if (!counts || !school.summary || school.suppressed) return [];
  const m = Math.max(1, Math.round(margin * fullMarks));
  return (
    [
      ['pass', '及格', t.pass, school.summary.passRate],
      ['excellent', '优秀', t.excellent, school.summary.excellentRate],
    ] as const
  ).map(([threshold, name, ratio, rateNow]) => {
    const line = ratio * fullMarks;
    // Whole-point bins [k, k+1) lying wholly in [line − m, line).
    let count = 0;
    for (let k = Math.ceil(line - m); k + 1 <= line + 1e-9; k++) if (k >= 0 && k < counts.length) count += counts[k];
    return { threshold, name, line, margin: m, count, rateNow, rateIf: Math.min(1, rateNow + count / school.n) };
  });
}

export function borderlineLines(list: Borderline[]): string[] {
  return list.map(
    (b) =>
      `${b.name}线（${formatNumber(b.line)}分）下${b.margin}分以内有${b.count}人` +
      (b.count
        ? `：若他们都达到${b.name}线，本校${b.name}率将从${wholePercent(b.rateNow)}升到${wholePercent(b.rateIf)}（+${Math.round((b.rateIf - b.rateNow) * 100)}个百分点）。`
        : '。'),
  );
}

/** 班级对比: every class of the school with 三率一分 and its difference from the school; small classes flagged. */
export function classTable(classes: readonly ClassAnalysis[], school: Unit): ReportTable | null {
  if (classes.length < 2) return null;
  const sMean = school.summary?.mean;
  return {
    header: ['班级', '人数', '平均分', '与全校差', '优秀率', '及格率', '低分率', '说明'],
    rows: classes.map((c) => {
      const s = c.summary;
      return [
        c.name,
        String(c.n),
        formatNumber(s?.mean),
        s && sMean !== undefined ? signedPoints(s.mean - sMean, 2) : DASH,
        formatPercent(s?.excellentRate),
        formatPercent(s?.passRate),
        formatPercent(s?.lowRate),
        c.suppressed ? '人数≤5，不公布' : c.unreliable ? '小样本，仅供参考' : '',
      ];
    }),
  };
}

/** Knowledge-point score rates per class (classes as columns), with the school's. */
export function classKnowledgeTable(classes: readonly ClassAnalysis[], school: Unit): ReportTable | null {
  const kps = school.knowledgePoints ?? [];
  if (classes.length < 2 || !kps.length) return null;
  return {
    header: ['知识点', '全校', ...classes.map((c) => c.name)],
    rows: kps.map((k) => [
      k.knowledgePoint,
      wholePercent(k.scoreRate),
      ...classes.map((c) => {
        const x = c.knowledgePoints?.find((y) => y.knowledgePoint === k.knowledgePoint);
        return x && !c.suppressed ? wholePercent(x.scoreRate) : DASH;
      }),
    ]),
  };
}

/**
 * A wide table cut into tables of at most `perTable` columns after the first `keep` (repeated in each), so a school
 * of many classes prints readable columns on a page's width instead of 24 squeezed ones. Rows are kept whole.
 */
export function columnChunks(table: ReportTable, keep: number, perTable: number): ReportTable[] {
  const rest = table.header.length - keep;
  if (rest <= perTable) return [table];
  // Even chunks (24 → 6+6+6+6, 13 → 7+6), not a full run and a stub.
  const count = Math.ceil(rest / perTable);
  const out: ReportTable[] = [];
  for (let i = 0, from = keep; i < count; i++) {
    const size = Math.ceil((table.header.length - from) / (count - i));
    const cols = (r: string[]) => [...r.slice(0, keep), ...r.slice(from, from + size)];
    out.push({ header: cols(table.header), rows: table.rows.map(cols) });
    from += size;
  }
  return out;
}

/** Classes that differ clearly: the gap between the best and weakest class mean, when beyond noise. */
export function classNotes(classes: readonly ClassAnalysis[], fullMarks: number): string[] {
  const shown = classes.filter((c) => c.summary && !c.suppressed);
  if (shown.length < 2) return [];
  const sorted = [...shown].sort((a, b) => b.summary!.mean - a.summary!.mean);
  const hi = sorted[0];
  const lo = sorted[sorted.length - 1];
  const gap = hi.summary!.mean - lo.summary!.mean;
  const se = Math.sqrt(hi.summary!.sd ** 2 / hi.n + lo.summary!.sd ** 2 / lo.n);
  if (se <= 0 || gap / se < 1.96 || gap < 0.03 * fullMarks) return ['各班平均分的差别在偶然波动范围内。'];
  return [
    `${hi.name}与${lo.name}平均分相差${formatNumber(gap, 1)}分，及格率分别为${wholePercent(hi.summary!.passRate)}和${wholePercent(lo.summary!.passRate)}，差别超出偶然波动：建议同科教师交流教法、共同备课。`,
  ];
}
