// 纵看 and value-added (增值评价), DESIGN §5, issue 5 §2 and issue 15. Pure: plain numbers in, plain numbers out.
//
// Estimator (version 2 of the stored analysis; the model and why it was chosen: multilevel.ts):
//  - Link: a student counts when they have a complete total on this exam and a prior score (same student id; one or
//    more prior columns: subjects or earlier exams) and sit in an alliance school (comparison schools never count).
//  - Model: two levels, a random school effect, REML, with the school's mean prior, shrunk by its reliability, as a
//    contextual predictor (when there are at least max(10, K + 3) schools with matched students). School VA_j = the school's mean residual from the fixed
//    part; the shrunken VA is the BLUP λ_j·VA_j. Both quantities are the school's effect beyond what its students'
//    prior scores and its intake predict, relative to the alliance (the model's school effects have mean 0). No α
//    threshold: the contextual term holds whatever the prior's reliability, known, low or unknown (imported). A known
//    α (the prior's own, or stated at import) only centres the prior of φ, the school-mean noise (multilevel.ts).
//  - 95% intervals (raw and shrunk) carry the uncertainty of τ² and of the fixed effects (a normal mixture over the
//    restricted likelihood of τ²/σ²); the simulation in va-coverage.spec.ts checks they cover 95% by school size.
//  - Verdict: the three statements of DESIGN §5, by whether the raw 95% interval excludes 0 (va-statement.ts).
//  - ΔZ, Δ比均率, ΔT-index are computed on the matched students only (prior: the sum of the prior columns), so a
//    change of who sat the exam does not pass for progress. Z_j = (school mean − alliance mean)/alliance SD
//    (population SD), T = 50 + 10·Z.
//  - 提升系数 by a named formula carried in the output (default: the shrunken VA in units of the within-school SD σ,
//    which does not grow with school size; VA/SE did, and is kept only to read analyses stored with it).
import { fitMultilevel, type MultilevelSchool } from './multilevel.js';
import { groupReliability } from './statistics.js';
import { IMPROVEMENT_FORMULAS, type ImprovementFormulaName, type VaMethodText, vaMethodText } from './va-method.js';
import { type VaVerdict, vaVerdict, verdictOf } from './va-statement.js';

export {
  IMPROVEMENT_FORMULAS,
  type ImprovementFormulaName,
  improvementFormulaOf,
  type VaMethodText,
  vaMethodText,
} from './va-method.js';
export { VA_STATEMENTS, type VaVerdict, vaStatement, vaVerdict, verdictOf } from './va-statement.js';

export interface LinkInput {
  /** Alliance schools (lead + member), in report order. */
  schools: readonly { schoolId: number }[];
  /** Complete students of this exam in alliance schools. */
  current: readonly { studentId: number; schoolId: number; total: number }[];
  /**
   * Prior scores of students who sat the prior exam(s): one total, or one value per prior column (subjects or
   * earlier exams; every student the same number). Absent students left out.
   */
  prior: ReadonlyMap<number, number | readonly number[]>;
  formula?: ImprovementFormulaName;
  /**
   * Reliability (α / KR-20) of the prior's totals, when known (a prior exam marked here). Reported with the method;
   * the estimates do not need it (multilevel.ts), so there is no threshold below which the method changes; with one
   * prior column it centres the prior of φ, which makes the intervals' width more exact.
   */
  priorReliability?: number | null;
  /**
   * Where priorReliability came from when the admin stated it at import (历史成绩导入: no items, so no α of its own);
   * null or absent when it is the prior's own α. Printed with the method.
   */
  priorReliabilitySource?: string | null;
  /**
   * When the prior columns are several linked earlier exams (linked-priors.ts): their names, newest first, for the
   * method text. Absent when the columns are one exam's total or its subjects.
   */
  priorExamNames?: readonly string[];
}

/** Version 1 (OLS): the line the residuals were taken from. */
export interface Regression {
  n: number;
  intercept: number;
  slope: number;
  /** √(SSR/(n − 2)). */
  residualSd: number;
  r2: number;
}

/** Version 1: the slope correction that was applied, or why none was. */
export type ReliabilityCorrection =
  | { applied: true; priorReliability: number; olsSlope: number }
  | { applied: false; priorReliability: number | null; reason: string };

