import { MigrationInterface, QueryRunner } from 'typeorm';

/** 纵看 (issue 5): an exam may name the prior exam of the same cohort, and the 提升系数 formula it uses. */
export class ExamPriorLink1765200000000 implements MigrationInterface {
  name = 'ExamPriorLink1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "ALTER TABLE `exam` ADD `prior_exam_id` int NULL, ADD `improvement_formula` varchar(20) NOT NULL DEFAULT 'va_over_se'",
    );
    await q.query(
      'ALTER TABLE `exam` ADD CONSTRAINT `fk_exam_prior_exam_id` FOREIGN KEY (`prior_exam_id`) REFERENCES `exam`(`id`) ON DELETE SET NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` DROP FOREIGN KEY `fk_exam_prior_exam_id`');
    await q.query('ALTER TABLE `exam` DROP COLUMN `improvement_formula`, DROP COLUMN `prior_exam_id`');
  }
}
