import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Student and parent notices (issue 17 item 3): a reduced JPEG of each read page, straightened into the sheet's frame
 * at ingest (scanned_page.reduced_blob_key; pages read before it are rendered from the original when a notice needs
 * them), and the personal codes a student or parent opens the notice with (notice_code: looked up by its hash; kept sealed with a key derived from JWT_SECRET so the class PDF can print it
 * again, and a copy of the database alone opens nothing).
 */
export class StudentNotices1765630000000 implements MigrationInterface {
  name = 'StudentNotices1765630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `scanned_page` ADD COLUMN `reduced_blob_key` varchar(200) NULL');
    await q.query(
      'CREATE TABLE `notice_code` (' +
        '`id` int NOT NULL AUTO_INCREMENT, ' +
        '`exam_id` int NOT NULL, ' +
        '`student_id` int NOT NULL, ' +
        '`school_id` int NOT NULL, ' +
        '`class_id` int NOT NULL, ' +
        '`code_hash` char(64) NOT NULL, ' +
        '`code_sealed` varchar(120) NOT NULL, ' +
        '`created_by` int NOT NULL, ' +
        '`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ' +
        '`revoked_at` datetime(3) NULL, ' +
        '`revoked_by` int NULL, ' +
        'UNIQUE INDEX `uq_notice_code_hash` (`code_hash`), ' +
        'INDEX `idx_notice_code_exam_class` (`exam_id`, `class_id`), ' +
        'INDEX `idx_notice_code_student` (`student_id`, `exam_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `notice_code`');
    await q.query('ALTER TABLE `scanned_page` DROP COLUMN `reduced_blob_key`');
  }
}
