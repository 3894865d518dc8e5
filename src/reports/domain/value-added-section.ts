// 纵看 part of a school report: value-added (增值) of the school, said first in one of the three statements of
// DESIGN §5 (va-statement.ts, the same words everywhere), then with its 95% CI, the shrunken estimate, the match
// rate, 提升系数 with the formula that produced it, and the warnings a principal needs before reading any of it; the
// method in plain Chinese, as stored with the analysis, goes to the notes (the methods appendix). Built through the
// principal's share, so other schools appear only by letter. Reads version 1 analyses (OLS) as they were stored.
import type { ExamAnalysisData } from '../../results/domain/exam-analysis.js';
import { SUPPRESS_AT_OR_BELOW, UNRELIABLE_BELOW } from '../../results/domain/statistics.js';
import type { VaTrend } from '../../results/domain/linked-priors.js';
import { principalLongitudinalOf, type StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import type { LongitudinalAnalysis, SchoolLongitudinal } from '../../results/domain/value-added.js';
import { type VaVerdict, vaStatement, verdictOf } from '../../results/domain/va-statement.js';
import { DASH, formatNumber, formatPercent } from './format.js';
import type { ReportTable } from './school-report.js';

/** Below this share of matched students the VA may not speak for the whole school. */
export const LOW_MATCH_RATE = 0.8;

export interface ValueAddedSection {
  intro: string[];
  /** Read these first: suppression, small group, low match rate, what the interval says. */
  warnings: string[];
  /** Own school; null when suppressed or unavailable. */
  table: ReportTable | null;
  /** Own school first, then the others by letter. */
  peerTable: ReportTable | null;
  /** The own school's value-added over the linked exams, oldest first (null: fewer than two exams with it). */
  trendTable?: ReportTable | null;
  /** Method and formulas, printed with the figures. */
  notes: string[];
}

/** 1.234 → "+1.23"; a value that rounds to zero gets no sign. */
const signed = (x: number | null | undefined, digits = 2) => {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const text = formatNumber(x, digits);
  return Number(text) > 0 ? `+${text}` : Number(text) === 0 ? formatNumber(0, digits) : text;
};
const interval = (lo: number | null | undefined, hi: number | null | undefined) =>
  lo === null || lo === undefined || hi === null || hi === undefined ? DASH : `[${signed(lo)}, ${signed(hi)}]`;

/** null when the exam is not linked to a prior exam (no 纵看 at all). */
export function valueAddedSection(
  data: ExamAnalysisData & { longitudinal?: StoredLongitudinal | null },
  schoolId: number,
): ValueAddedSection | null {
  const l = data.longitudinal;
  if (!l) return null;
  const several = 'unavailable' in l ? null : (l.priorExams ?? []).length > 1 ? l.priorExams! : null;
  // Plain words a principal reads once (issue 15): what the figure means and how to read it; the model, its
  // coefficients and σ go to the methods appendix (notes).
  const head = several
    ? `上次考试：${l.priorExamName}；增值同时参照此前${several.length}次考试（${several.map((e) => e.name).join('、')}），只算各次都参加了考试的学生。`
    : `上次考试：${l.priorExamName}。只算两次都参加了考试的学生。`;
  if ('unavailable' in l)
    return { intro: [head], warnings: [`${l.unavailable}。`], table: null, peerTable: null, notes: [] };
  const pl = principalLongitudinalOf(data, l, [schoolId]);
  if (!pl || 'unavailable' in pl) return { intro: [head], warnings: [], table: null, peerTable: null, notes: [] };
  const own: SchoolLongitudinal | undefined = pl.ownSchools[0];

  const intro = [
    head,
    '增值看的是：和联盟里上次成绩相近的学生相比，本校学生这次多考了还是少考了、差多少分。0就是联盟平均水平。',
  ];
  if (own)
    intro.push(
      `本校这次参考${own.nCurrent}人，其中${own.matched}人有上次成绩（${formatPercent(own.matchRate)}），增值按这${own.matched}人计算。`,
    );
  intro.push(
    '怎么看结论：增值后面的区间是它可能的范围。区间整段在0以上，才说“明显高于联盟平均”；整段在0以下，才说“明显低于联盟平均”；区间跨过0，差别可能只是偶然，说“与联盟平均无可分辨差别”。',
  );
  const fitted = modelLine(pl);

  const warnings: string[] = [];
  if (!own || own.suppressed) {
    warnings.push(
      `本校两次都参考的学生为${own?.matched ?? 0}人（不超过${SUPPRESS_AT_OR_BELOW}人），为保护学生个人信息并避免偶然性，不公布本校的增值数据。`,
    );
  } else {
    if (own.unreliable)
      warnings.push(
        `小样本提示：本校两次都参考的学生只有${own.matched}人（少于${UNRELIABLE_BELOW}人），增值的置信区间很宽，请以收缩后增值为主，谨慎解读。`,
      );
    if (own.matchRate !== null && own.matchRate < LOW_MATCH_RATE) {
      warnings.push(
        `本校匹配率为${formatPercent(own.matchRate)}，低于${formatPercent(LOW_MATCH_RATE)}：转入、上次缺考等未匹配学生不在增值计算内，结果未必代表全校。`,
      );
    }
    const verdict = verdictOf(own);
    if (verdict) warnings.push(VERDICT_SENTENCE[verdict](interval(own.ciLow, own.ciHigh)));
    if (own.shrinkage === null && own.va !== null) warnings.push('参与比较的学校不足2所，未作收缩估计。');
  }
  warnings.push(estimandWarning(pl));

  const table: ReportTable | null =
    own && !own.suppressed
      ? {
          header: ['指标', '本校'],
          rows: [
            ['匹配人数 / 本次参考人数', `${own.matched} / ${own.nCurrent}`],
            ['匹配率', formatPercent(own.matchRate)],
            ['上次T指数 → 本次T指数', `${formatNumber(own.tIndexPrior, 1)} → ${formatNumber(own.tIndexNow, 1)}`],
            ['T指数变化 ΔT', signed(own.deltaTIndex, 1)],
            ['比均率变化', signed(own.deltaRatio, 1)],
            ['结论', statementOf(own)],
            ['增值（分）', signed(own.va)],
            ['增值标准误', formatNumber(own.se)],
            ['增值95%置信区间', interval(own.ciLow, own.ciHigh)],
            ['收缩系数（保留的比例）', formatNumber(own.shrinkage)],
            ['收缩后增值（分）', signed(own.vaShrunk)],
            ['收缩后95%区间', interval(own.shrunkLow, own.shrunkHigh)],
            ['提升系数', formatNumber(own.improvement)],
          ],
        }
      : null;

  const peerRow = (
    label: string,
    s: {
      suppressed: boolean;
      deltaTIndex: number | null;
      va: number | null;
      ciLow: number | null;
      ciHigh: number | null;
      vaShrunk: number | null;
      improvement: number | null;
    },
  ) =>
    s.suppressed
      ? [label, DASH, DASH, DASH, DASH, DASH]
      : [
          label,
          signed(s.deltaTIndex, 1),
          signed(s.va),
          interval(s.ciLow, s.ciHigh),
          signed(s.vaShrunk),
          formatNumber(s.improvement),
        ];
  const peerTable: ReportTable | null = pl.otherSchools.length
    ? {
        // Six columns: the PDF writer lays this table out in six (the statements live in the own table and in each
        // row's `verdict`, for the forest plot and page 1).
        header: ['单位', 'ΔT', '增值', '95%置信区间', '收缩后增值', '提升系数'],
        rows: [...(own ? [peerRow('本校', own)] : []), ...pl.otherSchools.map((o) => peerRow(o.label, o))],
      }
    : null;

  const notes = [
    ...(fitted ? [fitted] : []),
    `联盟匹配${pl.matched}/${pl.nCurrent}人，匹配率${formatPercent(pl.matchRate)}。`,
    `提升系数：${pl.improvementFormula.description}。`,
    ...(pl.trend
      ? [
          '历次增值：每次考试的增值都相对该次考试的“上次考试”计算，各次的联盟平均都是0；看的是本校相对联盟的位置是否稳定，不是分数的涨落。',
        ]
      : []),
    ...methodNotes(pl),
    `${pl.method.deltas}。T指数 = 50 + 10 × (匹配学生校均分 − 联盟均分) ÷ 联盟学生标准差。`,
    `两次都参考的学生不超过${SUPPRESS_AT_OR_BELOW}人的学校不公布；少于${UNRELIABLE_BELOW}人为小样本。“—”表示不公布或无法计算。`,
  ];
  return { intro, warnings, table, peerTable, trendTable: trendTableOf(pl.trend ?? null), notes };
}

/** The own school's value-added over the linked exams, one row per exam, oldest first. */
function trendTableOf(trend: VaTrend | null): ReportTable | null {
  const own = trend?.schools[0];
  if (!trend || !own || own.points.every((p) => p.va === null)) return null;
  return {
    header: ['考试', '增值（分）', '95%置信区间', '结论'],
    rows: trend.exams.map((e, i) => {
      const p = own.points[i];
      return [
        e.name,
        signed(p.va),
        interval(p.ciLow, p.ciHigh),
        p.verdict ? vaStatement(p.verdict) : p.va === null ? '不公布或无法计算' : DASH,
      ];
    }),
  };
}

/** The statement of DESIGN §5 for a school row, or a dash when it has no value-added. */
const statementOf = (s: { verdict?: VaVerdict | null; ciLow: number | null; ciHigh: number | null }) => {
  const v = verdictOf(s);
  return v ? vaStatement(v) : DASH;
};

const VERDICT_SENTENCE: Record<VaVerdict, (ci: string) => string> = {
  above: (ci) =>
    `本校增值${vaStatement('above')}：95%置信区间${ci}整体在0以上，本次成绩高于按学生上次成绩预期的联盟水平。`,
  below: (ci) =>
    `本校增值${vaStatement('below')}：95%置信区间${ci}整体在0以下，本次成绩低于按学生上次成绩预期的联盟水平。`,
  indistinguishable: (ci) =>
    `本校增值${vaStatement('indistinguishable')}：95%置信区间${ci}包含0，与联盟平均进步幅度没有可靠差异，不宜据此排先后。`,
};

type Analysis = Omit<LongitudinalAnalysis, 'schools'>;

/** The fitted line in words: the multilevel model (version 2) or the OLS line of version 1 analyses. */
function modelLine(pl: Analysis): string | null {
  const m = pl.model;
  if (m) {
    const prior = m.priors > 1 ? '上次各项成绩' : '上次成绩';
    const within = m.slopes.map((b) => formatNumber(b, 4)).join('、');
    const intake = m.contextualSlopes.length
      ? `，本校${prior}平均每高1分，预期再${m.contextualSlopes[0] >= 0 ? '高' : '低'}${m.contextualSlopes.map((c) => formatNumber(Math.abs(c), 4)).join('、')}分（生源水平）`
      : '';
    return `联盟模型：学生${prior}每高1分，本次成绩预期高${within}分${intake}；学校间真实增值的标准差约${formatNumber(Math.sqrt(pl.tau2 ?? 0), 2)}分，校内残差标准差${formatNumber(m.sigma, 2)}分（${m.schools}所学校、${m.n}名匹配学生）。`;
  }
  const g = pl.regression;
  if (!g) return null;
  const rc = pl.reliabilityCorrection;
  const howFitted = rc?.applied
    ? `，斜率已按上次考试信度 α = ${formatNumber(rc.priorReliability, 3)} 校正测量误差（普通 OLS 斜率 ${formatNumber(rc.olsSlope, 4)}）`
    : '';
  return `联盟回归：本次成绩 = ${formatNumber(g.intercept)} + ${formatNumber(g.slope, 4)} × 上次成绩（n = ${g.n}，R² = ${formatNumber(g.r2, 3)}，残差标准差 ${formatNumber(g.residualSd)}${howFitted}）。`;
}

/** What the figure estimates, said where it is read. */
function estimandWarning(pl: Analysis): string {
  if (pl.method.estimand) return `${pl.method.estimand}。`;
  const rc = pl.reliabilityCorrection;
  return rc?.applied
    ? '增值以联盟全体学生的回归为基准，斜率已校正上次成绩的测量误差；未调整生源构成：上次成绩高的学校，其增值仍可能因同伴效应而略微偏高，上次成绩低的学校相反。'
    : `增值以联盟全体学生的回归为基准，未调整生源构成${rc && !rc.applied ? `，也未校正上次成绩的测量误差（${rc.reason}）` : ''}：上次成绩高的学校，其增值可能因上次成绩的测量误差和同伴效应而略微偏高，上次成绩低的学校相反。`;
}

/** The stored method text, in the order a reader needs it (version 1 analyses keep their own words). */
function methodNotes(pl: Analysis): string[] {
  const m = pl.method;
  const v1 = !pl.model;
  return [
    ...(m.model ? [`模型：${m.model}。`] : []),
    ...(m.estimand ? [`增值的含义：${m.estimand}。`] : []),
    ...(m.regression ? [`回归：${m.regression}。`] : []),
    ...(m.reliability ? [`${v1 ? '测量误差校正' : '上次成绩的信度'}：${m.reliability}。`] : []),
    `增值：${m.schoolVa}。`,
    `收缩：${m.shrinkage}；联盟校间真实增值方差 τ² = ${formatNumber(pl.tau2, 3)}。收缩后增值向0（联盟平均）靠拢，人数越少靠拢越多。`,
    ...(m.verdict ? [`结论：${m.verdict}。`] : []),
  ];
}
