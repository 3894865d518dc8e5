// 纵看 and value-added (增值评价), DESIGN §5 and issue 5 §2. Pure: plain numbers in, plain numbers out.
//
// Estimator, stated once so every output can carry it:
//  - Link: a student counts when they have a complete total on this exam and a total on the prior exam
//    (same student id) and sit in an alliance school (comparison schools are never part of the alliance).
//  - Regression: OLS of this exam's total on the prior total over all matched alliance students:
//    y = a + b·x + e. Residual e_i = y_i − a − b·x_i. The prior total measures ability with error, which flattens b
//    by the prior's reliability ρ and credits schools with a high prior mean with VA they did not earn (rural
//    schools lose it). When ρ is known (the prior exam was marked here: its stored α/KR-20; for 总分 the stratified
//    α of its subjects) and ρ ≥ 0.6, b is
//    replaced by b/ρ and a by ȳ − (b/ρ)·x̄ (errors-in-variables correction); imported priors have no items, no ρ.
//  - School VA_j = mean residual of its matched students. SE_j = s_w/√n_j with s_w the pooled within-school SD
//    of the residuals (every matched alliance school with 2+ students, df = Σ(n_j − 1)); 95% CI =
//    VA_j ± t(0.975, df)·SE_j. A school's own spread is not used: a small school whose few residuals happen to
//    agree would get a tiny SE, hardly any shrinkage and an extreme 提升系数 — over-confidence exactly where the
//    data are thinnest.
//  - Empirical Bayes: VA_j* = λ_j·VA_j with λ_j = τ²/(τ² + SE_j²); τ² by the method of moments over the
//    J reported schools around the shrinkage target 0 (the alliance: residuals of all matched students sum to 0):
//    τ² = max(0, ΣVA_j²/(J − 1) − mean(SE_j²)). J − 1: the fitted intercept ties the VAs together (Σ n_j·VA_j = 0),
//    so with equal school sizes this is the usual variance about their mean. With unequal sizes the unweighted mean
//    of the VAs drifts off 0 (a big school near 0, small ones leaning one way); measuring the spread about that
//    mean, as before, understated τ² and then shrank toward 0 harder than the data asked. Posterior SD = √λ_j·SE_j,
//    EB interval = VA_j* ± 1.96·√λ_j·SE_j (an average-coverage interval, not a per-school one).
//  - ΔZ, Δ比均率, ΔT-index are computed on the matched students only, so a change of who sat the exam does
//    not pass for progress. Z_j = (school mean − alliance mean)/alliance SD (population SD), T = 50 + 10·Z.
//  - 提升系数 by a named formula carried in the output (default VA/SE).
import { groupReliability } from './statistics.js';

export type ImprovementFormulaName = 'va_over_se' | 'ratio_change';

export const IMPROVEMENT_FORMULAS: Record<ImprovementFormulaName, string> = {
  va_over_se: '提升系数 = 增值 ÷ 增值标准误（VA/SE）',
  ratio_change: '提升系数 = 本次比均率 ÷ 上次比均率（比均率ₜ/比均率ₜ₋₁）',
};

export const VA_METHOD = {
  regression: 'OLS：本次总分对上次总分回归，联盟内全部匹配学生',
  reliability:
    '上次成绩有测量误差，普通回归的斜率偏小，会使上次成绩高的学校增值偏高、低的学校偏低。上次考试若在本系统评阅、信度 α ≥ 0.6（总分用各科 α 合成的分层 α），斜率除以 α 予以校正（截距使残差之和仍为 0）；导入的历史成绩没有逐题数据、无法计算 α，按普通 OLS',
  schoolVa: '学校增值 = 本校匹配学生残差均值；标准误 = 各校合并的校内残差标准差 ÷ √本校匹配人数；95%置信区间用 t 分布',
  shrinkage:
    '经验贝叶斯收缩：λ = τ²/(τ² + SE²)，τ² 用矩估计 max(0, 各校增值平方的均值 − SE²均值)（围绕联盟平均 0 计算，与收缩目标一致）',
  deltas: 'ΔZ、Δ比均率、ΔT 指数只按两次都参考的匹配学生计算',
};

export interface LinkInput {
  /** Alliance schools (lead + member), in report order. */
  schools: readonly { schoolId: number }[];
  /** Complete students of this exam in alliance schools. */
  current: readonly { studentId: number; schoolId: number; total: number }[];
  /** Prior exam totals of students who sat it (absent students left out). */
  prior: ReadonlyMap<number, number>;
  formula?: ImprovementFormulaName;
  /**
   * Reliability (α / KR-20) of the prior exam's totals over the alliance, when it is known. At or above
   * RELIABILITY_CORRECTION_MIN the OLS slope is divided by it (errors-in-variables correction of the attenuation).
   */
  priorReliability?: number | null;
}

