import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Report, ReportStatus } from './entities/report.entity.js';

/** Rows per multi-row statement. */
const CHUNK = 500;

/** The report table's statements, and the read of the stored analyses a report is rendered from. */
@Injectable()
export class ReportRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /**
   * These schools' render jobs of the results of `scoreVersion` are on the queue (called after the enqueue, never
   * before): their reports are being rendered again (errors of earlier runs cleared). A report its job already rendered
   * from these results or newer ones (a fast worker) stays ready.
   */
  async markQueued(examId: number, schoolIds: number[], scoreVersion: number): Promise<void> {
    for (let i = 0; i < schoolIds.length; i += CHUNK) {
      const part = schoolIds.slice(i, i + CHUNK);
      await this.ds.query(
        `INSERT INTO report (exam_id, school_id, status) VALUES ${part.map(() => '(?, ?, ?)').join(', ')} ` +
          'ON DUPLICATE KEY UPDATE error = IF(status = ? AND score_version >= ?, error, NULL), ' +
          'status = IF(status = ? AND score_version >= ?, status, VALUES(status))',
        [
          ...part.flatMap((schoolId) => [examId, schoolId, ReportStatus.Queued]),
          ...[ReportStatus.Ready, scoreVersion, ReportStatus.Ready, scoreVersion],
        ],
      );
    }
  }

  /** Rendered from the results of `scoreVersion` and stored under `blobKey`, printing these suggestion versions. */
  async markReady(
    examId: number,
    schoolId: number,
    blobKey: string,
    suggestionVersions: number[] = [],
    scoreVersion: number | null = null,
  ): Promise<void> {
    await this.ds.query(
      'INSERT INTO report (exam_id, school_id, status, blob_key, error, suggestion_versions, score_version) VALUES (?, ?, ?, ?, NULL, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), blob_key = VALUES(blob_key), error = NULL, suggestion_versions = VALUES(suggestion_versions), score_version = VALUES(score_version)',
      [examId, schoolId, ReportStatus.Ready, blobKey, JSON.stringify(suggestionVersions), scoreVersion],
    );
  }

  /** Not rendered, for `reason`; the last good PDF's key is kept. */
  async markFailed(examId: number, schoolId: number, reason: string): Promise<void> {
    await this.ds.query(
      'INSERT INTO report (exam_id, school_id, status, error) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), error = VALUES(error)',
      [examId, schoolId, ReportStatus.Failed, reason],
    );
  }

  /**
   * Reports owed, untouched for `olderThanSeconds`: marked queued and not rendered since (their jobs may have been
   * lost), or ready but drawn from older results than the exam's stored ones (the results job's enqueue of their
   * render failed, or was lost with Redis). The reconciliation renders them again.
   */
  async stuckQueued(olderThanSeconds: number): Promise<{ examId: number; schoolId: number }[]> {
    return this.ds.query(
      'SELECT r.exam_id AS examId, r.school_id AS schoolId FROM report r ' +
        'LEFT JOIN (SELECT exam_id, MIN(score_version) AS computed FROM exam_analysis GROUP BY exam_id) a ON a.exam_id = r.exam_id ' +
        'WHERE (r.status = ? OR (r.status = ? AND r.score_version < a.computed)) AND r.updated_at < NOW(6) - INTERVAL ? SECOND ORDER BY r.id',
      [ReportStatus.Queued, ReportStatus.Ready, olderThanSeconds],
    );
  }

  /**
   * Reports owed that have no row at all: the exam's results are stored (a while ago) but an alliance school has no
   * report, because the results job's first enqueue of its renders failed (Redis away) before any row was written, and
   * its retries were spent. Comparison schools get no report; an imported exam is not computed here.
   */
  async missing(olderThanSeconds: number, limit: number): Promise<{ examId: number; schoolId: number }[]> {
    const rows: { examId: number | string; schoolId: number | string }[] = await this.ds.query(
      'SELECT a.exam_id AS examId, s.id AS schoolId FROM ' +
        '(SELECT exam_id, MAX(computed_at) AS computed_at FROM exam_analysis GROUP BY exam_id) a ' +
        "JOIN exam e ON e.id = a.exam_id AND e.status <> 'imported' " +
        "JOIN school s ON s.alliance_id = e.alliance_id AND s.kind <> 'comparison' " +
        'LEFT JOIN report r ON r.exam_id = a.exam_id AND r.school_id = s.id ' +
        'WHERE r.id IS NULL AND a.computed_at < NOW(6) - INTERVAL ? SECOND ORDER BY a.exam_id, s.id LIMIT ?',
      [olderThanSeconds, limit],
    );
    return rows.map((r) => ({ examId: Number(r.examId), schoolId: Number(r.schoolId) }));
  }

  ofExam(examId: number): Promise<Report[]> {
    return this.ds.getRepository(Report).find({ where: { examId } });
  }

  find(examId: number, schoolId: number): Promise<Report | null> {
    return this.ds.getRepository(Report).findOneBy({ examId, schoolId });
  }
}
