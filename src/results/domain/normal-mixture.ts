// Normal distribution and quantiles of normal mixtures, for intervals that integrate over a variance. Pure.

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
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
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
