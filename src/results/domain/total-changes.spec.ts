import type { StudentOutcome } from './student-outcomes.js';
import { totalChanges, type StoredTotal } from './total-changes.js';

const outcome = (studentId: number, schoolId: number, status: StudentOutcome['status'], total: number | null) =>
  ({ studentId, schoolId, status, total, itemScores: {} }) as StudentOutcome;
const stored = (studentId: number, schoolId: number, total: number | null, absent = false): StoredTotal => ({
  studentId,
  schoolId,
  total,
  absent,
});

describe('totalChanges', () => {
  it('keeps rows that are stored as they are', () => {
    const out = totalChanges(
      [stored(1, 7, 88.5), stored(2, 7, null, true), stored(3, 8, null)],
      [outcome(1, 7, 'complete', 88.5), outcome(2, 7, 'absent', null), outcome(3, 8, 'incomplete', null)],
    );
    expect(out).toEqual({ changed: [], stale: [] });
  });

  it('writes new rows and rows whose school, total or 缺考 changed', () => {
    const out = totalChanges(
      [stored(1, 7, 88.5), stored(2, 7, null, true), stored(3, 8, null)],
      [
        outcome(1, 9, 'complete', 88.5),
        outcome(2, 7, 'incomplete', null),
        outcome(3, 8, 'complete', 0),
        outcome(4, 8, 'complete', 12),
      ],
    );
    expect(out.changed.map((o) => o.studentId)).toEqual([1, 2, 3, 4]);
    expect(out.stale).toEqual([]);
  });

  it('names stored students no longer on the roster, in stored order', () => {
    const out = totalChanges([stored(5, 7, 1), stored(1, 7, 2), stored(3, 7, 3)], [outcome(1, 7, 'complete', 2)]);
    expect(out).toEqual({ changed: [], stale: [5, 3] });
  });
});
