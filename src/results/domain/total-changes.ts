// Which stored paper totals a results run must write again: a recompute after one appeal touches a handful of rows,
// not 100,000. Pure.
import type { StudentOutcome } from './student-outcomes.js';

/** A paper total as stored (student_result). */
export interface StoredTotal {
  studentId: number;
  schoolId: number;
  total: number | null;
  absent: boolean;
  unscanned?: boolean;
}

export interface TotalChanges {
  /** Outcomes whose school, total or 缺考 differs from the stored row (or that have none). */
  changed: StudentOutcome[];
  /** Students with a stored row who are no longer on the roster (moved, removed from the grade). */
  stale: number[];
}

export function totalChanges(stored: readonly StoredTotal[], outcomes: readonly StudentOutcome[]): TotalChanges {
  const byStudent = new Map(stored.map((s) => [s.studentId, s]));
  const changed = outcomes.filter((o) => {
    const s = byStudent.get(o.studentId);
    return (
      !s ||
      s.schoolId !== o.schoolId ||
      s.total !== o.total ||
      s.absent !== (o.status === 'absent') ||
      (s.unscanned ?? false) !== (o.status === 'unscanned')
    );
  });
  const keep = new Set(outcomes.map((o) => o.studentId));
  const stale = [...byStudent.keys()].filter((id) => !keep.has(id));
  return { changed, stale };
}
