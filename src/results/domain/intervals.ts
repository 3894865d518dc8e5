// Confidence intervals for shares (三率). Pure.

/** Two-sided 95% normal quantile, qnorm(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a share x/n (no continuity correction; the same as R's
 * prop.test(x, n, correct = FALSE)$conf.int). Chosen over the Wald interval because rates near 0 or 1
 * in small schools are common here, where Wald gives impossible bounds and a zero width at 0% and 100%.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(n) || n <= 0) throw new Error('Wilson interval needs a positive whole n');
  if (!Number.isInteger(successes) || successes < 0 || successes > n)
    throw new Error('Wilson interval needs 0 ≤ successes ≤ n');
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp only the float noise at the ends: at x = 0 the low bound is exactly 0, at x = n the high bound is 1.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}
