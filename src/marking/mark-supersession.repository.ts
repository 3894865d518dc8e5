import { Injectable } from '@nestjs/common';
import { sqlOf, type Tx } from '../database/unit-of-work.js';

/** The statements, checked in as text (queries/mark-supersession.repository.sql): a change shows in review. */
export const SQL = {
  exists: 'SELECT 1 FROM mark_supersession WHERE mark_event_id = ? LIMIT 1',
  insert: 'INSERT INTO mark_supersession (mark_event_id, reason, by_user_id, replacement_event_id) VALUES (?, ?, ?, ?)',
};

/** Why a mark no longer counts: changed through 回评, or re-queued (its marker suspended, or by the lead). */
export type SupersessionReason = 'review' | 'suspended' | 'requeue';

/** The mark_supersession table's statements: a mark event that no longer counts (the event itself is untouched). */
@Injectable()
export class MarkSupersessionRepository {
  async isSuperseded(tx: Tx, markEventId: number): Promise<boolean> {
    const rows: unknown[] = await sqlOf(tx).query(SQL.exists, [markEventId]);
    return rows.length > 0;
  }

  /** The mark no longer counts: rides with the transaction's next round trip. */
  supersede(
    tx: Tx,
    markEventId: number,
    reason: SupersessionReason,
    byUserId: number | null,
    replacementEventId: number | null,
  ): void {
    sqlOf(tx).later(SQL.insert, [markEventId, reason, byUserId, replacementEventId]);
  }
}
