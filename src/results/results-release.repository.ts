import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import { ResultsRelease } from './entities/results-release.entity.js';

export const SQL = {
  release:
    'INSERT INTO results_release (exam_id, score_version, released_at, released_by, reason, issue_count) ' +
    'VALUES (?, ?, CURRENT_TIMESTAMP(6), ?, ?, 1) ON DUPLICATE KEY UPDATE score_version = VALUES(score_version), ' +
    'released_at = VALUES(released_at), released_by = VALUES(released_by), reason = VALUES(reason), ' +
    'issue_count = issue_count + 1',
};

/** The results_release table: the exam's 成绩发布, one row per exam (re-issues update it; the audit log keeps each). */
@Injectable()
export class ResultsReleaseRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  of(examId: number, tx?: Tx): Promise<ResultsRelease | null> {
    return (tx ? managerOf(tx) : this.ds.manager).getRepository(ResultsRelease).findOneBy({ examId });
  }

  /** Releases (or re-issues) the results computed from `scoreVersion`. */
  async release(tx: Tx, examId: number, scoreVersion: number, userId: number, reason: string | null): Promise<void> {
    await managerOf(tx).query(SQL.release, [examId, scoreVersion, userId, reason]);
  }
}
