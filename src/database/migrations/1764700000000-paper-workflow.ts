import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #3 (papers): review workflow and versions on paper, release time on exam, sub-items / cognitive level /
 * multiple-choice partial credit on item, and a knowledge-point tree per alliance and subject.
 * A paper is now unique per (exam, subject, version): a new version of a locked paper is a new row.
 */
export class PaperWorkflow1764700000000 implements MigrationInterface {
  name = 'PaperWorkflow1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` ADD `release_at` datetime NULL');
    await q.query(
      'ALTER TABLE `paper` ADD `version` int NOT NULL DEFAULT 1, ADD `previous_paper_id` int NULL, ADD `submitted_by` int NULL, ADD `reviewed_by` int NULL, ' +
        'ADD `review_comment` varchar(500) NULL, ADD `document_key` varchar(200) NULL, ADD `document_name` varchar(200) NULL',
    );
    await q.query('CREATE UNIQUE INDEX `uq_paper_exam_subject_version` ON `paper` (`exam_id`, `subject`, `version`)');
    await q.query('DROP INDEX `IDX_fe9a9fd7727e9769b8ea986fda` ON `paper`');
    await q.query(
      'ALTER TABLE `paper` ADD CONSTRAINT `fk_paper_previous_paper_id` FOREIGN KEY (`previous_paper_id`) REFERENCES `paper`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `item` ADD `parent_label` varchar(20) NULL, ADD `cognitive_level` varchar(20) NULL, ADD `partial_credit` decimal(4,3) NULL, ADD `knowledge_point_ids` longtext NULL',
    );
    await q.query(
      'CREATE TABLE `knowledge_point` (`id` int NOT NULL AUTO_INCREMENT, `alliance_id` int NOT NULL, `subject` varchar(40) NOT NULL, `parent_id` int NULL, ' +
        '`name` varchar(60) NOT NULL, `path` varchar(300) NOT NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), ' +
        'UNIQUE INDEX `uq_knowledge_point_path` (`alliance_id`, `subject`, `path`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `knowledge_point` ADD CONSTRAINT `fk_knowledge_point_alliance_id` FOREIGN KEY (`alliance_id`) REFERENCES `alliance`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `knowledge_point` ADD CONSTRAINT `fk_knowledge_point_parent_id` FOREIGN KEY (`parent_id`) REFERENCES `knowledge_point`(`id`) ON DELETE RESTRICT',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `knowledge_point`');
    await q.query(
      'ALTER TABLE `item` DROP COLUMN `knowledge_point_ids`, DROP COLUMN `partial_credit`, DROP COLUMN `cognitive_level`, DROP COLUMN `parent_label`',
    );
    await q.query('ALTER TABLE `paper` DROP FOREIGN KEY `fk_paper_previous_paper_id`');
    await q.query('CREATE UNIQUE INDEX `IDX_fe9a9fd7727e9769b8ea986fda` ON `paper` (`exam_id`, `subject`)');
    await q.query('DROP INDEX `uq_paper_exam_subject_version` ON `paper`');
    await q.query(
      'ALTER TABLE `paper` DROP COLUMN `document_name`, DROP COLUMN `document_key`, DROP COLUMN `review_comment`, DROP COLUMN `reviewed_by`, DROP COLUMN `submitted_by`, DROP COLUMN `previous_paper_id`, DROP COLUMN `version`',
    );
    await q.query('ALTER TABLE `exam` DROP COLUMN `release_at`');
  }
}
