import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScanPurge } from './entities/scan-purge.entity.js';

/** The answer to a request for an image that retention deleted (410). */
export const PURGED = '该考试的答题卡图像已按保留期限删除（成绩与报告仍可查看）';

/** The image blobs an exam's rows name, by table and column (snippets and OMR crops are content-addressed). */
export const IMAGE_COLUMNS = [
  { kind: 'pages', table: 'scanned_page', column: 'blob_key' },
  { kind: 'snippets', table: 'answer_snippet', column: 'blob_key' },
  { kind: 'crops', table: 'omr_review', column: 'crop_blob_key' },
  // the reduced copy of each page that the students' notices print (scans/notice-page-images.ts)
  { kind: 'reduced', table: 'scanned_page', column: 'reduced_blob_key' },
] as const;
export type ImageKind = (typeof IMAGE_COLUMNS)[number]['kind'];

const STATEMENTS = {
  // keyset paging over one table's rows of the exam (the table name comes from IMAGE_COLUMNS, never from a request)
  page: (t: string, c: string) =>
    `SELECT id, ${c} AS blobKey FROM ${t} WHERE exam_id = ? AND id > ? AND ${c} IS NOT NULL ORDER BY id LIMIT ?`,
  elsewhere: (t: string, c: string) => `SELECT DISTINCT ${c} AS blobKey FROM ${t} WHERE exam_id <> ? AND ${c} IN (?)`,
  releasedNotPurged:
    'SELECT r.exam_id AS examId FROM results_release r LEFT JOIN scan_purge p ON p.exam_id = r.exam_id ' +
    'WHERE p.exam_id IS NULL ORDER BY r.exam_id',
  record:
    'INSERT INTO scan_purge (exam_id, purged_at, purged_by, pages, snippets, crops, blobs_deleted, blobs_shared) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE purged_at = VALUES(purged_at), ' +
    'purged_by = VALUES(purged_by), pages = VALUES(pages), snippets = VALUES(snippets), crops = VALUES(crops), ' +
    'blobs_deleted = VALUES(blobs_deleted), blobs_shared = VALUES(blobs_shared)',
};

/** The scan_purge table (retention), and the reads over the scans' image columns that a purge needs. */
@Injectable()
export class ScanPurgeRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  of(examId: number): Promise<ScanPurge | null> {
    return this.ds.getRepository(ScanPurge).findOneBy({ examId });
  }

  /** The blob keys one table's rows of the exam name, a batch at a time (rows stay: results refer to them). */
  async *imageKeys(kind: ImageKind, examId: number, batch = 2000): AsyncIterable<string[]> {
    const { table, column } = IMAGE_COLUMNS.find((c) => c.kind === kind)!;
    let after = 0;
    for (;;) {
      const rows: { id: number; blobKey: string }[] = await this.ds.query(STATEMENTS.page(table, column), [
        examId,
        after,
        batch,
      ]);
      if (!rows.length) return;
      after = Number(rows[rows.length - 1]!.id);
      yield rows.map((r) => r.blobKey);
      if (rows.length < batch) return;
    }
  }

  /** Of these keys, those that a row of another exam names too (the same image bytes uploaded there). */
  async namedElsewhere(examId: number, keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (!keys.length) return out;
    for (const { table, column } of IMAGE_COLUMNS) {
      const rows: { blobKey: string }[] = await this.ds.query(STATEMENTS.elsewhere(table, column), [examId, keys]);
      for (const r of rows) out.add(r.blobKey);
    }
    return out;
  }

  /** Exams whose results were released and whose images were never purged: the scheduled purge's candidates. */
  async releasedNotPurged(): Promise<number[]> {
    const rows: { examId: number }[] = await this.ds.query(STATEMENTS.releasedNotPurged);
    return rows.map((r) => Number(r.examId));
  }

  async record(p: ScanPurge): Promise<void> {
    await this.ds.query(STATEMENTS.record, [
      p.examId,
      p.purgedAt,
      p.purgedBy,
      p.pages,
      p.snippets,
      p.crops,
      p.blobsDeleted,
      p.blobsShared,
    ]);
  }
}
