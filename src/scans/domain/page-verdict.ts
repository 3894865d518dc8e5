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

/**
 * The alignment as the page's row keeps it, for diagnosis: rounded, the scale as dpi. `model` says which map the
 * bubbles and snippets went through: 'homography' (four fiducials; kept, row-major with h33 = 1, to nine significant
 * digits since its last row is tiny) or 'affine' (three).
 */
export function alignmentJson(a: Alignment | undefined) {
  if (!a) return null;
  const r = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
  const t = a.transform;
  const h = a.homography;
  return {
    model: h ? ('homography' as const) : ('affine' as const),
    ...(h ? { homography: h.map((v) => Number(v.toPrecision(9))) } : {}),
    transform: { a: r(t.a, 6), b: r(t.b, 6), c: r(t.c, 3), d: r(t.d, 6), e: r(t.e, 6), f: r(t.f, 3) },
    rmsPx: r(a.rmsPx, 3),
    maxPx: r(a.maxPx, 3),
    fiducialsFound: a.fiducialsFound,
    dpi: r(a.scale * 72, 1),
    rotationDeg: r(a.rotationDeg, 3),
    upsideDown: a.upsideDown,
  };
}
