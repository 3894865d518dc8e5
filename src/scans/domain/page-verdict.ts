// What ingestion concludes about a page it cannot record, and what it keeps of the alignment: plain data.
import type { Alignment } from './read-page.js';

/** Why a page is not recorded: a code, and the reason in Chinese for the scanner who fixes it. */
export interface Verdict {
  code: string;
  reason: string;
}

/** Thrown while a read page is being recorded: the transaction rolls back and the page gets the verdict instead. */
export class PageException extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.reason);
  }
}

/** The alignment as the page's row keeps it, for diagnosis: rounded, the scale as dpi. */
export function alignmentJson(a: Alignment | undefined) {
  if (!a) return null;
  const r = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
  const t = a.transform;
  return {
    transform: { a: r(t.a, 6), b: r(t.b, 6), c: r(t.c, 3), d: r(t.d, 6), e: r(t.e, 6), f: r(t.f, 3) },
    rmsPx: r(a.rmsPx, 3),
    maxPx: r(a.maxPx, 3),
    fiducialsFound: a.fiducialsFound,
    dpi: r(a.scale * 72, 1),
    rotationDeg: r(a.rotationDeg, 3),
    upsideDown: a.upsideDown,
  };
}
