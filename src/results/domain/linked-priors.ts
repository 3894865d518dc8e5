// Several linked earlier exams as the value-added prior, and the value-added trend over them (issue 15 item 4).
// Pure: plain numbers in, plain numbers out; the results job reads the exams and their stored analyses.
//
// A cohort's exams are linked one to the next by 纵看 (exam.priorExamId): this exam ← its prior ← that exam's prior…
//  - Prior columns. One earlier total measures ability with error; several earlier totals, each entered as its own
//    prior column (with its school mean as a contextual term: multilevel.ts takes K columns), carry less of that
//    error than any one of them, as England's Progress 8 (KS2 English and maths) and EVAAS (all prior years) use
//    several prior scores. Separate columns, not an average: the model weighs each exam by how well it predicts
//    (an old or short exam counts less), where an average would need the weights chosen by hand.
//  - The price is matching: a student counts only with every column (value-added.ts's link). An earlier exam is
//    therefore added only while the students who have all the exams so far are at least LINKED_PRIOR_MIN_SHARE of
//    those who have the direct prior, so that a longer history does not quietly drop the students who moved in;
//    otherwise the columns stop before it (at worst: the direct prior alone, exactly as before).
//  - Trend. Each earlier exam's own value-added (stored with its analysis, against its own prior) and this exam's
//    give each school's value-added over the linked exams, oldest first: the school report prints it as a table
//    and, from three exams on, as a chart.
import type { LongitudinalAnalysis } from './value-added.js';
import type { VaVerdict } from './va-statement.js';
import { verdictOf } from './va-statement.js';

/** Earlier exams followed back along the 纵看 links (the direct prior included). */
export const MAX_LINKED_PRIORS = 3;
/** An earlier exam joins the prior columns only while this share of the directly matched students keeps every column. */
export const LINKED_PRIOR_MIN_SHARE = 0.9;

/**
 * The prior columns for the students of this exam: `totals` are the linked exams' totals by student, the direct
 * prior first; `students` the students who may be linked (complete this exam, in alliance schools). Returns how many
 * exams are used and each student's prior: one number (one exam, as before) or one value per exam, newest first.
 */
export function linkedPriorColumns(
  students: readonly number[],
  totals: readonly ReadonlyMap<number, number>[],
): { used: number; prior: ReadonlyMap<number, number | readonly number[]> } {
  if (totals.length === 0) return { used: 0, prior: new Map() };
  const direct = students.filter((s) => totals[0].has(s)).length;
  let used = 1;
  for (let k = totals.length; k >= 2; k--) {
    const all = students.filter((s) => totals.slice(0, k).every((t) => t.has(s))).length;
    if (direct > 0 && all >= LINKED_PRIOR_MIN_SHARE * direct) {
      used = k;
      break;
    }
  }
  if (used === 1) return { used, prior: totals[0] };
  const prior = new Map<number, readonly number[]>();
  for (const [id, v] of totals[0]) {
    const row = [v];
    for (let k = 1; k < used; k++) {
      const w = totals[k].get(id);
      if (w === undefined) break;
      row.push(w);
    }
    if (row.length === used) prior.set(id, row);
  }
  return { used, prior };
}

/** One exam's value-added of one school in the trend; null figures where the exam has none for it. */
export interface VaTrendPoint {
  va: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  vaShrunk: number | null;
  verdict: VaVerdict | null;
}

/** Each school's value-added over the linked exams, oldest first, this exam last. */
export interface VaTrend {
  exams: { examId: number; name: string }[];
  schools: { schoolId: number; points: VaTrendPoint[] }[];
}

/** An exam of the trend with the value-added stored for it (null: none, e.g. imported or not linked itself). */
export interface TrendExam {
  examId: number;
  name: string;
  analysis: Pick<LongitudinalAnalysis, 'schools'> | null;
}

/**
 * The trend over `earlier` (oldest first; exams without value-added are left out) and this exam; null when fewer than
 * two exams have value-added, as one figure is no trend.
 */
export function vaTrend(
  earlier: readonly TrendExam[],
  current: TrendExam,
  schoolIds: readonly number[],
): VaTrend | null {
  const exams = [...earlier, current].filter((e) => e.analysis !== null);
  if (exams.length < 2) return null;
  const none: VaTrendPoint = { va: null, ciLow: null, ciHigh: null, vaShrunk: null, verdict: null };
  return {
    exams: exams.map((e) => ({ examId: e.examId, name: e.name })),
    schools: schoolIds.map((schoolId) => ({
      schoolId,
      points: exams.map((e) => {
        const s = e.analysis!.schools.find((r) => r.schoolId === schoolId);
        if (!s || s.suppressed || s.va === null) return none;
        return { va: s.va, ciLow: s.ciLow, ciHigh: s.ciHigh, vaShrunk: s.vaShrunk, verdict: verdictOf(s) };
      }),
    })),
  };
}
