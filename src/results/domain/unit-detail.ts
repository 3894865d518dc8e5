// The diagnosis figures of one unit (a school, a class, the alliance), beside its UnitAnalysis (issue 14):
// per item its spread, zero and full-mark shares, score distribution and option shares; per knowledge point and
// cognitive level the mean and spread of the unit's subtotal; for schools and classes the count of students at each
// whole point of the total (临界生 within any margin of a threshold). Pure; rounded for storage.
import { cents, round } from './statistics.js';

const r4 = (x: number) => round(x, 4);

export interface DetailItem {
  itemId: number;
  maxScore: number;
  type?: string;
  knowledgePoints: readonly string[];
  cognitiveLevel?: string | null;
  choice?: { optionCount: number; options?: readonly string[]; key: string; multiple: boolean } | null;
}

export interface UnitItemDetail {
  itemId: number;
  /** Population SD of the item score in the unit. */
  sd: number;
  /** Shares (0..1) of the unit's students with 0 and with full marks on the item. */
  zeroShare: number;
  fullShare: number;
  /** Shares of students per whole-point score band: index k counts scores in [k, k+1) (the last holds full marks). */
  distribution: number[];
  /** Choice items whose marks are known: share of the unit's students marking each option (a multiple mark counts for each). */
  options: { option: string; isKey: boolean; share: number }[] | null;
  blankShare: number | null;
  /** Students whose marks are known (the denominator of the option shares). */
  markedN: number | null;
}

/** A group of items (one knowledge point or one cognitive level): the unit's subtotal over them. */
export interface UnitGroupDetail {
  kind: 'knowledge_point' | 'cognitive_level';
  key: string;
  itemIds: number[];
  maxScore: number;
  mean: number;
  /** Population SD of the students' subtotals (carries the items' covariance, so the noise of the group rate is exact). */
  sd: number;
}

export interface UnitDetail {
  items: UnitItemDetail[];
  groups: UnitGroupDetail[];
  /** Students per whole point of the total: index k counts totals in [k, k+1). Schools and classes only. */
  totalCounts: number[] | null;
}

function moments(values: Float64Array): { mean: number; sd: number } {
  const n = values.length;
  if (!n) return { mean: 0, sd: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) * (values[i] - m);
  return { mean: m, sd: Math.sqrt(v / n) };
}

/** The groups an item list defines: each knowledge point, then each cognitive level, with their items. */
export function itemGroups(
  items: readonly DetailItem[],
): { kind: UnitGroupDetail['kind']; key: string; idx: number[] }[] {
  const kp = new Map<string, number[]>();
  const level = new Map<string, number[]>();
  items.forEach((it, j) => {
    for (const k of new Set(it.knowledgePoints.map((x) => x.trim()).filter(Boolean)))
      kp.set(k, [...(kp.get(k) ?? []), j]);
    const l = it.cognitiveLevel?.trim();
    if (l) level.set(l, [...(level.get(l) ?? []), j]);
  });
  const list = (kind: UnitGroupDetail['kind'], m: Map<string, number[]>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, idx]) => ({ kind, key, idx }));
  return [...list('knowledge_point', kp), ...list('cognitive_level', level)];
}

/** The options a mark names, by index, and -1 when it is blank. */
function markedOptions(raw: string, letters: readonly string[]): number[] {
  const m = raw.toUpperCase();
  const hits = m.length ? [] : [-1];
  letters.forEach((l, o) => {
    if (m.includes(l)) hits.push(o);
  });
  return hits;
}

