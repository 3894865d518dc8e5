import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ResultsRetryState } from './domain/results-retry.js';

/** The statements, checked in as text (queries/results-retry.repository.sql): a change shows in review. */
export const SQL = {
  of: 'SELECT exam_id AS examId, score_version AS scoreVersion, passes FROM results_retry WHERE exam_id IN (?)',
  record:
    'INSERT INTO results_retry (exam_id, score_version, passes, updated_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(6)) ' +
    'ON DUPLICATE KEY UPDATE score_version = VALUES(score_version), passes = VALUES(passes), updated_at = CURRENT_TIMESTAMP(6)',
};

/** The results_retry table: the reconciliation's passes per exam at its score version (domain/results-retry.ts). */
@Injectable()
export class ResultsRetryRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The state of each of the exams that has one. */
  async of(examIds: number[]): Promise<Map<number, ResultsRetryState>> {
    if (!examIds.length) return new Map();
    const rows: { examId: number; scoreVersion: number | string; passes: number | string }[] = await this.ds.query(
      SQL.of,
      [examIds],
    );
    return new Map(
      rows.map((r) => [Number(r.examId), { scoreVersion: Number(r.scoreVersion), passes: Number(r.passes) }]),
    );
  }

  async record(examId: number, state: ResultsRetryState): Promise<void> {
    await this.ds.query(SQL.record, [examId, state.scoreVersion, state.passes]);
  }
}
