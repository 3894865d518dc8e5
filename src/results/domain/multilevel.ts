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
//  - The intake term is the school's mean prior shrunk toward the alliance by its reliability as a measure of the
//    school's intake, r_j = τ_x²/(τ_x² + s_w²/n_j) from a one-way ANOVA of the prior (the "latent covariate" of Croon
//    & van Veldhoven 2007 and Lüdtke et al. 2008, who show that the school mean taken as it is biases the contextual
//    coefficient when schools are small): y_ij = β0 + Σβ_k·x_kij + Σγ_k·r_kj·(x̄_kj − x̄_k) + u_j + e_ij. With the
//    mean as it is, one γ had to serve a 5-student school, whose mean prior says little about its intake, and a
//    400-student one, whose mean says it exactly: γ came out too flat for the large ones, which were then judged by
//    their intake (shrunk VA error .83 points per intake SD at α .5–.6; shrunk coverage .927 in the 147–400 band).
//    With r_j the model is the conditional mean of y given the school's priors under normality (y's true slope on
//    ability splits into β = b·ρ_w within and γ = b·(1 − ρ_w) between), so one γ fits every size; the error slope
//    fell to .25 and the band covers .95 (bench figures in the commit). It needs no α.
//  - A random school effect (not fixed school dummies) lets the contextual coefficient be estimated at all (dummies
//    would absorb it), and gives the shrunken estimates (BLUPs) and their errors from one model. REML, not ML, so τ²
//    is not biased down by the fixed effects estimated; the fit equals lme4::lmer(REML = TRUE) (r-reference test).
//  - The school mean of a prior measured with error carries noise that the within-school residuals do not show:
//    what the intake term cannot predict of the school's intake from its own students. So the school-mean noise per
//    student is φ_jσ² rather than σ², φ_j = 1 + (φ − 1)·share_j (φ > 1 with measurement error; unequal spreads move it
//    either way), share_j ≈ r_j (intakeNoise: a small school's intake term is shrunk away, and its noise with it; a
//    constant φ made small schools' intervals cover .97). φ is weakly determined by the data, so it is integrated over
//    on a grid on [1/2, 3], φ = 1 being lme4's model, with a log-normal prior centred on the φ that the prior's
//    reliability α implies when α is known (its own items, or stated at import; phiFromReliability, SD 0.2), or else
//    on the one that the fitted intake coefficient implies, 1 + γᵀS_wγ/σ² (setIntakeShares, its SD widened by γ's
//    uncertainty): the noise the intake term leaves is its coefficient times what the school mean misses of the intake.
//    A flat prior on φ made imported priors' intervals cover .96–.976. Without φ at all, a prior of reliability
//    .5–.65 gave raw intervals that covered .89–.93.
//  - Intervals carry the uncertainty of τ², of φ and of the fixed effects: conditional on (θ = τ²/σ², φ), u_j and
//    the raw school residual are normal with Henderson's prediction-error variances (fixed effects' uncertainty
//    included); over (θ, φ) we integrate the restricted likelihood (σ² profiled: N is large; a uniform prior on τ,
//    Gelman 2006) on a grid. The 95% intervals are quantiles of that normal mixture, which stays honest with few
//    schools and when τ² is near 0, where plug-in intervals collapse (Kackar–Harville would need τ̂² > 0).
//  - Every figure is relative to the alliance: a school's effect minus the student-weighted mean of all schools'
//    effects ("above the alliance average" means what it says), with the variance of that contrast.
//  - The contextual coefficient is a between-school regression, so it needs schools: with fewer than
//    contextualMinSchools(K) = max(10, K + 3) schools with matched students it is left out (plain VA, with the
//    measurement-error caveat in the method text). With few schools it mostly soaks up the schools' own effects when
//    they happen to go with intake: on the demo's 6 schools it took the planted gains of the two rural schools for
//    an intake effect (Spearman with the plant .31). Maas & Hox (2005) put the floor for level-2 coefficients near 10.

import { mixtureQuantile } from './normal-mixture.js';
import { cholesky, dot, inverseFromCholesky, type Mat, mulVec, type Vec } from './small-matrix.js';

