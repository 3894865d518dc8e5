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

  create(batch: Pick<ScanBatch, 'examId' | 'schoolId' | 'uploadedBy' | 'originalName'>): Promise<ScanBatch> {
    return this.ds.getRepository(ScanBatch).save({ ...batch, pageCount: 0 });
  }

  async setPageCount(id: number, pageCount: number): Promise<void> {
    await this.ds.getRepository(ScanBatch).update({ id }, { pageCount });
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
