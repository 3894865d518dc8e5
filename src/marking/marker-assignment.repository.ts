import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import type { Assignment } from './domain/leasing.js';
import { MarkerAssignment } from './entities/qc.entities.js';

/** The statements, checked in as text (queries/marker-assignment.repository.sql): a change shows in review. */
export const SQL = {
  // One read gives the marker's assignments and its standing on each (suspended, trial or live).
  withStanding:
    'SELECT a.item_id, s.phase, s.suspended FROM marker_assignment a LEFT JOIN marker_item_state s ON s.item_id = a.item_id AND s.marker_id = a.marker_id WHERE a.marker_id = ?',
  ofItem: 'SELECT id, marker_id FROM marker_assignment WHERE item_id = ?',
  remove: 'DELETE FROM marker_assignment WHERE id IN (?)',
  add: 'INSERT INTO marker_assignment (item_id, marker_id, assigned_by) VALUES ?',
};

/** The marker_assignment table's statements (题块: the items a marker marks). */
@Injectable()
export class MarkerAssignmentRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The marker's assignments and standing on each, with the transaction's next round trip. */
  withStandingLater(tx: Tx, markerId: number, onRows: (rows: Assignment[]) => void): void {
    sqlOf(tx).later(SQL.withStanding, [markerId], onRows);
  }

  /** The marker's assignments and standing on each, outside any transaction (why the marker has nothing to mark). */
  withStanding(markerId: number): Promise<Assignment[]> {
    return this.ds.query(SQL.withStanding, [markerId]);
  }

  /** The item's markers, by marker id. */
  ofItem(itemId: number): Promise<MarkerAssignment[]> {
    return this.ds.getRepository(MarkerAssignment).find({ where: { itemId }, order: { markerId: 'ASC' } });
  }

  /** The item's assignments, in a transaction that is about to change them. */
  async ofItemIn(tx: Tx, itemId: number): Promise<{ id: number; markerId: number }[]> {
    const rows: { id: number; marker_id: number }[] = await sqlOf(tx).query(SQL.ofItem, [itemId]);
    return rows.map((r) => ({ id: Number(r.id), markerId: Number(r.marker_id) }));
  }

  /** Assignments withdrawn: rides with the transaction's next round trip. */
  remove(tx: Tx, ids: number[]): void {
    sqlOf(tx).later(SQL.remove, [ids]);
  }

  /** Markers assigned to the item: rides with the transaction's next round trip. */
  add(tx: Tx, itemId: number, markerIds: number[], assignedBy: number): void {
    sqlOf(tx).later(SQL.add, [markerIds.map((markerId) => [itemId, markerId, assignedBy])]);
  }
}
