// A student's standing on one paper, from which pages were read and which final item scores exist.
import { rowComplete, type ScoreColumns } from './score-columns.js';

export type OutcomeStatus = 'absent' | 'unscanned' | 'incomplete' | 'complete';

export interface StudentOutcome {
  studentId: number;
  schoolId: number;
  /** The student's class, when the roster gives it. */
  classId?: number;
  status: OutcomeStatus;
  /** Sum of the final item scores; null unless complete. */
  total: number | null;
  /**
   * Final score per item id (complete students only; empty otherwise). Empty as well when the outcomes were resolved
   * from score columns: the analysis then reads the columns.
   */
  itemScores: Record<number, number>;
}

export interface OutcomeInput {
  roster: readonly { studentId: number; schoolId: number; classId?: number }[];
  /** Students with at least one processed page of the paper. */
  processed: ReadonlySet<number>;
  /** Students whose pages of the paper all still wait (queued or in the exceptions queue). */
  pending: ReadonlySet<number>;
  itemIds: readonly number[];
  /** Students the scanner of their school marked 缺考 for the paper (ingestion refuses their pages while marked). */
  markedAbsent?: ReadonlySet<number>;
  /** Final item scores as a list, or already by student (studentId → itemId → score); byStudent wins if both are given. */
  scores?: readonly { studentId: number; itemId: number; score: number }[];
  byStudent?: ReadonlyMap<number, ReadonlyMap<number, number>>;
  /**
   * Final item scores as columns whose rows are the roster's students in roster order (itemIds their columns'): wins
   * over the others; the outcomes then carry no item scores.
   */
  columns?: ScoreColumns;
}

const NO_ITEM_SCORES: Readonly<Record<number, number>> = Object.freeze({});

/**
 * 缺考 (absent): marked absent by the school (a confirmed 缺考 outweighs a page still waiting). 未扫描 (unscanned): no
 * page of the paper and no 缺考 mark: whether the student sat is not known, so it is never counted as 缺考. A student
 * whose only pages are still queued or in the exceptions queue is incomplete: the sheet exists and will be read once
 * fixed.
 * Incomplete: some item has no final score yet (marking not finished); excluded from every figure.
 */
export function resolveOutcomes(input: OutcomeInput): StudentOutcome[] {
  let byStudent = input.byStudent;
  if (!byStudent && !input.columns) {
    const built = new Map<number, Map<number, number>>();
    for (const s of input.scores ?? []) {
      let m = built.get(s.studentId);
      if (!m) built.set(s.studentId, (m = new Map()));
      m.set(s.itemId, s.score);
    }
    byStudent = built;
  }
  const columns = input.columns;
  if (columns && columns.rows !== input.roster.length) throw new Error('one score row per roster student');
  return input.roster.map(({ studentId, schoolId, classId }, row) => {
    const who = classId === undefined ? { studentId, schoolId } : { studentId, schoolId, classId };
    if (!input.processed.has(studentId)) {
      const status: OutcomeStatus = input.markedAbsent?.has(studentId)
        ? 'absent'
        : input.pending.has(studentId)
          ? 'incomplete'
          : 'unscanned';
      return { ...who, status, total: null, itemScores: {} };
    }
    if (columns) return fromColumns(who, columns, row);
    const mine = byStudent!.get(studentId);
    if (!mine || input.itemIds.some((id) => !mine.has(id)))
      return { ...who, status: 'incomplete', total: null, itemScores: {} };
    let c = 0;
    const itemScores: Record<number, number> = {};
    for (const id of input.itemIds) {
      const v = mine.get(id)!;
      itemScores[id] = v;
      c += Math.round(v * 100);
    }
    return { ...who, status: 'complete', total: c / 100, itemScores };
  });
}

/**
 * A processed student's outcome from the score columns: complete when every item has a final score (a paper without
 * items has none, and leaves its students incomplete as the other sources do).
 */
function fromColumns(
  who: Pick<StudentOutcome, 'studentId' | 'schoolId' | 'classId'>,
  columns: ScoreColumns,
  row: number,
): StudentOutcome {
  if (!columns.scores.length || !rowComplete(columns, row))
    return { ...who, status: 'incomplete', total: null, itemScores: NO_ITEM_SCORES as Record<number, number> };
  let c = 0;
  for (const col of columns.scores) c += Math.round(col[row] * 100);
  return { ...who, status: 'complete', total: c / 100, itemScores: NO_ITEM_SCORES as Record<number, number> };
}