/** Schools with matched students needed for the contextual (intake) term with K prior columns. */
export function contextualMinSchools(priors: number): number {
  return Math.max(10, priors + 3);
}

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
  /** Posterior mean of φ: school-mean noise per student is φσ² (φ = 1 in lme4's model). Weakly determined. */
  phi: number;
  /** lme4's REML criterion (−2 × restricted log-likelihood) at the estimate. */
  remlCriterion: number;
}

/** A school's effect relative to the alliance: minus the student-weighted mean of the schools' effects. */
export interface MultilevelSchoolEffect {
  n: number;
  /** Raw school effect: mean residual of its students from the fixed part, relative to the alliance. */
  raw: number;
  /** Its standard error (posterior SD: fixed effects', τ²'s and φ's uncertainty included). */
  rawSe: number;
  rawLow: number;
  rawHigh: number;
  /** λ_j = τ²/(τ² + φσ²/n_j), posterior mean. */
  lambda: number;
  /** The model's BLUP of u_j (lme4's ranef), not centred. */
  blup: number;
  /** BLUP relative to the alliance. */
  shrunk: number;
  shrunkSe: number;
  shrunkLow: number;
  shrunkHigh: number;
}

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
  /**
   * Share of φ − 1 this school's mean carries (see phiOf): its intake noise over a large school's (latent intake,
   * set once γ is fitted: setIntakeShares), 1 otherwise.
   */
  r: number;
}

interface Design {
  p: number;
  n: number;
  contextual: boolean;
  /** The contextual column is the school's mean prior shrunk by its reliability (intakeAnova). */
  latent: boolean;
  anova: IntakeAnova | null;
  k: number;
  xCentre: Vec;
  yCentre: number;
  stats: SchoolStats[];
}

/** How the school's mean prior enters: not at all, as it is (lme4's model with ave(x)), or shrunk by its reliability. */
type ContextualKind = false | 'manifest' | 'latent';

/** The intake of the prior columns, from a one-way (M)ANOVA over schools: what the latent intake term needs. */
export interface IntakeAnova {
  /** r[c][j] = τ_c²/(τ_c² + s_c²/n_j): reliability of school j's mean of prior column c as a measure of its intake. */
  r: number[][];
  /** Pooled within-school covariance of the prior columns (S_w). */
  within: number[][];
  /** Between-school covariance of the intakes (T; moment estimator, diagonal clamped at 0). */
  between: number[][];
}

/**
 * Moment estimators of the one-way ANOVA (unequal sizes: n0 = (N − Σn_j²/N)/(J − 1); Searle, Casella & McCulloch
 * 1992 §3.6), per pair of prior columns. Needs no α: the within-school covariance holds the measurement error and the
 * students' own spread alike. r is 0 for a column with τ_c² ≤ 0 (no intake differences to model).
 */
export function intakeAnova(schools: readonly MultilevelSchool[], k: number): IntakeAnova {
  const J = schools.length;
  const sizes = schools.map((s) => s.x[0].length);
  const n = sizes.reduce((a, v) => a + v, 0);
  const means = schools.map((s) => s.x.map((col) => col.reduce((a, v) => a + v, 0) / col.length));
  const grand = Array.from({ length: k }, (_, c) => means.reduce((a, m, j) => a + m[c] * sizes[j], 0) / n);
  const n0 = (n - sizes.reduce((a, v) => a + v * v, 0) / n) / Math.max(1, J - 1);
  const within = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const between = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++)
    for (let e = 0; e <= c; e++) {
      let ssw = 0;
      let ssb = 0;
      schools.forEach((s, j) => {
        for (let i = 0; i < sizes[j]; i++) ssw += (s.x[c][i] - means[j][c]) * (s.x[e][i] - means[j][e]);
        ssb += sizes[j] * (means[j][c] - grand[c]) * (means[j][e] - grand[e]);
      });
      const msw = ssw / Math.max(1, n - J);
      within[c][e] = within[e][c] = msw;
      between[c][e] = between[e][c] = (ssb / Math.max(1, J - 1) - msw) / n0;
    }
  for (let c = 0; c < k; c++) between[c][c] = Math.max(0, between[c][c]);
  const r = Array.from({ length: k }, (_, c) =>
    sizes.map((m) => (between[c][c] > 0 ? between[c][c] / (between[c][c] + within[c][c] / m) : 0)),
  );
  return { r, within, between };
}

