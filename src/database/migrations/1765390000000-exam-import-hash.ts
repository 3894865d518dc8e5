import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 历史成绩导入: a fingerprint of the imported results (subjects, full marks, every student's totals), unique per
 * alliance, so that importing the same results twice cannot make two exams. NULL for every other exam.
 */
export class ExamImportHash1765390000000 implements MigrationInterface {
  name = 'ExamImportHash1765390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `exam` ADD `import_hash` char(64) NULL, ADD UNIQUE KEY `uq_exam_import_hash` (`alliance_id`, `import_hash`)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` DROP INDEX `uq_exam_import_hash`, DROP COLUMN `import_hash`');
  }
}
