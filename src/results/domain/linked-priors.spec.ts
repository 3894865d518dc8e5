import { LINKED_PRIOR_MIN_SHARE, linkedPriorColumns, vaTrend, type TrendExam } from './linked-priors.js';
import type { SchoolLongitudinal } from './value-added.js';

const totals = (entries: [number, number][]) => new Map(entries);
const students = Array.from({ length: 20 }, (_, i) => i + 1);
const everyone = (v: number) => totals(students.map((s) => [s, v + s]));
const allBut = (v: number, missing: number) => totals(students.slice(missing).map((s) => [s, v + s]));

describe('linkedPriorColumns', () => {
  it.each([
    ['no linked exam', [], 0],
    ['the direct prior only', [everyone(50)], 1],
    ['three exams, every student in each', [everyone(50), everyone(40), everyone(30)], 3],
    ['an earlier exam missing 2 of 20 students (90% kept)', [everyone(50), allBut(40, 2)], 2],
    ['an earlier exam missing 3 of 20 students (85% kept)', [everyone(50), allBut(40, 3)], 1],
    ['the third exam drops below 90%, the second does not', [everyone(50), allBut(40, 1), allBut(30, 5)], 2],
    [
      'the second exam drops below 90% but the third is full: no gaps in the history',
      [everyone(50), allBut(40, 4), everyone(30)],
      1,
    ],
  ])('%s', (_, t, used) => {
    expect(linkedPriorColumns(students, t as Map<number, number>[]).used).toBe(used);
  });

  it('gives one number per student for one exam (as before) and one value per exam, newest first, for several', () => {
    const one = linkedPriorColumns(students, [everyone(50)]);
    expect(one.prior.get(3)).toBe(53);
    const two = linkedPriorColumns(students, [everyone(50), allBut(40, 2)]);
    expect(two.prior.get(3)).toEqual([53, 43]);
    // students without every column are not linked
    expect(two.prior.has(1)).toBe(false);
    expect(two.prior.size).toBe(18);
    expect(18 / 20).toBeGreaterThanOrEqual(LINKED_PRIOR_MIN_SHARE);
  });

  it('counts only the students of this exam', () => {
    // students 1–10 sit this exam; the earlier exam misses 11–20, who are not in it: all 10 keep every column
    expect(
      linkedPriorColumns(students.slice(0, 10), [everyone(50), totals(students.slice(0, 10).map((s) => [s, 1]))]).used,
    ).toBe(2);
  });
});

const row = (schoolId: number, va: number | null, over: Partial<SchoolLongitudinal> = {}) =>
  ({
    schoolId,
    va,
    ciLow: va === null ? null : va - 1,
    ciHigh: va === null ? null : va + 1,
    vaShrunk: va,
    suppressed: false,
    ...over,
  }) as SchoolLongitudinal;
const exam = (examId: number, schools: SchoolLongitudinal[] | null): TrendExam => ({
  examId,
  name: `考试${examId}`,
  analysis: schools && { schools },
});

describe('vaTrend', () => {
  it('lists each school over the exams with value-added, oldest first, this exam last', () => {
    const t = vaTrend(
      [exam(1, null), exam(2, [row(10, 2), row(20, -2)])],
      exam(3, [row(10, 3.5), row(20, -0.5, { suppressed: true })]),
      [10, 20, 30],
    )!;
    expect(t.exams).toEqual([
      { examId: 2, name: '考试2' },
      { examId: 3, name: '考试3' },
    ]);
    expect(t.schools[0]).toEqual({
      schoolId: 10,
      points: [
        { va: 2, ciLow: 1, ciHigh: 3, vaShrunk: 2, verdict: 'above' },
        { va: 3.5, ciLow: 2.5, ciHigh: 4.5, vaShrunk: 3.5, verdict: 'above' },
      ],
    });
    // suppressed now, or never there: no figures
    expect(t.schools[1].points[0].verdict).toBe('below');
    expect(t.schools[1].points[1]).toEqual({ va: null, ciLow: null, ciHigh: null, vaShrunk: null, verdict: null });
    expect(t.schools[2].points.every((p) => p.va === null)).toBe(true);
  });

  it('is null with fewer than two exams with value-added', () => {
    expect(vaTrend([exam(1, null)], exam(2, [row(10, 1)]), [10])).toBeNull();
    expect(vaTrend([], exam(2, [row(10, 1)]), [10])).toBeNull();
  });
});
