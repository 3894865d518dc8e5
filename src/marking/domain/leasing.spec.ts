import { eligibleAssignments, type HeldLease, heldTask, type ItemScope } from './leasing.js';

const now = new Date('2025-03-01T08:00:00Z');
const later = new Date(now.getTime() + 60_000);
const earlier = new Date(now.getTime() - 60_000);
const held = (id: number, itemId: number, expires: Date, qcFor = 0): HeldLease => ({
  id,
  item_id: itemId,
  snippet_id: 100 + id,
  lease_expires_at: expires,
  qc_for: qcFor,
});
const none: HeldLease = { id: null, item_id: 0, snippet_id: 0, lease_expires_at: now, qc_for: 0 };

describe('heldTask', () => {
  it('returns nothing when the marker holds nothing', () => {
    expect(heldTask([none], [1], undefined, 7, now)).toBeNull();
  });

  it("returns the oldest live lease of the call's items, other than the one on screen", () => {
    const mine = [held(5, 1, later), held(3, 1, later), held(2, 9, later)];
    expect(heldTask(mine, [1], undefined, 7, now)).toEqual({
      id: 3,
      item_id: 1,
      snippet_id: 103,
      lease_expires_at: later,
    });
    expect(heldTask(mine, [1], 3, 7, now)?.id).toBe(5);
  });

  it('skips an expired lease, but keeps a QC task of the marker past its lease', () => {
    expect(heldTask([held(3, 1, earlier)], [1], undefined, 7, now)).toBeNull();
    expect(heldTask([held(3, 1, earlier, 7)], [1], undefined, 7, now)?.id).toBe(3);
  });
});

describe('eligibleAssignments', () => {
  const facts = new Map<number, ItemScope>([
    [1, { item: { id: 1 }, paper: { subject: '数学' }, exam: { id: 50, allianceId: 9 } }],
    [2, { item: { id: 2 }, paper: { subject: '语文' }, exam: { id: 51, allianceId: 9 } }],
  ]);
  const mathMarker = { isMarkerIn: (allianceId: number, subject?: string) => allianceId === 9 && subject === '数学' };
  const assigned = [1, 2, 3].map((item_id) => ({ item_id, phase: null, suspended: null }));

  it("keeps the known items in the marker's scope, within the call's filters", () => {
    expect(eligibleAssignments(mathMarker, {}, assigned, facts).map((a) => a.item_id)).toEqual([1]);
    expect(eligibleAssignments(mathMarker, { examId: 51 }, assigned, facts)).toEqual([]);
    expect(eligibleAssignments(mathMarker, { itemId: 1 }, assigned, facts).map((a) => a.item_id)).toEqual([1]);
  });
});
