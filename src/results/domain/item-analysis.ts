// Classical item analysis of one paper (DESIGN §5, issue 5 §2). Pure: a score matrix in, figures out.
//
// Definitions, stated once:
//  - P (difficulty) = item mean / item max.
//  - D (discrimination) = (item mean in the top 27% − item mean in the bottom 27%) / item max, groups by the
//    paper total. Group size k = round(0.27·n) students (at least 1). Students tied on the total at a group's
//    edge share the remaining places equally (fractional weights), so D never depends on row order.
//  - Corrected item-total correlation r_drop = Pearson r of the item with the total of the other items.
//  - Cronbach's α = k/(k−1)·(1 − Σσᵢ²/σ_X²); it is KR-20 when every item is scored 0/1 (same formula then).
//    α-if-item-deleted: α of the other k−1 items. SEM = σ_X·√(1 − α), σ_X the population SD of totals.
//  - Ebel (1965) bands on D: ≥ .40 very good, .30–.39 good, .20–.29 marginal, < .20 poor. D < 0: possible
//    wrong key (objective) or wrong reference answer (subjective).
import { cents } from './statistics.js';

export type EbelRating = 'very_good' | 'good' | 'marginal' | 'poor';

export const EBEL_LABELS: Record<EbelRating, string> = {
  very_good: '很好（D≥0.40）',
  good: '良好（0.30≤D<0.40）',
  marginal: '尚可，宜修改（0.20≤D<0.30）',
  poor: '差，应淘汰或重写（D<0.20）',
};

export const GROUP_SHARE = 0.27;

export interface ItemAnalysisItem {
  itemId: number;
  maxScore: number;
  /**
   * Choice items only: options A.. (or the given option letters, e.g. T/F for true-false) and the key
   * ("B", or "ACD" for multiple choice).
   */
  choice?: { optionCount: number; options?: readonly string[]; key: string; multiple: boolean } | null;
}

export interface ItemAnalysisInput {
  items: readonly ItemAnalysisItem[];
  /** One row per student (complete students only), scores in the order of items. */
  scores: readonly (readonly number[])[];
  /** Same shape: what each student marked on choice items ("" = blank); null/undefined when not known. */
  marked?: readonly (readonly (string | null | undefined)[])[];
}

export interface OptionShare {
  /** "A", "B", …; for multiple choice a student marking "AC" counts for A and for C. */
  option: string;
  isKey: boolean;
  /** Shares (0..1) of the students whose marks are known: all, top 27%, bottom 27%. */
  all: number;
  top: number;
  bottom: number;
}

export interface ChoiceAnalysis {
  /** Students whose marks are known. */
  n: number;
  options: OptionShare[];
  blank: { all: number; top: number; bottom: number };
  /** Single choice / true-false only: more than one bubble filled. */
  multiple: { all: number; top: number; bottom: number } | null;
}

export interface ItemStatistics {
  itemId: number;
  maxScore: number;
  n: number;
  mean: number;
  /** Population SD of the item score. */
  sd: number;
  p: number;
  topMean: number | null;
  bottomMean: number | null;
  d: number | null;
  ebel: EbelRating | null;
  /** D < 0. */
  possibleWrongKey: boolean;
  /** Corrected item-total correlation; null when the item or the rest has no variance. */
  rDrop: number | null;
  alphaIfDeleted: number | null;
  choice: ChoiceAnalysis | null;
}

export interface ItemAnalysis {
  n: number;
  itemCount: number;
  /** Students in each of the top and bottom groups (k = round(0.27·n)). */
  groupSize: number;
  /** 'kr20' when every item is scored 0/1, else 'cronbach' (the formula is the same). */
  reliabilityMethod: 'kr20' | 'cronbach';
  alpha: number | null;
  /** Population SD of the totals. */
  totalSd: number;
  sem: number | null;
  items: ItemStatistics[];
}

const EPS = 1e-9;

export function ebelRating(d: number): EbelRating {
  if (d >= 0.4 - EPS) return 'very_good';
  if (d >= 0.3 - EPS) return 'good';
  if (d >= 0.2 - EPS) return 'marginal';
  return 'poor';
}

