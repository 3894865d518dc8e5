import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import { ScanBatch } from './entities/scan-batch.entity.js';

/** The statements, checked in as text (queries/scan-batch.repository.sql). */
export const SQL = {
  lock: 'SELECT id FROM scan_batch WHERE id = ? FOR UPDATE',
};

/** The scan_batch table's statements: one upload of a school's scans. */
@Injectable()
export class ScanBatchRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** A batch with its page count, inside the transaction that stores its pages (they become visible together). */
  async createWithin(
    tx: Tx,
    batch: Pick<ScanBatch, 'examId' | 'schoolId' | 'uploadedBy' | 'originalName' | 'pageCount'>,
  ): Promise<number> {
    const res = await managerOf(tx).query(
      'INSERT INTO scan_batch (exam_id, school_id, uploaded_by, original_name, page_count) VALUES (?, ?, ?, ?, ?)',
      [batch.examId, batch.schoolId, batch.uploadedBy, batch.originalName, batch.pageCount],
    );
    return (res as { insertId: number }).insertId;
  }

  async setPageCountWithin(tx: Tx, id: number, pageCount: number): Promise<void> {
    await managerOf(tx).query('UPDATE scan_batch SET page_count = ? WHERE id = ?', [pageCount, id]);
  }

  /**
   * Holds the batch until the transaction ends: the fixes of one batch go one after another. Ingestion does not take
   * this lock (it orders a sheet's pages by locking the student's row), so a fix and a page being read may still
   * interleave; each re-reads under its own locks.
   */
  async lock(tx: Tx, id: number): Promise<void> {
    await managerOf(tx).query(SQL.lock, [id]);
  }
}
