// How figures are printed in reports. Suppressed or missing figures print as a dash; whole numbers print without
// decimals ("85", "100%", not "85.00", "100.0%"), the rest with the given digits.
import { round } from '../../results/domain/statistics.js';

export const DASH = '—';

function fixed(x: number, digits: number): string {
  const v = round(x, digits);
  return Number.isInteger(v) ? String(v === 0 ? 0 : v) : v.toFixed(digits);
}

/** 12.5 → "12.50" (two decimals, as scores are kept); 16 → "16". */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return fixed(x, digits);
}

/** 0.2813 → "28.1%", 0.5 → "50%"; with sign: "+28.1%" / "-25%". */
export function formatPercent(x: number | null | undefined, signed = false): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const v = round(x * 100, 1);
  return `${signed && v > 0 ? '+' : ''}${fixed(v, 1)}%`;
}

/** Percentage points with one decimal: 15.25 → "15.3", 10 → "10". */
export function formatPoints(x: number): string {
  return fixed(x, 1);
}

/** A whole percent for plain sentences: 0.283 → "28%". */
export function wholePercent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Points in plain sentences, one decimal at most: 4.59 → "4.6", 5 → "5". */
export function plainPoints(x: number): string {
  return fixed(Math.abs(x), 1);
}

/** Signed points for plain sentences: +4.6 / −2 (a true minus sign). */
export function signedPoints(x: number, digits = 1): string {
  const t = fixed(Math.abs(x), digits);
  if (Number(t) === 0) return '0';
  return `${x > 0 ? '+' : '−'}${t}`;
}