/**
 * Weights (0..1) of each student in the top and bottom groups of size k by total. Students tied at the edge
 * of a group share its remaining places equally.
 */
export function extremeGroupWeights(totals: readonly number[], k: number): { top: number[]; bottom: number[] } {
  const n = totals.length;
  const c = totals.map(cents);
  const weights = (order: number[]): number[] => {
    const w = new Array<number>(n).fill(0);
    let taken = 0;
    let i = 0;
    while (i < n && taken < k) {
      let j = i;
      while (j < n && c[order[j]] === c[order[i]]) j++;
      const block = j - i;
      const each = taken + block <= k ? 1 : (k - taken) / block;
      for (let t = i; t < j; t++) w[order[t]] = each;
      taken += block * each;
      i = j;
    }
    return w;
  };
  const ascending = totals.map((_, i) => i).sort((a, b) => c[a] - c[b]);
  const bottom = weights(ascending);
  return { top: weights(ascending.reverse()), bottom };
}

const letter = (i: number) => String.fromCharCode(65 + i);

function choiceAnalysis(
  item: ItemAnalysisItem & { choice: NonNullable<ItemAnalysisItem['choice']> },
  marks: readonly (string | null | undefined)[],
  top: readonly number[],
  bottom: readonly number[],
): ChoiceAnalysis | null {
  const letters = item.choice.options ?? Array.from({ length: item.choice.optionCount }, (_, o) => letter(o));
  const L = letters.length;
  // One pass: per option, then blank and multiple (indexes L and L + 1), counts overall and weighted.
  const all = new Float64Array(L + 2);
  const inTop = new Float64Array(L + 2);
  const inBottom = new Float64Array(L + 2);
  let known = 0;
  let wTop = 0;
  let wBottom = 0;
  const add = (slot: number, i: number) => {
    all[slot]++;
    inTop[slot] += top[i];
    inBottom[slot] += bottom[i];
  };
  // The slots a mark adds to, read once per distinct mark ("A", "", "AC"…) and then looked up.
  const seen = new Map<string, number[]>();
  const slotsOf = (raw: string): number[] => {
    const m = raw.toUpperCase();
    const slots = !m.length ? [L] : m.length > 1 ? [L + 1] : [];
    for (let o = 0; o < L; o++) if (m.includes(letters[o])) slots.push(o);
    return slots;
  };
  for (let i = 0; i < marks.length; i++) {
    const raw = marks[i];
    if (typeof raw !== 'string') continue;
    known++;
    wTop += top[i];
    wBottom += bottom[i];
    let slots = seen.get(raw);
    if (!slots) seen.set(raw, (slots = slotsOf(raw)));
    for (const slot of slots) add(slot, i);
  }
  if (!known) return null;
  const share = (slot: number) => ({
    all: all[slot] / known,
    top: wTop > 0 ? inTop[slot] / wTop : 0,
    bottom: wBottom > 0 ? inBottom[slot] / wBottom : 0,
  });
  const key = item.choice.key.toUpperCase();
  return {
    n: known,
    options: letters.map((option, o) => ({ option, isKey: key.includes(option), ...share(o) })),
    blank: share(L),
    multiple: item.choice.multiple ? null : share(L + 1),
  };
}

export function analyseItems(input: ItemAnalysisInput): ItemAnalysis {
  const { items, scores } = input;
  const K = items.length;
  const n = scores.length;
  if (!K) throw new Error('item analysis needs at least one item');
  for (const row of scores) if (row.length !== K) throw new Error('every score row needs one score per item');
  // Columns as typed arrays (100,000 students × 30 items stays well under a second).
  const cols = items.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const row = scores[r];
    for (let j = 0; j < K; j++) cols[j][r] = row[j];
  }
  const marked = input.marked;
  return analyseItemColumns({ items, cols, marks: marked ? items.map((_, j) => marked.map((row) => row[j])) : null });
}

