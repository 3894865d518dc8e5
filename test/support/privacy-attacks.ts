// The attacks of issue 14 §11, as a principal (or anyone holding what a principal can fetch) would run them. Each
// returns the head counts (or ranks) it pins down; an attack fails when it pins down none.
import { inflateSync } from 'node:zlib';

/** Every n in [lo, hi] for which each fraction has an integer count k with |k/n − f| ≤ tol (a served rate or mean/step). */
export function consistentCounts(fractions: number[], tol: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let n = lo; n <= hi; n++)
    if (fractions.every((f) => Math.abs(Math.round(f * n) / n - f) <= tol + 1e-12)) out.push(n);
  return out;
}

/**
 * Common denominator: the smallest n consistent with every rate (and the mean over a score step of 1) at the precision
 * served. Pinned when the consistent set is that n and its multiples only.
 */
export function denominatorAttack(
  rates: number[],
  mean: number | null,
  ratePrecision: number,
  meanPrecision: number,
  hi: number,
) {
  const fr = [...rates];
  const byRates = consistentCounts(fr, ratePrecision / 2, 6, hi);
  const byMean =
    mean === null
      ? byRates
      : byRates.filter((n) => Math.abs(mean * n - Math.round(mean * n)) <= (meanPrecision / 2) * n + 1e-9);
  const first = byMean[0];
  const pinned = first !== undefined && byMean.every((n) => n % first === 0) ? first : null;
  return { candidates: byMean, pinned };
}

/** Width of interval → n: w = c/√n with c = w_own·√n_own (a common t and pooled SD). `tol` = precision of the width. */
export function widthAttack(ownWidth: number, ownN: number, width: number, tol: number, hi: number) {
  const c = ownWidth * Math.sqrt(ownN);
  const candidates: number[] = [];
  for (let n = 6; n <= hi; n++) if (Math.abs(c / Math.sqrt(n) - width) <= tol + 1e-9) candidates.push(n);
  return { candidates, pinned: candidates.length === 1 ? candidates[0] : null };
}

/** Shrinkage ratio → n: λ = vaShrunk/va = τ²/(τ² + s²/n), s² = se_own²·n_own. `half` = half a unit of the served VA. */
export function shrinkageAttack(
  tau2: number,
  ownSe: number,
  ownN: number,
  va: number,
  vaShrunk: number,
  half: number,
  hi: number,
) {
  const s2 = ownSe * ownSe * ownN;
  const candidates: number[] = [];
  if (Math.abs(va) <= half) return { candidates, pinned: null };
  for (let n = 6; n <= hi; n++) {
    const lambda = tau2 / (tau2 + s2 / n);
    // some true va within the served rounding whose shrunken value rounds to the served one
    const lo = (va - half) * lambda;
    const hi2 = (va + half) * lambda;
    if (vaShrunk + half >= Math.min(lo, hi2) - 1e-9 && vaShrunk - half <= Math.max(lo, hi2) + 1e-9) candidates.push(n);
  }
  return { candidates, pinned: candidates.length === 1 ? candidates[0] : null };
}

/**
 * Own students' alliance ranks from the alliance's band counts, its maximum and the own totals: the own students of the
 * top non-empty alliance band are the alliance's top k when the band holds no one else; the own best is the alliance's
 * first when it equals the alliance maximum. Returns the ranks pinned (1-based) for own students.
 */
export function rankAttack(
  bands: { from: number; to: number; count: number }[] | null,
  max: number | null,
  ownTotals: number[],
) {
  const pinned: number[] = [];
  const sorted = [...ownTotals].sort((a, b) => b - a);
  if (max !== null && sorted[0] === max && sorted[1] !== max) pinned.push(1);
  if (bands) {
    const top = [...bands].reverse().find((b) => b.count > 0);
    if (top) {
      const last = top === bands[bands.length - 1];
      const mine = sorted.filter((t) => t >= top.from && (last ? t <= top.to : t < top.to));
      if (mine.length === top.count) for (let r = 1; r <= mine.length; r++) if (!pinned.includes(r)) pinned.push(r);
    }
  }
  return pinned.sort((a, b) => a - b);
}

/** Every content stream of a PDF, inflated. */
export function pdfContent(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not deflated
    }
  }
  return out.join('\n');
}

/**
 * The horizontal whiskers of a forest plot from a PDF's vector paths: one graphics block per segment ("q … 1.2 w …
 * x1 y m x2 y l … Q"), its stroke colour telling the own row (blue) from the others (grey), in page units.
 */
export function forestWhiskers(content: string): { y: number; x1: number; x2: number; own: boolean }[] {
  const out: { y: number; x1: number; x2: number; own: boolean }[] = [];
  for (const block of content.split(/\nQ\n/)) {
    if (!/\n1\.2 w\n/.test(block)) continue;
    const seg = /([\d.-]+) ([\d.-]+) m\n([\d.-]+) ([\d.-]+) l/.exec(block);
    const colour = /([\d.]+) ([\d.]+) ([\d.]+) SCN/.exec(block);
    if (!seg || !colour) continue;
    const [x1, y1, x2, y2] = seg.slice(1, 5).map(Number);
    if (Math.abs(y1 - y2) > 1e-6 || Math.abs(x2 - x1) < 1e-6) continue;
    const grey = colour[1] === colour[2] && colour[2] === colour[3];
    out.push({ y: y1, x1: Math.min(x1, x2), x2: Math.max(x1, x2), own: !grey });
  }
  return out;
}
