// The value-added model (issue 15): a two-level model with a random school effect, fitted by REML, with the
// school's mean prior score(s) as contextual predictors. Pure: plain numbers in, plain numbers out.
//
//   y_ij = β0 + Σ_k β_k·x_kij + Σ_k γ_k·x̄_kj + u_j + e_ij,   u_j ~ N(0, τ²),  e_ij ~ N(0, σ²)
//
// Why this model (Raudenbush & Willms 1995 "type A/B effects"; Goldstein 1997; Leckie & Goldstein 2019 on
// England's Progress 8; Lockwood & McCaffrey 2014 on measurement error in value-added):
//  - The prior total measures ability with error. A single-level regression on it then has a slope that is too
//    flat, and schools with a high-attaining intake are credited with value they did not add (and rural, low-intake
//    schools blamed). Dividing the slope by the prior's reliability α removes that bias only when α is known and
//    high enough to divide by; imported priors have no α, and below α ≈ 0.6 the old correction had to be refused,
//    which left a cliff (issue 15's table: coverage .42–.59 for large low-intake schools).
//  - With the school's mean prior as a second predictor (a contextual term) the measurement error no longer biases
//    the school effects: whatever the within-school slope misses at the school level, γ takes up, whatever the
//    reliability — known, low or unknown. This holds with several prior subjects or exams (one column each, and
//    their school means) and with schools of very unequal sizes. There is no threshold, so no cliff.
//  - The price is the estimand. u_j is the school's effect beyond what its students' prior scores AND its intake
//    predict (Raudenbush–Willms type B). A school whose students gain more because its intake is strong (peer effects)
//    or because strong schools attract strong intakes is not credited for that part. With one imported total of
//    unknown reliability the measurement error is not identifiable, and only this quantity can be estimated honestly;
//    an errors-in-variables correction with a known α estimates the effect given true prior ability instead (type A),
//    which depends on α being right and still needs α's uncertainty carried. We estimate type B in every case, so that
//    the figure means the same for every alliance and every school, and say so in the stored method text.
//  - A random school effect (not fixed school dummies) lets the contextual coefficient be estimated at all (dummies
//    would absorb it), and gives the shrunken estimates (BLUPs) and their errors from one model. REML, not ML, so τ²
//    is not biased down by the fixed effects estimated; the fit equals lme4::lmer(REML = TRUE) (r-reference test).
//  - Intervals carry the uncertainty of τ² and of the fixed effects: conditional on θ = τ²/σ², u_j and the raw
//    school residual are normal with the Henderson prediction-error variances (fixed effects' uncertainty included);
//    over θ we integrate the restricted likelihood (σ² integrated with prior 1/σ², a uniform prior on τ, Gelman
//    2006), on a grid of log θ. The 95% intervals are quantiles of that normal mixture, which stays honest with few
//    schools and when τ² is near 0, where plug-in intervals collapse.
//  - Without enough schools to estimate the contextual term (fewer than K + 3 schools with matched students) it is
//    left out and the result says so.

export interface MultilevelSchool {
  /** Prior scores of the school's matched students: x[k][i] is prior k of student i. */
  x: readonly (readonly number[])[];
  y: readonly number[];
}

export interface MultilevelFit {
  contextual: boolean;
  /** Number of prior columns K. */
  priors: number;
  n: number;
  schools: number;
  /** [intercept, within-school slopes β_1..β_K, contextual slopes γ_1..γ_K (when contextual)], original scale. */
  beta: number[];
  /** Covariance of the slopes (β then γ; the intercept's row left out), at the REML estimate. */
  slopeCov: number[][];
  sigma2: number;
  tau2: number;
  /** lme4's REML criterion (−2 × restricted log-likelihood) at the estimate. */
  remlCriterion: number;
}

export interface MultilevelSchoolEffect {
  n: number;
  /** Raw school effect: mean residual of its students from the fixed part. */
  raw: number;
  /** Its standard error at the REML estimate (fixed effects' uncertainty included). */
  rawSe: number;
  rawLow: number;
  rawHigh: number;
  /** λ_j = τ²/(τ² + σ²/n_j) at the REML estimate. */
  lambda: number;
  /** BLUP λ_j·raw: lme4's ranef. */
  shrunk: number;
  shrunkSe: number;
  shrunkLow: number;
  shrunkHigh: number;
}

