import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Tx, writeWith } from '../database/unit-of-work.js';

/** One access or change, as the audit log keeps it (children's data is sensitive: reads of it are recorded too). */
export interface AuditEntry {
  userId: number | null;
  action: string;
  entity: string;
  entityId: string | null;
  detail?: unknown;
}

const INSERT = 'INSERT INTO audit_log (user_id, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?)';

/** The audit log's only writer. */
@Injectable()
export class AuditLogRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /**
   * Records the entry; inside a transaction, the row commits (or not) with the change it records (on the SqlPool it
   * rides with the transaction's next round trip).
   */
  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    const detail = entry.detail === undefined || entry.detail === null ? null : JSON.stringify(entry.detail);
    const params = [entry.userId, entry.action, entry.entity, entry.entityId, detail];
    await (tx ? writeWith(tx, INSERT, params) : this.ds.query(INSERT, params));
  }
}