/** Version 2: the fitted model, for the methods appendix. */
export interface VaModel {
  kind: 'multilevel_reml';
  /** The school's mean prior(s) entered as contextual predictors. */
  contextual: boolean;
  /** Prior columns K. */
  priors: number;
  n: number;
  schools: number;
  intercept: number;
  /** Within-school slopes, one per prior column. */
  slopes: number[];
  /** Contextual slopes (school mean prior), one per prior column; empty when not contextual. */
  contextualSlopes: number[];
  /** Within-school residual SD σ. */
  sigma: number;
  priorReliability: number | null;
  /** Where priorReliability came from when stated at import; null when it is the prior's own α (or unknown). */
  priorReliabilitySource?: string | null;
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
  /** By the 95% interval (va-statement.ts); absent from version 1 analyses: read it through verdictOf. */
  verdict?: VaVerdict | null;
}

export interface LongitudinalAnalysis {
  /** 1: OLS (+ α correction at α ≥ 0.6), method-of-moments shrinkage. 2: the multilevel model (multilevel.ts). */
  version: 1 | 2;
  method: VaMethodText;
  improvementFormula: { name: ImprovementFormulaName; description: string };
  /** Complete alliance students this exam / those matched to a prior score. */
  nCurrent: number;
  matched: number;
  matchRate: number | null;
  /** Version 1 only (null from version 2 on). */
  regression: Regression | null;
  /** Version 1 only. */
  reliabilityCorrection?: ReliabilityCorrection;
  /** Version 2: the fitted model; null when it could not be fitted (fewer than 2 schools with matched students). */
  model?: VaModel | null;
  /** Between-school variance of true VA; null when it could not be estimated. */
  tau2: number | null;
  schools: SchoolLongitudinal[];
}

const r4 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

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
const add = (m: Moments, v: number) => {
  m.n++;
  m.sum += v;
  m.sumSq += v * v;
};

interface Linked {
  /** Per school: complete students now, and the matched students' prior columns, prior sum and current total. */
  bySchool: Map<number, { nCurrent: number; x: number[][]; xSum: number[]; y: number[] }>;
  priors: number;
  nCurrent: number;
  matched: number;
  allX: Moments;
  allY: Moments;
}

/** Links this exam to the prior scores by student; students without every prior column are not matched. */
function link(input: LinkInput): Linked {
  const first = input.prior.values().next().value;
  const priors = first === undefined || typeof first === 'number' ? 1 : Math.max(1, first.length);
  const bySchool: Linked['bySchool'] = new Map();
  for (const s of input.schools)
    bySchool.set(s.schoolId, { nCurrent: 0, x: Array.from({ length: priors }, () => []), xSum: [], y: [] });
  const out: Linked = { bySchool, priors, nCurrent: 0, matched: 0, allX: zero(), allY: zero() };
  for (const st of input.current) {
    const g = bySchool.get(st.schoolId);
    if (!g) continue;
    g.nCurrent++;
    out.nCurrent++;
    const p = input.prior.get(st.studentId);
    const cols = p === undefined ? null : typeof p === 'number' ? [p] : p;
    if (!cols || cols.length !== priors || !cols.every(Number.isFinite)) continue;
    const sum = cols.reduce((a, v) => a + v, 0);
    cols.forEach((v, k) => g.x[k].push(v));
    g.xSum.push(sum);
    g.y.push(st.total);
    out.matched++;
    add(out.allX, sum);
    add(out.allY, st.total);
  }
  return out;
}
const zero = (): Moments => ({ n: 0, sum: 0, sumSq: 0 });

function emptyRow(schoolId: number, nCurrent: number, matched: number): SchoolLongitudinal {
  const rel = groupReliability(matched);
  return {
    schoolId,
    nCurrent,
    matched,
    matchRate: nCurrent ? matched / nCurrent : null,
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
    verdict: null,
  };
}

/** ΔZ, Δ比均率 and ΔT of the matched students (prior: the sum of the prior columns). */
function setDeltas(row: SchoolLongitudinal, xSum: number[], y: number[], l: Linked): void {
  const ax = meanSd(l.allX);
  const ay = meanSd(l.allY);
  const mx = xSum.reduce((a, v) => a + v, 0) / xSum.length;
  const my = y.reduce((a, v) => a + v, 0) / y.length;
  row.zPrior = ax.sd > 0 ? (mx - ax.mean) / ax.sd : null;
  row.zNow = ay.sd > 0 ? (my - ay.mean) / ay.sd : null;
  row.deltaZ = row.zPrior !== null && row.zNow !== null ? row.zNow - row.zPrior : null;
  row.ratioPrior = ax.mean !== 0 ? (mx / ax.mean) * 100 : null;
  row.ratioNow = ay.mean !== 0 ? (my / ay.mean) * 100 : null;
  row.deltaRatio = row.ratioPrior !== null && row.ratioNow !== null ? row.ratioNow - row.ratioPrior : null;
  row.tIndexPrior = row.zPrior === null ? null : 50 + 10 * row.zPrior;
  row.tIndexNow = row.zNow === null ? null : 50 + 10 * row.zNow;
  row.deltaTIndex = row.deltaZ === null ? null : 10 * row.deltaZ;
}