function optionShares(
  it: DetailItem,
  marks: readonly (string | null | undefined)[],
): Pick<UnitItemDetail, 'options' | 'blankShare' | 'markedN'> {
  if (!it.choice) return { options: null, blankShare: null, markedN: null };
  const letters =
    it.choice.options ?? Array.from({ length: it.choice.optionCount }, (_, o) => String.fromCharCode(65 + o));
  const counts = new Array<number>(letters.length).fill(0);
  let known = 0;
  let blank = 0;
  // A unit's marks are a handful of distinct strings ("A", "B", "", "AC"…): each is read once, then looked up.
  const seen = new Map<string, number[]>();
  for (const raw of marks) {
    if (typeof raw !== 'string') continue;
    known++;
    let hits = seen.get(raw);
    if (!hits) seen.set(raw, (hits = markedOptions(raw, letters)));
    for (const o of hits)
      if (o < 0) blank++;
      else counts[o]++;
  }
  if (!known) return { options: null, blankShare: null, markedN: null };
  const key = it.choice.key.toUpperCase();
  return {
    options: letters.map((option, o) => ({ option, isKey: key.includes(option), share: r4(counts[o] / known) })),
    blankShare: r4(blank / known),
    markedN: known,
  };
}

/**
 * The detail of one unit from its complete students' item scores (rows in item order) and, for choice items, what
 * they marked (same shape; undefined when unknown). `fullMarks` given: also the whole-point counts of the totals.
 */
export function unitDetail(
  items: readonly DetailItem[],
  scores: readonly (readonly number[])[],
  marked: readonly (readonly (string | null | undefined)[])[] | undefined,
  fullMarks: number | null,
): UnitDetail {
  return unitDetailColumns(
    items,
    scores.length,
    items.map((_, j) => Float64Array.from(scores, (row) => row[j])),
    marked ? items.map((_, j) => marked.map((row) => row[j])) : null,
    fullMarks,
  );
}

/** The same detail from columns: cols[j] holds item j's score of each of n students, marks[j] their marks (or null). */
export function unitDetailColumns(
  items: readonly DetailItem[],
  n: number,
  cols: readonly Float64Array[],
  marks: readonly (readonly (string | null | undefined)[] | null)[] | null,
  fullMarks: number | null,
): UnitDetail {
  const detailItems = items.map((it, j): UnitItemDetail => {
    const col = cols[j];
    const { sd } = moments(col);
    const bins = Math.floor(it.maxScore) + 1;
    const dist = new Array<number>(bins).fill(0);
    const full = cents(it.maxScore);
    let zero = 0;
    let fullCount = 0;
    for (let i = 0; i < n; i++) {
      const c = cents(col[i]);
      if (c <= 0) zero++;
      if (c >= full) fullCount++;
      dist[Math.min(bins - 1, Math.max(0, Math.floor(c / 100)))]++;
    }
    return {
      itemId: it.itemId,
      sd: r4(sd),
      zeroShare: n ? r4(zero / n) : 0,
      fullShare: n ? r4(fullCount / n) : 0,
      distribution: dist.map((c) => (n ? r4(c / n) : 0)),
      ...optionShares(it, marks?.[j] ?? []),
    };
  });
  const groups = itemGroups(items).map(({ kind, key, idx }): UnitGroupDetail => {
    const sub = new Float64Array(n);
    for (const j of idx) for (let i = 0; i < n; i++) sub[i] += cols[j][i];
    const { mean, sd } = moments(sub);
    const maxC = idx.reduce((a, j) => a + cents(items[j].maxScore), 0);
    return { kind, key, itemIds: idx.map((j) => items[j].itemId), maxScore: maxC / 100, mean: r4(mean), sd: r4(sd) };
  });
  let totalCounts: number[] | null = null;
  if (fullMarks !== null) {
    const bins = Math.floor(fullMarks) + 1;
    totalCounts = new Array<number>(bins).fill(0);
    const rowCents = new Float64Array(n);
    for (const col of cols) for (let i = 0; i < n; i++) rowCents[i] += cents(col[i]);
    for (let i = 0; i < n; i++) totalCounts[Math.min(bins - 1, Math.max(0, Math.floor(rowCents[i] / 100)))]++;
  }
  return { items: detailItems, groups, totalCounts };
}