/** Below this the prior is too unreliable for the correction (dividing by it would inflate the slope wildly). */
export const RELIABILITY_CORRECTION_MIN = 0.6;

/** The slope correction that was applied, or why none was. */
export type ReliabilityCorrection =
  | { applied: true; priorReliability: number; olsSlope: number }
  | { applied: false; priorReliability: number | null; reason: string };

export interface Regression {
  n: number;
  intercept: number;
  slope: number;
  /** √(SSR/(n − 2)). */
  residualSd: number;
  r2: number;
}

export interface SchoolLongitudinal {
  schoolId: number;
  /** Complete students this exam. */
  nCurrent: number;
  /** Of those, students with a prior score. */
  matched: number;
  matchRate: number | null;
  suppressed: boolean;
  unreliable: boolean;
  zPrior: number | null;
  zNow: number | null;
  deltaZ: number | null;
  ratioPrior: number | null;
  ratioNow: number | null;
  deltaRatio: number | null;
  tIndexPrior: number | null;
  tIndexNow: number | null;
  deltaTIndex: number | null;
  va: number | null;
  se: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** λ_j: share of the raw VA kept after shrinkage. */
  shrinkage: number | null;
  vaShrunk: number | null;
  shrunkLow: number | null;
  shrunkHigh: number | null;
  improvement: number | null;
}

export interface LongitudinalAnalysis {
  version: 1;
  method: typeof VA_METHOD;
  improvementFormula: { name: ImprovementFormulaName; description: string };
  /** Complete alliance students this exam / those matched to a prior score. */
  nCurrent: number;
  matched: number;
  matchRate: number | null;
  /** The line the residuals are taken from: OLS, or OLS with its slope corrected for the prior's unreliability. */
  regression: Regression | null;
  /** Absent from analyses stored before the correction existed (they used OLS). */
  reliabilityCorrection?: ReliabilityCorrection;
  /** Between-school variance of true VA (method of moments); null when fewer than 2 schools report. */
  tau2: number | null;
  schools: SchoolLongitudinal[];
}

const r4 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

/** t quantile at 0.975 (Cornish–Fisher expansion around z = 1.959964; error < 1e-3 for df ≥ 3). */
export function t975(df: number): number {
  if (df <= 0) return Infinity;
  if (df === 1) return 12.7062;
  if (df === 2) return 4.3027;
  const z = 1.959963985;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4)
  );
}

/** Ordinary least squares of y on x. Null when there are fewer than 3 points or x does not vary. */
export function olsFit(x: ArrayLike<number>, y: ArrayLike<number>): Regression | null {
  const n = x.length;
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssr = Math.max(0, syy - slope * sxy);
  return { n, intercept, slope, residualSd: Math.sqrt(ssr / (n - 2)), r2: syy === 0 ? 1 : 1 - ssr / syy };
}

/**
 * Errors-in-variables correction: the prior total measures ability with error, which flattens the OLS slope by the
 * prior's reliability ρ; slope/ρ undoes that, and the intercept keeps the line through the means (residuals still sum
 * to 0). Residual SD and R² are those of the corrected line. Without a usable ρ the OLS line is returned as it is.
 */
export function correctForReliability(
  ols: Regression | null,
  x: readonly number[],
  y: readonly number[],
  reliability: number | null,
): { fit: Regression | null; correction: ReliabilityCorrection } {
  if (reliability === null || !Number.isFinite(reliability))
    return {
      fit: ols,
      correction: {
        applied: false,
        priorReliability: null,
        reason: '上次考试的信度未知（如导入的历史成绩），按普通 OLS',
      },
    };
  if (!ols)
    return {
      fit: ols,
      correction: { applied: false, priorReliability: reliability, reason: '匹配学生太少，无法回归' },
    };
  if (reliability < RELIABILITY_CORRECTION_MIN || reliability >= 1) {
    return {
      fit: ols,
      correction: {
        applied: false,
        priorReliability: reliability,
        reason: `上次考试信度 α = ${reliability.toFixed(2)}，不在可校正范围 [${RELIABILITY_CORRECTION_MIN}, 1) 内，按普通 OLS`,
      },
    };
  }
  const n = x.length;
  const avg = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / n;
  const my = avg(y);
  const slope = ols.slope / reliability;
  const intercept = my - slope * avg(x);
  let ssr = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    ssr += (y[i] - intercept - slope * x[i]) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return {
    fit: { n, intercept, slope, residualSd: Math.sqrt(ssr / (n - 2)), r2: syy === 0 ? 1 : 1 - ssr / syy },
    correction: { applied: true, priorReliability: reliability, olsSlope: ols.slope },
  };
}

