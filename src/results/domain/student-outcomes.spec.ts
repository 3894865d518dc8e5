import { emptyColumns, putScore } from './score-columns.js';
import { resolveOutcomes } from './student-outcomes.js';

describe('resolveOutcomes', () => {
  // prettier-ignore
  const roster = [
    { studentId: 1, schoolId: 10 },
    { studentId: 2, schoolId: 10 },
    { studentId: 3, schoolId: 11 },
    { studentId: 4, schoolId: 11 },
    { studentId: 5, schoolId: 11 },
  ];
  // prettier-ignore
  const scores = [
    { studentId: 1, itemId: 100, score: 2.5 },
    { studentId: 1, itemId: 101, score: 0.1 },
    { studentId: 1, itemId: 102, score: 0.2 },
    { studentId: 3, itemId: 100, score: 3 },
    { studentId: 3, itemId: 101, score: 4 },
    // student 3 has no score for item 102 yet
    { studentId: 4, itemId: 100, score: 1 },
    { studentId: 4, itemId: 101, score: 1 },
    { studentId: 4, itemId: 102, score: 1 },
  ];
  const out = resolveOutcomes({
    roster,
    processed: new Set([1, 3, 4]),
    pending: new Set([5]),
    itemIds: [100, 101, 102],
    scores,
  });
  const by = new Map(out.map((o) => [o.studentId, o]));

  it('sums the final item scores exactly for complete students', () => {
    expect(by.get(1)).toEqual({
      studentId: 1,
      schoolId: 10,
      status: 'complete',
      total: 2.8,
      itemScores: { 100: 2.5, 101: 0.1, 102: 0.2 },
    });
    expect(by.get(4)!.total).toBe(3);
  });

  it('gives the same statuses and totals from score columns (rows in roster order), without item scores', () => {
    const itemIds = [100, 101, 102];
    const columns = emptyColumns(itemIds, roster.length);
    const row = new Map(roster.map((r, i) => [r.studentId, i]));
    for (const s of scores) putScore(columns, itemIds.indexOf(s.itemId), row.get(s.studentId)!, s.score);
    const fromColumns = resolveOutcomes({
      roster,
      processed: new Set([1, 3, 4]),
      pending: new Set([5]),
      itemIds,
      columns,
    });
    expect(fromColumns.map((o) => ({ ...o, itemScores: {} }))).toEqual(out.map((o) => ({ ...o, itemScores: {} })));
    expect(fromColumns.find((o) => o.studentId === 1)).toMatchObject({
      status: 'complete',
      total: 2.8,
      itemScores: {},
    });
    expect(fromColumns.find((o) => o.studentId === 3)!.status).toBe('incomplete');
  });

  it('calls a student with no page and no 缺考 mark 未扫描 (unscanned), never absent', () => {
    expect(by.get(2)).toMatchObject({ status: 'unscanned', total: null });
  });

  it.each([
    ['no page, no mark', false, false, 'unscanned'],
    ['no page, marked 缺考', false, true, 'absent'],
    ['a page waiting, no mark', true, false, 'incomplete'],
    ['a page waiting, marked 缺考', true, true, 'absent'],
  ])('%s → %s', (_name, waiting, marked, status) => {
    const r = resolveOutcomes({
      roster: [{ studentId: 1, schoolId: 1 }],
      processed: new Set(),
      pending: new Set(waiting ? [1] : []),
      markedAbsent: new Set(marked ? [1] : []),
      itemIds: [1],
    });
    expect(r[0].status).toBe(status);
  });

  it('marks a student with a missing item score as incomplete', () => {
    expect(by.get(3)).toMatchObject({ status: 'incomplete', total: null, itemScores: {} });
  });

  it('does not call a student absent whose sheet waits in the exceptions queue', () => {
    expect(by.get(5)).toMatchObject({ status: 'incomplete', total: null });
  });

  it('counts a student marked 缺考 by the scanner as absent even with a page still waiting; a read page outweighs the mark', () => {
    const roster = [
      { studentId: 5, schoolId: 1 },
      { studentId: 6, schoolId: 1 },
      { studentId: 7, schoolId: 1 },
    ];
    const r = resolveOutcomes({
      roster,
      processed: new Set([7]),
      pending: new Set([5]),
      markedAbsent: new Set([5, 6, 7]),
      itemIds: [1],
      scores: [{ studentId: 7, itemId: 1, score: 2 }],
    });
    expect(r.map((o) => o.status)).toEqual(['absent', 'absent', 'complete']);
  });

  it('keeps the roster order and size', () => {
    expect(out.map((o) => o.studentId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('ignores scores of students who have no processed page (unscanned wins)', () => {
    const r = resolveOutcomes({
      roster: [{ studentId: 9, schoolId: 1 }],
      processed: new Set(),
      pending: new Set(),
      itemIds: [1],
      scores: [{ studentId: 9, itemId: 1, score: 5 }],
    });
    expect(r[0].status).toBe('unscanned');
  });
});
