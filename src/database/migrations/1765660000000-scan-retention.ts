import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 item 2, retention (PIPL): an exam's scans and snippets may be deleted some days after its results were
 * released; results and reports stay.
 * - exam.scan_retention_days: the exam's own period (NULL: the installation's RETENTION_DAYS; 0: keep);
 * - scan_purge: one row per exam whose images were deleted: when, by whom (NULL: the scheduled CLI), and how many.
 */
export class ScanRetention1765660000000 implements MigrationInterface {
  name = 'ScanRetention1765660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` ADD COLUMN `scan_retention_days` int NULL');
    await q.query(
      'CREATE TABLE `scan_purge` (`exam_id` int NOT NULL, `purged_at` datetime(3) NOT NULL, `purged_by` int NULL, ' +
        '`pages` int NOT NULL, `snippets` int NOT NULL, `crops` int NOT NULL, `blobs_deleted` int NOT NULL, ' +
        '`blobs_shared` int NOT NULL, PRIMARY KEY (`exam_id`)) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `scan_purge`');
    await q.query('ALTER TABLE `exam` DROP COLUMN `scan_retention_days`');
  }
}
