// Leasing decisions on plain data: which of a marker's assignments are open to them, and which task a marker's next
// call returns when the marker already holds one. Pure.

/** A task just leased (or already held): enough to show it. */
export interface LeasedTask {
  id: number;
  item_id: number;
  snippet_id: number;
  lease_expires_at: Date;
  /** The snippet's token when the lease read it already. */
  token?: string;
}

/** A task the marker holds as the lease reads it (raw: numbers may be strings); id null when the marker holds none. */
export interface HeldLease {
  id: number | null;
  item_id: number;
  snippet_id: number;
  lease_expires_at: Date;
  qc_for: number;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * The task the marker already holds on one of these items (the oldest), other than the one on screen: a lease not yet
 * expired, or a QC task (it stays theirs past the lease, so a trial answer is never lost). null when there is none.
 */
export function heldTask(
  mine: HeldLease[],
  itemIds: number[],
  exceptTaskId: number | undefined,
  me: number,
  now: Date,
): LeasedTask | null {
  const eligibleIds = new Set(itemIds);
  const held = mine
    .filter(
      (t) =>
        t.id !== null &&
        eligibleIds.has(num(t.item_id)) &&
        num(t.id) !== exceptTaskId &&
        (new Date(t.lease_expires_at).getTime() > now.getTime() || num(t.qc_for) === me),
    )
    .sort((x, y) => num(x.id) - num(y.id))[0];
  if (!held) return null;
  return {
    id: num(held.id),
    item_id: num(held.item_id),
    snippet_id: num(held.snippet_id),
    lease_expires_at: held.lease_expires_at,
  };
}

/** An item the marker is assigned to, as the lease reads it (raw row). */
export interface Assignment {
  item_id: number;
  phase: string | null;
  suspended: number | null;
}

/** What the scope check needs of an item: its exam (id, alliance), its paper's subject, its id. */
export interface ItemScope {
  item: { id: number };
  paper: { subject: string };
  exam: { id: number; allianceId: number };
}

/**
 * The assignments of known items the marker may mark now, within the call's exam and item filters. Scope is checked
 * again on every call (a revoked grant takes effect at once): the item's alliance and subject.
 */
export function eligibleAssignments<A extends Assignment>(
  actor: { isMarkerIn(allianceId: number, subject?: string): boolean },
  filter: { examId?: number; itemId?: number },
  assigned: A[],
  facts: Map<number, ItemScope>,
): A[] {
  return assigned.filter((a) => {
    const f = facts.get(num(a.item_id));
    return (
      f !== undefined &&
      actor.isMarkerIn(f.exam.allianceId, f.paper.subject) &&
      (filter.examId === undefined || f.exam.id === filter.examId) &&
      (filter.itemId === undefined || f.item.id === filter.itemId)
    );
  });
}