/** The same analysis from columns: cols[j] holds item j's score of every student, marks[j] their marks (or null). */
export function analyseItemColumns(input: {
  items: readonly ItemAnalysisItem[];
  cols: readonly Float64Array[];
  marks: readonly (readonly (string | null | undefined)[] | null)[] | null;
}): ItemAnalysis {
  const { items, cols } = input;
  const K = items.length;
  if (!K) throw new Error('item analysis needs at least one item');
  const n = cols[0].length;
  if (cols.length !== K || cols.some((c) => c.length !== n)) throw new Error('one column of every student per item');

  // Totals exact in hundredths; moments in doubles about the mean (two passes, no cancellation).
  const totalCents = new Float64Array(n);
  for (const col of cols) for (let r = 0; r < n; r++) totalCents[r] += cents(col[r]);
  const totals = new Array<number>(n);
  for (let r = 0; r < n; r++) totals[r] = totalCents[r] / 100;
  const meanOfArr = (a: ArrayLike<number>) => {
    let s = 0;
    for (let r = 0; r < n; r++) s += a[r];
    return n ? s / n : 0;
  };
  const totalMean = meanOfArr(totals);
  const totalDev = new Float64Array(n);
  let tv = 0;
  for (let r = 0; r < n; r++) {
    totalDev[r] = totals[r] - totalMean;
    tv += totalDev[r] * totalDev[r];
  }
  const totalVar = n ? tv / n : 0;
  const itemMean = cols.map(meanOfArr);
  const itemVar: number[] = [];
  // cov(item, total), population.
  const covIT: number[] = [];
  cols.forEach((col, j) => {
    let v = 0;
    let cv = 0;
    const m = itemMean[j];
    for (let r = 0; r < n; r++) {
      const dx = col[r] - m;
      v += dx * dx;
      cv += dx * totalDev[r];
    }
    itemVar.push(n ? v / n : 0);
    covIT.push(n ? cv / n : 0);
  });
  const sumItemVar = itemVar.reduce((s, v) => s + v, 0);

  const alphaOf = (k: number, sumVar: number, varTotal: number) =>
    k >= 2 && varTotal > EPS ? (k / (k - 1)) * (1 - sumVar / varTotal) : null;
  const alpha = alphaOf(K, sumItemVar, totalVar);
  const dichotomous = items.every((it, j) => it.maxScore === 1 && cols[j].every((x) => x === 0 || x === 1));

  const k = n >= 2 ? Math.max(1, Math.round(GROUP_SHARE * n)) : 0;
  const groups = k ? extremeGroupWeights(totals, k) : null;

  const stats: ItemStatistics[] = items.map((it, j) => {
    const sd = Math.sqrt(itemVar[j]);
    const restVar = totalVar - 2 * covIT[j] + itemVar[j];
    const rDrop = itemVar[j] > EPS && restVar > EPS ? (covIT[j] - itemVar[j]) / (sd * Math.sqrt(restVar)) : null;
    let topMean: number | null = null;
    let bottomMean: number | null = null;
    let d: number | null = null;
    if (groups) {
      let t = 0;
      let b = 0;
      const col = cols[j];
      for (let r = 0; r < n; r++) {
        t += groups.top[r] * col[r];
        b += groups.bottom[r] * col[r];
      }
      topMean = t / k;
      bottomMean = b / k;
      d = it.maxScore > 0 ? (topMean - bottomMean) / it.maxScore : null;
    }
    const marks = input.marks ? input.marks[j] : null;
    return {
      itemId: it.itemId,
      maxScore: it.maxScore,
      n,
      mean: itemMean[j],
      sd,
      p: it.maxScore > 0 ? itemMean[j] / it.maxScore : 0,
      topMean,
      bottomMean,
      d,
      ebel: d === null ? null : ebelRating(d),
      possibleWrongKey: d !== null && d < -EPS,
      rDrop,
      alphaIfDeleted: alphaOf(K - 1, sumItemVar - itemVar[j], restVar),
      choice:
        it.choice && marks && groups
          ? choiceAnalysis({ ...it, choice: it.choice }, marks, groups.top, groups.bottom)
          : null,
    };
  });

  const totalSd = Math.sqrt(totalVar);
  return {
    n,
    itemCount: K,
    groupSize: k,
    reliabilityMethod: dichotomous ? 'kr20' : 'cronbach',
    alpha,
    totalSd,
    sem: alpha === null ? null : totalSd * Math.sqrt(1 - alpha),
    items: stats,
  };
}