/**
 * Per student, the noise the latent intake term leaves in school j's mean: n_j·γᵀC_jγ, C_j the covariance of the
 * intakes' prediction errors, C_j = T − RT − TR + R(T + S_w/n_j)R with R = diag(r_j). With one column it is
 * γ²·s²·r_j; for a large school it tends to γᵀS_wγ. Whether γ stands for the prior's measurement error (the
 * students' true ability the prior misses, averaged over the school) or a real effect of the intake, this is what
 * predicting the intake from the school's own students leaves over.
 */
function intakeNoise(a: IntakeAnova, gamma: readonly number[], j: number, nj: number): number {
  const k = gamma.length;
  const rg = gamma.map((g, c) => g * a.r[c][j]);
  let v = 0;
  for (let c = 0; c < k; c++)
    for (let e = 0; e < k; e++)
      v +=
        a.between[c][e] * (gamma[c] * gamma[e] - 2 * rg[c] * gamma[e] + rg[c] * rg[e]) +
        (rg[c] * rg[e] * a.within[c][e]) / nj;
  return nj * v;
}

function design(schools: readonly MultilevelSchool[], contextualKind: ContextualKind): Design {
  const contextual = contextualKind !== false;
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
  const anova = contextualKind === 'latent' ? intakeAnova(schools, k) : null;
  const rel = anova?.r ?? null;
  const stats = schools.map((s, j) => {
    const m = s.y.length;
    // Manifest: the school's mean prior; latent: that mean shrunk toward the alliance by its reliability r_j.
    const mean = s.x.map((col, c) => (col.reduce((a, v) => a + v, 0) / m - xCentre[c]) * (rel ? rel[c][j] : 1));
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
    return {
      n: m,
      zbar: zsum.map((v) => v / m),
      zz,
      zy,
      sy,
      yy,
      ybar: sy / m,
      r: rel ? rel.reduce((a, col) => a + col[j], 0) / k : 1,
    };
  });
  return { p, n, contextual, latent: rel !== null, anova, k, xCentre, yCentre, stats };
}

/** Everything the model gives at one θ = τ²/σ² (σ² profiled out). */
interface AtTheta {
  theta: number;
  phi: number;
  beta: Vec;
  sInv: Mat;
  sigma2: number;
  /** lme4's REML criterion. */
  crit: number;
}

/**
 * School j's φ_j from the large-school φ. With the latent intake term, the prior's measurement error left in school j's
 * mean residual is b²σ_ε²·r_j^θ per student, r_j^θ = r_j + ρ_w(1 − r_j) the reliability of the school's mean prior
 * for its students' mean true ability (ρ_w the within-school reliability), while the within-school residual carries
 * b²σ_ε²·ρ_w: so φ_j − 1 = (φ − 1)·r_j, with no α needed. A small school's mean prior says little about its intake,
 * the intake term is shrunk away for it, and so is the extra noise (a constant φ made small schools' raw intervals
 * cover .97 instead of .95).
 */
const phiOf = (phi: number, st: SchoolStats) => 1 + (phi - 1) * st.r;

function atTheta(d: Design, theta: number, phi = 1): AtTheta | null {
  const { p } = d;
  const s = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  let c = 0;
  let logDetH = 0;
  for (const st of d.stats) {
    // H_j = I + (φ_j − 1 + n·θ)·11ᵀ/n: school-mean noise φ_jσ²/n, within-school noise σ²; H_j⁻¹ = I − n·w·11ᵀ/n.
    const w = (1 - 1 / (phiOf(phi, st) + st.n * theta)) / st.n;
    const n2w = st.n * st.n * w;
    for (let i = 0; i < p; i++) {
      b[i] += st.zy[i] - n2w * st.zbar[i] * st.ybar;
      for (let j = 0; j < p; j++) s[i][j] += st.zz[i][j] - n2w * st.zbar[i] * st.zbar[j];
    }
    c += st.yy - n2w * st.ybar * st.ybar;
    logDetH += Math.log(phiOf(phi, st) + st.n * theta);
  }
  const l = cholesky(s);
  if (!l) return null;
  const sInv = inverseFromCholesky(l);
  const beta = sInv.map((row) => row.reduce((a, v, j) => a + v * b[j], 0));
  const q = Math.max(1e-300, c - beta.reduce((a, v, i) => a + v * b[i], 0));
  const df = d.n - p;
  const logDetS = 2 * l.reduce((a, row, i) => a + Math.log(row[i]), 0);
  const crit = df * (1 + Math.log((2 * Math.PI * q) / df)) + logDetH + logDetS;
  return { theta, phi, beta, sInv, sigma2: q / df, crit };
}