type Vec = number[];
type Mat = number[][];

/** Cholesky of a symmetric positive-definite matrix; null when it is not (numerically) positive definite. */
function cholesky(a: Mat): Mat | null {
  const p = a.length;
  const l = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 1e-10 * Math.abs(a[i][i]))) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  return l;
}

function inverseFromCholesky(l: Mat): Mat {
  const p = l.length;
  const inv = l.map(() => new Array<number>(p).fill(0));
  for (let c = 0; c < p; c++) {
    // solve L z = e_c, then Lᵀ w = z
    const z = new Array<number>(p).fill(0);
    for (let i = 0; i < p; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
      z[i] = s / l[i][i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < p; k++) s -= l[k][i] * inv[k][c];
      inv[i][c] = s / l[i][i];
    }
  }
  return inv;
}

const quad = (a: Mat, u: Vec, v: Vec = u) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) s += u[i] * a[i][j] * v[j];
  return s;
};

/** Per-school sufficient statistics of the design row z = [1, x − c, x̄_j − c] and of y − d. */
interface SchoolStats {
  n: number;
  /** School mean of the design row. */
  zbar: Vec;
  zz: Mat;
  zy: Vec;
  sy: number;
  yy: number;
  ybar: number;
}

interface Design {
  p: number;
  n: number;
  contextual: boolean;
  k: number;
  xCentre: Vec;
  yCentre: number;
  stats: SchoolStats[];
}

