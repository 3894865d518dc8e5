import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scan exceptions workflow (issue 3, item 7): a page may be pinned to a student and turned by a right angle before it
 * is read; students confirmed absent (缺考) per paper are recorded by the scanner of their school.
 */
export class ScanExceptions1765300000000 implements MigrationInterface {
  name = 'ScanExceptions1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `scanned_page` ADD `forced_student_id` int NULL, ADD `rotation` smallint NOT NULL DEFAULT 0',
    );
    await q.query(
      'ALTER TABLE `scanned_page` ADD CONSTRAINT `fk_scanned_page_forced_student_id` FOREIGN KEY (`forced_student_id`) REFERENCES `student`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'CREATE TABLE `exam_absence` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `paper_id` int NOT NULL, `school_id` int NOT NULL, `student_id` int NOT NULL, ' +
        '`marked_by` int NOT NULL, `marked_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ' +
        'UNIQUE INDEX `uq_exam_absence_paper_student` (`paper_id`, `student_id`), INDEX `idx_exam_absence_exam_school` (`exam_id`, `school_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `exam_absence` ADD CONSTRAINT `fk_exam_absence_paper_id` FOREIGN KEY (`paper_id`) REFERENCES `paper`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `exam_absence` ADD CONSTRAINT `fk_exam_absence_student_id` FOREIGN KEY (`student_id`) REFERENCES `student`(`id`) ON DELETE RESTRICT',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `exam_absence`');
    await q.query('ALTER TABLE `scanned_page` DROP FOREIGN KEY `fk_scanned_page_forced_student_id`');
    await q.query('ALTER TABLE `scanned_page` DROP COLUMN `rotation`, DROP COLUMN `forced_student_id`');
  }
}
