import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Report, ReportStatus } from './entities/report.entity.js';

/** Rows per multi-row statement. */
const CHUNK = 500;

/** The report table's statements, and the read of the stored analyses a report is rendered from. */
@Injectable()
export class ReportRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Results computed: these schools' reports are being rendered again (errors of earlier runs cleared). */
  async markQueued(examId: number, schoolIds: number[]): Promise<void> {
    for (let i = 0; i < schoolIds.length; i += CHUNK) {
      const part = schoolIds.slice(i, i + CHUNK);
      await this.ds.query(
        `INSERT INTO report (exam_id, school_id, status) VALUES ${part.map(() => '(?, ?, ?)').join(', ')} ON DUPLICATE KEY UPDATE status = VALUES(status), error = NULL`,
        part.flatMap((schoolId) => [examId, schoolId, ReportStatus.Queued]),
      );
    }
  }

  /** Rendered and stored under `blobKey`, printing these suggestion versions. */
  async markReady(examId: number, schoolId: number, blobKey: string, suggestionVersions: number[] = []): Promise<void> {
    await this.ds.query(
      'INSERT INTO report (exam_id, school_id, status, blob_key, error, suggestion_versions) VALUES (?, ?, ?, ?, NULL, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), blob_key = VALUES(blob_key), error = NULL, suggestion_versions = VALUES(suggestion_versions)',
      [examId, schoolId, ReportStatus.Ready, blobKey, JSON.stringify(suggestionVersions)],
    );
  }

  /** Not rendered, for `reason`; the last good PDF's key is kept. */
  async markFailed(examId: number, schoolId: number, reason: string): Promise<void> {
    await this.ds.query(
      'INSERT INTO report (exam_id, school_id, status, error) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), error = VALUES(error)',
      [examId, schoolId, ReportStatus.Failed, reason],
    );
  }

  /** Reports marked queued a while ago and not rendered since: their jobs may have been lost. */
  async stuckQueued(olderThanSeconds: number): Promise<{ examId: number; schoolId: number }[]> {
    return this.ds.query(
      'SELECT exam_id AS examId, school_id AS schoolId FROM report WHERE status = ? AND updated_at < NOW(6) - INTERVAL ? SECOND ORDER BY id',
      [ReportStatus.Queued, olderThanSeconds],
    );
  }

  ofExam(examId: number): Promise<Report[]> {
    return this.ds.getRepository(Report).find({ where: { examId } });
  }

  find(examId: number, schoolId: number): Promise<Report | null> {
    return this.ds.getRepository(Report).findOneBy({ examId, schoolId });
  }
}
