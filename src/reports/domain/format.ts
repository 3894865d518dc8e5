// How figures are printed in reports. Suppressed or missing figures print as a dash.
import { round } from '../../results/domain/statistics.js';

export const DASH = '—';

/** 12.5 → "12.50" (two decimals, as scores are kept). */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return round(x, digits).toFixed(digits);
}

/** 0.2813 → "28.1%"; with sign: "+28.1%" / "-25.0%". */
export function formatPercent(x: number | null | undefined, signed = false): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const v = round(x * 100, 1);
  const s = v.toFixed(1);
  return `${signed && v > 0 ? '+' : ''}${s}%`;
}

/** Percentage points with one decimal: 15.25 → "15.3". */
export function formatPoints(x: number): string {
  return round(x, 1).toFixed(1);
}
