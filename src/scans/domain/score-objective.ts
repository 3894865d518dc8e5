// Scoring a read objective answer against its key. Pure.

export interface ObjectiveItemKey {
  type: 'single_choice' | 'multiple_choice' | 'true_false';
  maxScore: number;
  answerKey: string | null;
  /**
   * Multiple choice only: the fraction of full marks for a correct subset with no wrong option (e.g. 0.5).
   * Absent or null → all-or-nothing, as before.
   */
  partialCredit?: number | null;
}

const TRUE_WORDS = new Set(['T', 'TRUE', '√', '✓', '对', '正确', '是']);
const FALSE_WORDS = new Set(['F', 'FALSE', '×', '✗', 'X', '错', '错误', '否']);

/** Canonical letters of a key or a marking: upper case, sorted, no separators; true/false keys as T or F. */
export function normaliseAnswer(type: ObjectiveItemKey['type'], raw: string | null): string {
  const s = (raw ?? '').trim().toUpperCase();
  if (type === 'true_false') {
    if (TRUE_WORDS.has(s)) return 'T';
    if (FALSE_WORDS.has(s)) return 'F';
    return s.replace(/[^TF]/g, '');
  }
  return [...new Set(s.replace(/[^A-Z]/g, '').split(''))].sort().join('');
}

/**
 * Single choice and true/false: the key's letter alone → full marks. Multiple choice: exactly the key's letters →
 * full marks; with partialCredit set, a non-empty proper subset of the key with no wrong option → that fraction
 * of full marks (rounded to hundredths, as scores are stored); any wrong option or nothing marked → 0.
 * No key → 0: the item cannot be scored until a key is set.
 */
export function scoreObjective(item: ObjectiveItemKey, marked: string): number {
  const key = normaliseAnswer(item.type, item.answerKey);
  if (!key) return 0;
  const answer = normaliseAnswer(item.type, marked);
  if (answer === key) return item.maxScore;
  const fraction = item.partialCredit ?? 0;
  if (item.type !== 'multiple_choice' || !(fraction > 0) || !answer) return 0;
  if ([...answer].some((l) => !key.includes(l))) return 0;
  return Math.round(item.maxScore * fraction * 100) / 100;
}