/** log θ grid for the integration over τ²; also where the REML optimum is searched first. */
const LOG_THETA_MIN = Math.log(1e-7);
const LOG_THETA_MAX = Math.log(1e2);
const COARSE = 41;
const FINE = 48;
/** Half-width of the golden-section bracket on log θ around the best grid point: one coarse step. */
const BRACKET = (LOG_THETA_MAX - LOG_THETA_MIN) / (COARSE - 1);

function remlOptimum(d: Design, grid: AtTheta[]): AtTheta {
  let best = grid.reduce((a, g) => (g.crit < a.crit ? g : a));
  const at0 = atTheta(d, 0, best.phi);
  if (at0 && at0.crit <= best.crit) best = at0;
  // Golden-section on log θ around the best grid point (the criterion is smooth and, there, unimodal).
  const h = BRACKET;
  const centre = best.theta > 0 ? Math.log(best.theta) : LOG_THETA_MIN;
  let lo = centre - h;
  let hi = centre + h;
  const f = (t: number) => atTheta(d, Math.exp(t), best.phi)?.crit ?? Infinity;
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
  const refined = atTheta(d, Math.exp((lo + hi) / 2), best.phi);
  return refined && refined.crit < best.crit ? refined : best;
}

/**
 * Every school's raw effect and BLUP at one (θ, φ), relative to the alliance (minus their student-weighted mean, so
 * that "above the alliance average" means what it says), with the error variances of those contrasts. In σ² units,
 * from Henderson's mixed-model equations (fixed effects' uncertainty included), e_j = raw_j − u_j:
 *   Cov(e_j, e_k) = δ_jk·φ/n_j + (λ_j + λ_k − 1)·z̄_jᵀS⁻¹z̄_k   (a school's own students pull the line toward it)
 *   Cov(û_j − u_j, û_k − u_k) = δ_jk·λ_j·φ/n_j + λ_j·λ_k·z̄_jᵀS⁻¹z̄_k
 */
function schoolsAt(d: Design, a: AtTheta) {
  const N = d.n;
  const rows = d.stats.map((st) => {
    const phi = phiOf(a.phi, st);
    const lambda = (st.n * a.theta) / (phi + st.n * a.theta);
    const raw = st.ybar - dot(st.zbar, a.beta);
    return { st, phi, w: st.n / N, lambda, raw, sz: mulVec(a.sInv, st.zbar) };
  });
  const p = d.p;
  const zw = new Array<number>(p).fill(0); // a = Σ w_k z̄_k
  const zwl = new Array<number>(p).fill(0); // A = Σ w_k λ_k z̄_k
  let rawMean = 0;
  let shMean = 0;
  let w2 = 0;
  let w2l = 0;
  for (const r of rows) {
    for (let i = 0; i < p; i++) {
      zw[i] += r.w * r.st.zbar[i];
      zwl[i] += r.w * r.lambda * r.st.zbar[i];
    }
    rawMean += r.w * r.raw;
    shMean += r.w * r.lambda * r.raw;
    w2 += (r.w * r.w * r.phi) / r.st.n;
    w2l += (r.w * r.w * r.lambda * r.phi) / r.st.n;
  }
  const sA = mulVec(a.sInv, zwl);
  const aSa = dot(zw, mulVec(a.sInv, zw));
  const aSA = dot(zw, sA);
  const ASA = dot(zwl, sA);
  return rows.map((r) => {
    const h = dot(r.st.zbar, r.sz);
    const zSa = dot(r.sz, zw);
    const zSA = dot(r.sz, zwl);
    const own = r.phi / r.st.n;
    const rawVar = own + (2 * r.lambda - 1) * h - 2 * (r.w * own + (r.lambda - 1) * zSa + zSA) + (w2 + 2 * aSA - aSa);
    const shVar = r.lambda * own + r.lambda ** 2 * h - 2 * (r.w * r.lambda * own + r.lambda * zSA) + (w2l + ASA);
    return {
      lambda: r.lambda,
      blup: r.lambda * r.raw,
      raw: r.raw - rawMean,
      rawVar: a.sigma2 * Math.max(rawVar, 1e-12 * own),
      shrunk: r.lambda * r.raw - shMean,
      shrunkVar: a.sigma2 * Math.max(shVar, 1e-12 * own),
    };
  });
}