function improvementOf(r: SchoolLongitudinal, formula: ImprovementFormulaName, sigma: number | null): number | null {
  if (formula === 'shrunk_over_sd') return r.vaShrunk !== null && sigma ? r.vaShrunk / sigma : null;
  if (formula === 'va_over_se') return r.va !== null && r.se !== null && r.se > 0 ? r.va / r.se : null;
  return r.ratioNow !== null && r.ratioPrior !== null && r.ratioPrior !== 0 ? r.ratioNow / r.ratioPrior : null;
}

const roundRow = (r: SchoolLongitudinal): SchoolLongitudinal => {
  const out = { ...r };
  for (const k of Object.keys(out) as (keyof SchoolLongitudinal)[]) {
    const v = out[k];
    if (k === 'schoolId' || k === 'nCurrent' || k === 'matched' || typeof v !== 'number') continue;
    (out as Record<string, unknown>)[k] = r4(v);
  }
  return out;
};

/** Links this exam to the prior one by student and computes 纵看 figures and value-added per school. */
export function longitudinal(input: LinkInput): LongitudinalAnalysis {
  const formula = input.formula ?? 'shrunk_over_sd';
  const l = link(input);
  const rows = input.schools.map(({ schoolId }) => {
    const g = l.bySchool.get(schoolId)!;
    const row = emptyRow(schoolId, g.nCurrent, g.y.length);
    if (!row.suppressed && l.allX.n) setDeltas(row, g.xSum, g.y, l);
    return row;
  });
  // Every school with matched students informs the model, suppressed ones too; only their figures are withheld.
  const fitted = rows.filter((r) => r.matched > 0);
  const data: MultilevelSchool[] = fitted.map((r) => ({
    x: l.bySchool.get(r.schoolId)!.x,
    y: l.bySchool.get(r.schoolId)!.y,
  }));
  const out = fitted.length >= 2 ? fitMultilevel(data, { reliability: input.priorReliability ?? null }) : null;
  if (out)
    fitted.forEach((row, j) => {
      if (row.suppressed) return;
      const e = out.effects[j];
      Object.assign(row, {
        va: e.raw,
        se: e.rawSe,
        ciLow: e.rawLow,
        ciHigh: e.rawHigh,
        shrinkage: e.lambda,
        vaShrunk: e.shrunk,
        shrunkLow: e.shrunkLow,
        shrunkHigh: e.shrunkHigh,
        verdict: vaVerdict(e.rawLow, e.rawHigh),
      });
    });
  const sigma = out ? Math.sqrt(out.fit.sigma2) : null;
  for (const r of rows) r.improvement = improvementOf(r, formula, sigma);
  const priorReliability = input.priorReliability ?? null;
  const priorReliabilitySource = priorReliability === null ? null : (input.priorReliabilitySource ?? null);
  const k = out?.fit.priors ?? l.priors;
  return {
    version: 2,
    method: vaMethodText(
      out?.fit.contextual ?? false,
      k,
      priorReliability,
      priorReliabilitySource,
      input.priorExamNames,
    ),
    improvementFormula: { name: formula, description: IMPROVEMENT_FORMULAS[formula] },
    nCurrent: l.nCurrent,
    matched: l.matched,
    matchRate: l.nCurrent ? r4(l.matched / l.nCurrent) : null,
    regression: null,
    model: out && {
      kind: 'multilevel_reml',
      contextual: out.fit.contextual,
      priors: k,
      n: out.fit.n,
      schools: out.fit.schools,
      intercept: r4(out.fit.beta[0])!,
      slopes: out.fit.beta.slice(1, 1 + k).map((b) => r4(b)!),
      contextualSlopes: out.fit.beta.slice(1 + k).map((b) => r4(b)!),
      sigma: r4(sigma)!,
      priorReliability: r4(priorReliability),
      priorReliabilitySource,
    },
    tau2: out ? r4(out.fit.tau2) : null,
    schools: rows.map(roundRow),
  };
}

export interface AnonymousLongitudinal {
  label: string;
  suppressed: boolean;
  verdict: VaVerdict | null;
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
        verdict: verdictOf(s),
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