function design(schools: readonly MultilevelSchool[], contextual: boolean): Design {
  const k = schools[0].x.length;
  let n = 0;
  const xCentre = new Array<number>(k).fill(0);
  let yCentre = 0;
  for (const s of schools) {
    n += s.y.length;
    for (const v of s.y) yCentre += v;
    for (let c = 0; c < k; c++) for (const v of s.x[c]) xCentre[c] += v;
  }
  yCentre /= n;
  for (let c = 0; c < k; c++) xCentre[c] /= n;
  const p = 1 + k + (contextual ? k : 0);
  const stats = schools.map((s) => {
    const m = s.y.length;
    const mean = s.x.map((col, c) => col.reduce((a, v) => a + v, 0) / m - xCentre[c]);
    const zz = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const zy = new Array<number>(p).fill(0);
    const z = new Array<number>(p).fill(0);
    const zsum = new Array<number>(p).fill(0);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < m; i++) {
      z[0] = 1;
      for (let c = 0; c < k; c++) {
        z[1 + c] = s.x[c][i] - xCentre[c];
        if (contextual) z[1 + k + c] = mean[c];
      }
      const y = s.y[i] - yCentre;
      sy += y;
      yy += y * y;
      for (let a = 0; a < p; a++) {
        zsum[a] += z[a];
        zy[a] += z[a] * y;
        for (let b = 0; b <= a; b++) zz[a][b] += z[a] * z[b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) zz[a][b] = zz[b][a];
    return { n: m, zbar: zsum.map((v) => v / m), zz, zy, sy, yy, ybar: sy / m };
  });
  return { p, n, contextual, k, xCentre, yCentre, stats };
}

/** Everything the model gives at one θ = τ²/σ² (σ² profiled out). */
interface AtTheta {
  theta: number;
  beta: Vec;
  sInv: Mat;
  sigma2: number;
  /** lme4's REML criterion. */
  crit: number;
}

function atTheta(d: Design, theta: number): AtTheta | null {
  const { p } = d;
  const s = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  let c = 0;
  let logDetH = 0;
  for (const st of d.stats) {
    const w = theta / (1 + st.n * theta);
    const n2w = st.n * st.n * w;
    for (let i = 0; i < p; i++) {
      b[i] += st.zy[i] - n2w * st.zbar[i] * st.ybar;
      for (let j = 0; j < p; j++) s[i][j] += st.zz[i][j] - n2w * st.zbar[i] * st.zbar[j];
    }
    c += st.yy - n2w * st.ybar * st.ybar;
    logDetH += Math.log1p(st.n * theta);
  }
  const l = cholesky(s);
  if (!l) return null;
  const sInv = inverseFromCholesky(l);
  const beta = sInv.map((row) => row.reduce((a, v, j) => a + v * b[j], 0));
  const q = Math.max(1e-300, c - beta.reduce((a, v, i) => a + v * b[i], 0));
  const df = d.n - p;
  const logDetS = 2 * l.reduce((a, row, i) => a + Math.log(row[i]), 0);
  const crit = df * (1 + Math.log((2 * Math.PI * q) / df)) + logDetH + logDetS;
  return { theta, beta, sInv, sigma2: q / df, crit };
}

/** log θ grid for the integration over τ²; also where the REML optimum is searched first. */
const LOG_THETA_MIN = Math.log(1e-7);
const LOG_THETA_MAX = Math.log(1e2);
const GRID = 141;

function remlOptimum(d: Design, grid: AtTheta[]): AtTheta {
  let best = grid.reduce((a, g) => (g.crit < a.crit ? g : a));
  const at0 = atTheta(d, 0);
  if (at0 && at0.crit <= best.crit) best = at0;
  // Golden-section on log θ around the best grid point (the criterion is smooth and, there, unimodal).
  const h = (LOG_THETA_MAX - LOG_THETA_MIN) / (GRID - 1);
  const centre = best.theta > 0 ? Math.log(best.theta) : LOG_THETA_MIN;
  let lo = centre - h;
  let hi = centre + h;
  const f = (t: number) => atTheta(d, Math.exp(t))?.crit ?? Infinity;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 80 && hi - lo > 1e-10; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  const refined = atTheta(d, Math.exp((lo + hi) / 2));
  return refined && refined.crit < best.crit ? refined : best;
}

/** Standard normal CDF (erfc by Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Quantile of Σ w_g N(m_g, s_g²) (weights summing to 1), by safeguarded Newton steps. */
export function mixtureQuantile(w: readonly number[], m: readonly number[], s: readonly number[], p: number): number {
  let mean = 0;
  let second = 0;
  for (let g = 0; g < w.length; g++) {
    mean += w[g] * m[g];
    second += w[g] * (s[g] ** 2 + m[g] ** 2);
  }
  const sd = Math.sqrt(Math.max(0, second - mean * mean));
  if (!(sd > 0)) return mean;
  let lo = mean - 40 * sd;
  let hi = mean + 40 * sd;
  let q = mean + sd * (p < 0.5 ? -1.96 : 1.96);
  for (let i = 0; i < 100; i++) {
    let cdf = 0;
    let pdf = 0;
    for (let g = 0; g < w.length; g++) {
      if (s[g] > 0) {
        const z = (q - m[g]) / s[g];
        cdf += w[g] * normalCdf(z);
        pdf += (w[g] * Math.exp(-0.5 * z * z)) / (s[g] * Math.sqrt(2 * Math.PI));
      } else cdf += q >= m[g] ? w[g] : 0;
    }
    const err = cdf - p;
    if (Math.abs(err) < 1e-9) break;
    if (err > 0) hi = q;
    else lo = q;
    const step = pdf > 0 ? q - err / pdf : NaN;
    q = step > lo && step < hi ? step : (lo + hi) / 2;
    if (hi - lo < 1e-9 * (1 + Math.abs(q))) break;
  }
  return q;
}

/** School j's raw effect, BLUP and their error variances at one θ (Henderson's mixed-model equations). */
function schoolAt(st: SchoolStats, a: AtTheta) {
  const lambda = (st.n * a.theta) / (1 + st.n * a.theta);
  const raw = st.ybar - st.zbar.reduce((s, v, i) => s + v * a.beta[i], 0);
  const h = quad(a.sInv, st.zbar);
  // Raw: Var(ē_j − z̄ᵀ(β̂ − β)) = σ²[1/n + h − 2(1 − λ)h]: the school's own students pull the fitted line toward it.
  const rawVar = a.sigma2 * Math.max(1 / st.n + (2 * lambda - 1) * h, 1e-12 / st.n);
  // BLUP: prediction-error variance σ²[λ/n + λ²h] (Henderson 1975), fixed effects' uncertainty included.
  const shrunkVar = a.sigma2 * (lambda / st.n + lambda * lambda * h);
  return { lambda, raw, rawVar, shrunk: lambda * raw, shrunkVar };
}

function toOriginalScale(d: Design, a: AtTheta): { beta: number[]; slopeCov: number[][] } {
  const beta = [...a.beta];
  // y − d = β0c + Σβ_k(x_k − c_k) + Σγ_k(x̄_k − c_k): the intercept absorbs the centring; slopes are unchanged.
  let shift = 0;
  for (let c = 0; c < d.k; c++) shift += (a.beta[1 + c] + (d.contextual ? a.beta[1 + d.k + c] : 0)) * d.xCentre[c];
  beta[0] = a.beta[0] + d.yCentre - shift;
  const slopeCov = a.sInv.slice(1).map((row) => row.slice(1).map((v) => v * a.sigma2));
  return { beta, slopeCov };
}

/**
 * Fits the model and gives each school's raw effect and BLUP with 95% intervals that carry the uncertainty of τ²
 * and of the fixed effects. Null when it cannot be fitted (fewer than 2 schools, or too few students).
 * `contextual: 'auto'` includes the school-mean terms when there are at least K + 3 schools.
 */
export function fitMultilevel(
  schools: readonly MultilevelSchool[],
  contextual: boolean | 'auto' = 'auto',
): { fit: MultilevelFit; effects: MultilevelSchoolEffect[] } | null {
  const used = schools.filter((s) => s.y.length > 0);
  if (used.length < 2 || used.length !== schools.length) return null;
  const k = used[0].x.length;
  const n = used.reduce((a, s) => a + s.y.length, 0);
  let d = design(used, contextual === 'auto' ? used.length >= k + 3 : contextual);
  if (n < d.p + 2) return null;
  let grid = gridOf(d);
  if (!grid.length && d.contextual) {
    // School means collinear (e.g. every school the same intake): the contextual term cannot be estimated.
    d = design(used, false);
    grid = gridOf(d);
  }
  if (!grid.length) return null;
  const best = remlOptimum(d, grid);
  // Posterior weights over log θ: restricted likelihood × uniform prior on τ (density ∝ θ^½ on the log θ scale).
  const logW = grid.map((g) => -g.crit / 2 + 0.5 * Math.log(g.theta));
  const top = Math.max(...logW);
  const kept = grid.map((g, i) => ({ g, w: Math.exp(logW[i] - top) })).filter((e) => e.w > 1e-9);
  const total = kept.reduce((a, e) => a + e.w, 0);
  const w = kept.map((e) => e.w / total);
  const effects = d.stats.map((st) => {
    const at = schoolAt(st, best);
    const per = kept.map((e) => schoolAt(st, e.g));
    const rawM = per.map((q) => q.raw);
    const rawS = per.map((q) => Math.sqrt(q.rawVar));
    const shM = per.map((q) => q.shrunk);
    const shS = per.map((q) => Math.sqrt(q.shrunkVar));
    return {
      n: st.n,
      raw: at.raw,
      rawSe: Math.sqrt(at.rawVar),
      rawLow: mixtureQuantile(w, rawM, rawS, 0.025),
      rawHigh: mixtureQuantile(w, rawM, rawS, 0.975),
      lambda: at.lambda,
      shrunk: at.shrunk,
      shrunkSe: Math.sqrt(at.shrunkVar),
      shrunkLow: mixtureQuantile(w, shM, shS, 0.025),
      shrunkHigh: mixtureQuantile(w, shM, shS, 0.975),
    };
  });
  const { beta, slopeCov } = toOriginalScale(d, best);
  return {
    fit: {
      contextual: d.contextual,
      priors: k,
      n,
      schools: used.length,
      beta,
      slopeCov,
      sigma2: best.sigma2,
      tau2: best.theta * best.sigma2,
      remlCriterion: best.crit,
    },
    effects,
  };
}

function gridOf(d: Design): AtTheta[] {
  const out: AtTheta[] = [];
  for (let i = 0; i < GRID; i++) {
    const a = atTheta(d, Math.exp(LOG_THETA_MIN + ((LOG_THETA_MAX - LOG_THETA_MIN) * i) / (GRID - 1)));
    if (a) out.push(a);
  }
  return out;
}
