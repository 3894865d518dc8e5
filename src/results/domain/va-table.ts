// The analysts' value-added table (issue 15 §6): rows of a CSV with `school`, `prior` (blank: no prior),
// `current` (blank: absent) and optionally `prior_item_1 … prior_item_k` in, one JSON-able object out, computed by
// the same longitudinal() as the results job. Every figure in points of the current exam, relative to the alliance.
import { analyseItems } from './item-analysis.js';
import { longitudinal } from './value-added.js';
import { vaStatement, verdictOf } from './va-statement.js';

export interface VaTableRow {
  school: string;
  prior: number | null;
  current: number | null;
  /** The prior's item scores, when known. */
  priorItems?: (number | null)[];
}

export interface VaTable {
  method: string;
  priorReliability: number | null;
  schools: {
    school: string;
    n: number;
    va: number | null;
    low: number | null;
    high: number | null;
    shrunk: number | null;
    shrunkLow: number | null;
    shrunkHigh: number | null;
    statement: string | null;
  }[];
}

/** α of the prior's items over students with every item (null when there are no items or fewer than 2 such). */
function itemAlpha(rows: readonly VaTableRow[]): number | null {
  const k = rows.find((r) => r.priorItems?.length)?.priorItems?.length ?? 0;
  if (k < 2) return null;
  const scores = rows
    .map((r) => r.priorItems ?? [])
    .filter((it) => it.length === k && it.every((v) => v !== null && Number.isFinite(v))) as number[][];
  if (scores.length < 2) return null;
  const maxScore = (j: number) => Math.max(1, ...scores.map((s) => s[j]));
  return analyseItems({
    items: Array.from({ length: k }, (_, j) => ({ itemId: j + 1, maxScore: maxScore(j) })),
    scores,
  }).alpha;
}

/** `priorReliability`: stated by the analyst (overrides α from the items); reported with the method, not needed by it. */
export function valueAddedTable(rows: readonly VaTableRow[], priorReliability: number | null = null): VaTable {
  const names = [...new Set(rows.map((r) => r.school))];
  const id = new Map(names.map((n, i) => [n, i + 1]));
  const current = rows.flatMap((r, i) =>
    r.current === null ? [] : [{ studentId: i + 1, schoolId: id.get(r.school)!, total: r.current }],
  );
  const prior = new Map(rows.flatMap((r, i) => (r.prior === null ? [] : [[i + 1, r.prior] as [number, number]])));
  const reliability = priorReliability ?? itemAlpha(rows);
  const l = longitudinal({
    schools: names.map((_, i) => ({ schoolId: i + 1 })),
    current,
    prior,
    priorReliability: reliability,
  });
  const m = l.method;
  return {
    method: [m.model, m.estimand, m.reliability, m.schoolVa, m.shrinkage, m.verdict].filter(Boolean).join('。') + '。',
    priorReliability: reliability,
    schools: l.schools.map((s) => {
      const v = verdictOf(s);
      return {
        school: names[s.schoolId - 1],
        n: s.matched,
        va: s.va,
        low: s.ciLow,
        high: s.ciHigh,
        shrunk: s.vaShrunk,
        shrunkLow: s.shrunkLow,
        shrunkHigh: s.shrunkHigh,
        statement: v ? vaStatement(v) : null,
      };
    }),
  };
}