/** Spearman rank correlation (average ranks for ties). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const idx = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
      for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = ra.length;
  const m = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - m) * (rb[i] - m);
    saa += (ra[i] - m) ** 2;
    sbb += (rb[i] - m) ** 2;
  }
  return saa && sbb ? sab / Math.sqrt(saa * sbb) : NaN;
}

interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}
const meanSd = (m: Moments) => {
  const mean = m.sum / m.n;
  return { mean, sd: Math.sqrt(Math.max(0, m.sumSq / m.n - mean * mean)) };
};

/** Links this exam to the prior one by student and computes 纵看 figures and value-added per school. */
export function longitudinal(input: LinkInput): LongitudinalAnalysis {
  const formula = input.formula ?? 'va_over_se';
  const bySchool = new Map<number, { nCurrent: number; x: number[]; y: number[] }>();
  for (const s of input.schools) bySchool.set(s.schoolId, { nCurrent: 0, x: [], y: [] });
  const xs: number[] = [];
  const ys: number[] = [];
  const allX: Moments = { n: 0, sum: 0, sumSq: 0 };
  const allY: Moments = { n: 0, sum: 0, sumSq: 0 };
  let nCurrent = 0;
  for (const st of input.current) {
    const g = bySchool.get(st.schoolId);
    if (!g) continue;
    g.nCurrent++;
    nCurrent++;
    const p = input.prior.get(st.studentId);
    if (p === undefined || !Number.isFinite(p)) continue;
    g.x.push(p);
    g.y.push(st.total);
    xs.push(p);
    ys.push(st.total);
    allX.n++;
    allX.sum += p;
    allX.sumSq += p * p;
    allY.n++;
    allY.sum += st.total;
    allY.sumSq += st.total * st.total;
  }
  const ols = olsFit(xs, ys);
  const { fit, correction } = correctForReliability(ols, xs, ys, input.priorReliability ?? null);
  // Pooled within-school residual variance (see the header).
  let withinSs = 0;
  let withinDf = 0;
  if (fit) {
    for (const g of bySchool.values()) {
      const n = g.x.length;
      if (n < 2) continue;
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const e = g.y[i] - fit.intercept - fit.slope * g.x[i];
        s += e;
        ss += e * e;
      }
      withinSs += Math.max(0, ss - (s * s) / n);
      withinDf += n - 1;
    }
  }
  const pooledSd = withinDf > 0 ? Math.sqrt(withinSs / withinDf) : 0;
  const ax = allX.n ? meanSd(allX) : null;
  const ay = allY.n ? meanSd(allY) : null;

  const rows = input.schools.map(({ schoolId }) => {
    const g = bySchool.get(schoolId)!;
    const n = g.x.length;
    const rel = groupReliability(n);
    const row: SchoolLongitudinal = {
      schoolId,
      nCurrent: g.nCurrent,
      matched: n,
      matchRate: g.nCurrent ? n / g.nCurrent : null,
      suppressed: rel === 'suppressed',
      unreliable: rel === 'unreliable',
      zPrior: null,
      zNow: null,
      deltaZ: null,
      ratioPrior: null,
      ratioNow: null,
      deltaRatio: null,
      tIndexPrior: null,
      tIndexNow: null,
      deltaTIndex: null,
      va: null,
      se: null,
      ciLow: null,
      ciHigh: null,
      shrinkage: null,
      vaShrunk: null,
      shrunkLow: null,
      shrunkHigh: null,
      improvement: null,
    };
    if (row.suppressed || !ax || !ay) return row;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += g.x[i];
      sy += g.y[i];
    }
    const mx = sx / n;
    const my = sy / n;
    row.zPrior = ax.sd > 0 ? (mx - ax.mean) / ax.sd : null;
    row.zNow = ay.sd > 0 ? (my - ay.mean) / ay.sd : null;
    row.deltaZ = row.zPrior !== null && row.zNow !== null ? row.zNow - row.zPrior : null;
    row.ratioPrior = ax.mean !== 0 ? (mx / ax.mean) * 100 : null;
    row.ratioNow = ay.mean !== 0 ? (my / ay.mean) * 100 : null;
    row.deltaRatio = row.ratioPrior !== null && row.ratioNow !== null ? row.ratioNow - row.ratioPrior : null;
    row.tIndexPrior = row.zPrior === null ? null : 50 + 10 * row.zPrior;
    row.tIndexNow = row.zNow === null ? null : 50 + 10 * row.zNow;
    row.deltaTIndex = row.deltaZ === null ? null : 10 * row.deltaZ;
    if (fit) {
      let s = 0;
      for (let i = 0; i < n; i++) s += g.y[i] - fit.intercept - fit.slope * g.x[i];
      const va = s / n;
      const se = pooledSd / Math.sqrt(n);
      const half = t975(Math.max(1, withinDf)) * se;
      row.va = va;
      row.se = se;
      row.ciLow = va - half;
      row.ciHigh = va + half;
    }
    return row;
  });

  // Empirical-Bayes shrinkage toward the alliance (VA 0), τ² by the method of moments.
  const reported = rows.filter((r) => r.va !== null && r.se !== null);
  let tau2: number | null = null;
  if (reported.length >= 2) {
    // about 0, the target of the shrinkage, with J − 1 degrees of freedom (see the header)
    const between = reported.reduce((a, r) => a + (r.va as number) ** 2, 0) / (reported.length - 1);
    const noise = reported.reduce((a, r) => a + (r.se as number) ** 2, 0) / reported.length;
    tau2 = Math.max(0, between - noise);
    for (const r of reported) {
      const se2 = (r.se as number) ** 2;
      const lambda = tau2 + se2 > 0 ? tau2 / (tau2 + se2) : 0;
      const half = 1.959964 * Math.sqrt(lambda * se2);
      r.shrinkage = lambda;
      r.vaShrunk = lambda * (r.va as number);
      r.shrunkLow = r.vaShrunk - half;
      r.shrunkHigh = r.vaShrunk + half;
    }
  }
  for (const r of rows) {
    if (formula === 'va_over_se') r.improvement = r.va !== null && r.se !== null && r.se > 0 ? r.va / r.se : null;
    else
      r.improvement =
        r.ratioNow !== null && r.ratioPrior !== null && r.ratioPrior !== 0 ? r.ratioNow / r.ratioPrior : null;
  }

  const round = (r: SchoolLongitudinal): SchoolLongitudinal => {
    const out = { ...r };
    for (const k of Object.keys(out) as (keyof SchoolLongitudinal)[]) {
      if (k === 'schoolId' || k === 'nCurrent' || k === 'matched' || k === 'suppressed' || k === 'unreliable') continue;
      (out as Record<string, unknown>)[k] = r4(out[k] as number | null);
    }
    return out;
  };
  return {
    version: 1,
    method: VA_METHOD,
    improvementFormula: { name: formula, description: IMPROVEMENT_FORMULAS[formula] },
    nCurrent,
    matched: xs.length,
    matchRate: nCurrent ? r4(xs.length / nCurrent) : null,
    regression: fit && {
      n: fit.n,
      intercept: r4(fit.intercept)!,
      slope: r4(fit.slope)!,
      residualSd: r4(fit.residualSd)!,
      r2: r4(fit.r2)!,
    },
    reliabilityCorrection: correction.applied
      ? { ...correction, priorReliability: r4(correction.priorReliability)!, olsSlope: r4(correction.olsSlope)! }
      : correction,
    tau2: tau2 === null ? null : r4(tau2),
    schools: rows.map(round),
  };
}