function toOriginalScale(d: Design, a: AtTheta): { beta: number[]; slopeCov: number[][] } {
  const beta = [...a.beta];
  // y − d = β0c + Σβ_k(x_k − c_k) + Σγ_k(x̄_k − c_k): the intercept absorbs the centring; slopes are unchanged.
  let shift = 0;
  // Latent: γ_k·r_j·(x̄_kj − c_k) has no constant part to move into the intercept.
  for (let c = 0; c < d.k; c++)
    shift += (a.beta[1 + c] + (d.contextual && !d.latent ? a.beta[1 + d.k + c] : 0)) * d.xCentre[c];
  beta[0] = a.beta[0] + d.yCentre - shift;
  const slopeCov = a.sInv.slice(1).map((row) => row.slice(1).map((v) => v * a.sigma2));
  return { beta, slopeCov };
}

/**
 * Fits the model and gives each school's raw effect and BLUP with 95% intervals that carry the uncertainty of τ²
 * and of the fixed effects. Null when it cannot be fitted (fewer than 2 schools, or too few students).
 * `contextual: 'auto'` includes the school-mean terms when there are at least contextualMinSchools(K) schools.
 */
export function fitMultilevel(
  schools: readonly MultilevelSchool[],
  options: {
    contextual?: boolean | 'auto';
    /** How the school's mean prior enters (default latent); manifest is lme4's model with ave(x) as a column. */
    intake?: 'manifest' | 'latent';
    phi?: number | 'free';
    reliability?: number | null;
  } = {},
): { fit: MultilevelFit; effects: MultilevelSchoolEffect[] } | null {
  const used = schools.filter((s) => s.y.length > 0);
  if (used.length < 2 || used.length !== schools.length) return null;
  const k = used[0].x.length;
  const n = used.reduce((a, s) => a + s.y.length, 0);
  const { contextual = 'auto', phi = 'free' } = options;
  const withIntake = contextual === 'auto' ? used.length >= contextualMinSchools(k) : contextual;
  let d = design(used, withIntake ? (options.intake ?? 'latent') : false);
  if (n < d.p + 2) return null;
  let lme4Grid = gridOf(d, 1);
  if (!lme4Grid.length && d.contextual) {
    // School means collinear (e.g. every school the same intake): the contextual term cannot be estimated.
    d = design(used, false);
    lme4Grid = gridOf(d, 1);
  }
  if (!lme4Grid.length) return null;
  // The reported fit (fixed effects, σ², τ², BLUPs) is the REML fit at φ = 1 (lme4's model): stable, checkable.
  const best = remlOptimum(d, lme4Grid);
  const fromIntake = d.latent ? setIntakeShares(d, best) : null;
  const grid = phi === 1 ? lme4Grid : gridOf(d, phi);
  // Posterior weights over (log θ, log φ): restricted likelihood × uniform prior on τ (∝ θ^½ on the log θ scale) ×
  // φ's prior: centred on the φ a known reliability implies, else on the one the intake term implies, else flat.
  const fromAlpha = phi === 'free' && k === 1 ? phiFromReliability(used, best, options.reliability ?? null) : null;
  const centre = phi !== 'free' ? null : fromAlpha !== null ? { phi: fromAlpha, sd: PHI_SD } : fromIntake;
  const logW = grid.map(
    (g) => logPosterior(g) + (centre === null ? 0 : -((Math.log(g.phi / centre.phi) / centre.sd) ** 2) / 2),
  );
  const top = Math.max(...logW);
  const kept = grid.map((g, i) => ({ g, w: Math.exp(logW[i] - top) })).filter((e) => e.w > 1e-8);
  const total = kept.reduce((a, e) => a + e.w, 0);
  const w = kept.map((e) => e.w / total);
  const at = schoolsAt(d, best);
  const per = kept.map((e) => schoolsAt(d, e.g));
  // Point estimates and SEs are the mixture's mean and SD, so each sits inside its own interval.
  const moments = (m: number[], s: number[]) => {
    const mean = w.reduce((a, wg, g) => a + wg * m[g], 0);
    const second = w.reduce((a, wg, g) => a + wg * (s[g] ** 2 + m[g] ** 2), 0);
    return { mean, sd: Math.sqrt(Math.max(0, second - mean * mean)) };
  };
  const effects = at.map((x, j) => {
    const rawM = per.map((q) => q[j].raw);
    const rawS = per.map((q) => Math.sqrt(q[j].rawVar));
    const shM = per.map((q) => q[j].shrunk);
    const shS = per.map((q) => Math.sqrt(q[j].shrunkVar));
    const raw = moments(rawM, rawS);
    const shrunk = moments(shM, shS);
    return {
      n: d.stats[j].n,
      raw: raw.mean,
      rawSe: raw.sd,
      rawLow: mixtureQuantile(w, rawM, rawS, 0.025),
      rawHigh: mixtureQuantile(w, rawM, rawS, 0.975),
      lambda: w.reduce((a, wg, g) => a + wg * per[g][j].lambda, 0),
      blup: x.blup,
      shrunk: shrunk.mean,
      shrunkSe: shrunk.sd,
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
      phi: w.reduce((a, wg, g) => a + wg * kept[g].g.phi, 0),
      remlCriterion: best.crit,
    },
    effects,
  };
}

/**
 * φ grid, log-uniform prior on [1/2, 3]. φ is the school-mean noise per student relative to the within-school σ²:
 * the prior's measurement error, averaged over a school's students, is noise in the school mean that the
 * within-school residuals do not show (with slope b on true ability and error variance v, φ ≈ (b²v + σ_e²) /
 * (b²v/(1 + v) + σ_e²) > 1), and unequal spreads between schools move it either way. It is not identifiable from the
 * prior's totals alone (issue 15), and the data only weakly separate it from τ² (school sizes must differ); its
 * REML estimate is unstable, so it is integrated over, never plugged in. Without it, the intervals of a low-
 * reliability prior covered .89–.93. A fixed φ (φ = 1: lme4's model) gives a one-point grid.
 */
function phisOf(phi: number | 'free'): number[] {
  if (phi !== 'free') return [phi];
  return Array.from(
    { length: PHI_GRID },
    (_, i) => PHI_MIN * Math.exp((Math.log(PHI_MAX / PHI_MIN) * i) / (PHI_GRID - 1)),
  );
}
/**
 * φ implied by a known reliability α of one prior column (issue 15 item 3: the prior's own α, or the one stated at
 * import). With y = b·θ + e (var σ²) and x = θ + ε (error var σ_ε² = (1 − α)·Var(x) over the alliance), the within-school
 * slope is β_w = b·V_θ/V_x and the residual variance σ_r² = b·β_w·σ_ε² + σ², while a school mean's noise per student is
 * b²σ_ε² + σ² (the error averages over the school's students but does not vanish from its mean): φ = that / σ_r², with
 * b = β_w·V_x/(V_x − σ_ε²), V_x the within-school variance of x. Null when α is unknown or does not fit the data.
 */
function phiFromReliability(schools: readonly MultilevelSchool[], at: AtTheta, alpha: number | null): number | null {
  if (alpha === null || !(alpha > 0 && alpha < 1)) return null;
  let n = 0;
  let sum = 0;
  let ssw = 0;
  for (const s of schools) {
    const col = s.x[0];
    const m = col.reduce((a, v) => a + v, 0) / col.length;
    for (const v of col) ssw += (v - m) ** 2;
    n += col.length;
    sum += col.reduce((a, v) => a + v, 0);
  }
  const mean = sum / n;
  let sst = 0;
  for (const s of schools) for (const v of s.x[0]) sst += (v - mean) ** 2;
  const vx = ssw / Math.max(1, n - schools.length);
  const err = (1 - alpha) * (sst / (n - 1));
  const bw = at.beta[1];
  if (!(vx > err) || !(at.sigma2 > 0)) return null;
  const b = (bw * vx) / (vx - err);
  const phi = (b * b * err + at.sigma2 - b * bw * err) / at.sigma2;
  return Number.isFinite(phi) && phi > 0 ? Math.min(PHI_MAX, Math.max(PHI_MIN, phi)) : null;
}
/**
 * With the latent intake term: each school's share of φ − 1 (its intake noise over a large school's, intakeNoise),
 * and the large-school φ that γ implies, 1 + γᵀS_wγ/σ², with its uncertainty from γ's (delta method) on the log scale.
 * Null when the intake term carries no noise (no intake differences).
 */
function setIntakeShares(d: Design, best: AtTheta): { phi: number; sd: number } | null {
  const a = d.anova!;
  const gamma = best.beta.slice(1 + d.k);
  const sg = mulVec(a.within, gamma);
  const large = dot(gamma, sg);
  if (!(large > 0)) return null;
  d.stats.forEach((st, j) => (st.r = Math.min(1, Math.max(0, intakeNoise(a, gamma, j, st.n) / large))));
  // Var(γ̂) = σ²·S⁻¹ (its γ block). γ̂ᵀS_wγ̂ overstates γᵀS_wγ by tr(S_w·Var(γ̂)) on average (noticeably with two
  // or more prior columns, whose school means are near-collinear): subtracted. d(φ − 1)/dγ = 2S_wγ/σ².
  const cov = best.sInv.slice(1 + d.k).map((row) => row.slice(1 + d.k).map((v) => v * best.sigma2));
  const bias = a.within.reduce(
    (t, row, c) =>
      t +
      dot(
        row,
        cov.map((r) => r[c]),
      ),
    0,
  );
  const phi = 1 + Math.max(0, large - bias) / best.sigma2;
  const sdLog = Math.sqrt(dot(sg, mulVec(cov, sg))) * (2 / best.sigma2 / phi);
  return {
    phi: Math.min(PHI_MAX, Math.max(PHI_MIN, phi)),
    sd: Math.sqrt(PHI_SD ** 2 + sdLog ** 2),
  };
}

/** SD on the log scale of φ's prior around the φ a known reliability implies (unequal spreads still move it). */
const PHI_SD = 0.2;
const PHI_GRID = 12;
const PHI_MIN = 0.5;
const PHI_MAX = 3;

const logPosterior = (g: AtTheta) => -g.crit / 2 + 0.5 * Math.log(g.theta);

function thetaGrid(d: Design, phis: number[], lo: number, hi: number, points: number): AtTheta[] {
  const out: AtTheta[] = [];
  for (const f of phis)
    for (let i = 0; i < points; i++) {
      const a = atTheta(d, Math.exp(lo + ((hi - lo) * i) / (points - 1)), f);
      if (a) out.push(a);
    }
  return out;
}

/** A coarse pass over log θ ∈ [ln 1e-7, ln 1e2] finds where the posterior lies; a fine pass covers that range. */
function gridOf(d: Design, phi: number | 'free'): AtTheta[] {
  const phis = phisOf(phi);
  // The extreme φ bound where θ's posterior can lie (a larger φ moves it to a smaller θ, and back).
  const edges = phis.length > 2 ? [phis[0], phis[phis.length - 1]] : phis;
  const coarse = thetaGrid(d, edges, LOG_THETA_MIN, LOG_THETA_MAX, COARSE);
  if (!coarse.length) return coarse;
  const top = Math.max(...coarse.map(logPosterior));
  const alive = coarse.filter((g) => logPosterior(g) - top > -25).map((g) => Math.log(g.theta));
  const step = (LOG_THETA_MAX - LOG_THETA_MIN) / (COARSE - 1);
  const lo = Math.max(LOG_THETA_MIN, Math.min(...alive) - step);
  const hi = Math.min(LOG_THETA_MAX, Math.max(...alive) + step);
  return thetaGrid(d, phis, lo, hi, FINE);
}
