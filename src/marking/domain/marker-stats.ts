// Figures the subject-lead console shows per marker and per item. Pure. Population SD (DESIGN.md §5).

export interface StatsMark {
  markerId: number;
  snippetId: number;
  round: number;
  score: number | null;
  secondsSpent: number;
}

export interface SnippetOutcome {
  /** A third-round task was created for the snippet. */
  third: boolean;
  /** The snippet went (or waits) to arbitration. */
  arbitration: boolean;
}

export interface MarkerFigures {
  markerId: number;
  count: number;
  mean: number | null;
  sd: number | null;
  /** Marker mean − group mean, in score points (positive: lenient). */
  meanVsGroup: number | null;
  /** Marker SD ÷ group SD. */
  sdVsGroup: number | null;
  distribution: { score: number; count: number }[];
  thirdRate: number | null;
  arbitrationRate: number | null;
  seedAgreement: number | null;
  seeds: number;
  selfConsistency: number | null;
  selfChecks: number;
  medianSeconds: number | null;
}

export function meanSd(xs: number[]): { mean: number | null; sd: number | null } {
  if (!xs.length) return { mean: null, sd: null };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd };
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const round4 = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

/**
 * Per-marker figures on one item group, from the live (not superseded) marks of the group, the outcome of each
 * snippet, and each marker's seed and self re-marking outcomes.
 */
export function markerFigures(
  marks: StatsMark[],
  outcomes: Map<number, SnippetOutcome>,
  qc: Map<number, { seeds: boolean[]; selfChecks: boolean[] }>,
): MarkerFigures[] {
  const scored = marks.filter((m) => m.score !== null) as (StatsMark & { score: number })[];
  const group = meanSd(scored.map((m) => m.score));
  const markerIds = [...new Set([...marks.map((m) => m.markerId), ...qc.keys()])].sort((a, b) => a - b);
  return markerIds.map((markerId) => {
    const mine = marks.filter((m) => m.markerId === markerId);
    const scores = scored.filter((m) => m.markerId === markerId).map((m) => m.score);
    const { mean, sd } = meanSd(scores);
    const dist = new Map<number, number>();
    for (const s of scores) dist.set(s, (dist.get(s) ?? 0) + 1);
    // Third marking and arbitration rates count the marker's round 1–2 marks: the rounds that can disagree.
    const early = mine.filter((m) => m.round <= 2);
    const q = qc.get(markerId) ?? { seeds: [], selfChecks: [] };
    return {
      markerId,
      count: mine.length,
      mean: round4(mean),
      sd: round4(sd),
      meanVsGroup: round4(mean !== null && group.mean !== null ? mean - group.mean : null),
      sdVsGroup: round4(sd !== null && group.sd ? sd / group.sd : null),
      distribution: [...dist.entries()].sort((a, b) => a[0] - b[0]).map(([score, count]) => ({ score, count })),
      thirdRate: round4(ratio(early.filter((m) => outcomes.get(m.snippetId)?.third).length, early.length)),
      arbitrationRate: round4(ratio(mine.filter((m) => outcomes.get(m.snippetId)?.arbitration).length, mine.length)),
      seedAgreement: round4(ratio(q.seeds.filter(Boolean).length, q.seeds.length)),
      seeds: q.seeds.length,
      selfConsistency: round4(ratio(q.selfChecks.filter(Boolean).length, q.selfChecks.length)),
      selfChecks: q.selfChecks.length,
      medianSeconds: median(mine.map((m) => m.secondsSpent)),
    };
  });
}

/**
 * Minutes left for an item at the recent pace: open tasks ÷ marks per minute over the recent window.
 * null when nothing was marked recently (no pace to go by); 0 when nothing is left.
 */
export function estimateMinutesLeft(openTasks: number, recentMarks: number, windowMinutes: number): number | null {
  if (openTasks <= 0) return 0;
  if (recentMarks <= 0 || windowMinutes <= 0) return null;
  return Math.ceil(openTasks / (recentMarks / windowMinutes));
}