export interface AnonymousLongitudinal {
  label: string;
  suppressed: boolean;
  unreliable: boolean;
  deltaZ: number | null;
  deltaRatio: number | null;
  deltaTIndex: number | null;
  va: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  vaShrunk: number | null;
  improvement: number | null;
}

export interface PrincipalLongitudinal extends Omit<LongitudinalAnalysis, 'schools'> {
  ownSchools: SchoolLongitudinal[];
  /** Other alliance schools under the same letters as the rest of the principal view; no head counts. */
  otherSchools: AnonymousLongitudinal[];
}

/** The principal's share: own school(s) in full, others only under a letter and without counts. */
export function principalLongitudinal(
  l: LongitudinalAnalysis,
  own: readonly number[],
  labels: ReadonlyMap<number, string>,
): PrincipalLongitudinal {
  const mine = new Set(own);
  const { schools, ...rest } = l;
  return {
    ...rest,
    ownSchools: schools.filter((s) => mine.has(s.schoolId)),
    otherSchools: schools
      .filter((s) => !mine.has(s.schoolId) && labels.has(s.schoolId))
      .map((s) => ({
        label: labels.get(s.schoolId)!,
        suppressed: s.suppressed,
        unreliable: s.unreliable,
        deltaZ: s.deltaZ,
        deltaRatio: s.deltaRatio,
        deltaTIndex: s.deltaTIndex,
        va: s.va,
        ciLow: s.ciLow,
        ciHigh: s.ciHigh,
        vaShrunk: s.vaShrunk,
        improvement: s.improvement,
      }))
      .sort((a, b) => a.label.length - b.label.length || a.label.localeCompare(b.label)),
  };
}
