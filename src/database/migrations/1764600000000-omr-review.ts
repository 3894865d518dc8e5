import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OMR review queue (issue #3): an objective item whose bubbles could not be read with confidence (a half fill, a grey
 * between blank and marked) is not scored from the scan; it waits here for a person, with the bubbles' measures and
 * a crop of the item. Resolving it writes the objective_response and an audit row. One row per (student, item).
 */
export class OmrReview1764600000000 implements MigrationInterface {
  name = 'OmrReview1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `omr_review` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `school_id` int NOT NULL, `page_id` int NOT NULL, `student_id` int NOT NULL, `item_id` int NOT NULL, ' +
        "`options` varchar(20) NOT NULL, `read_marked` varchar(20) NOT NULL DEFAULT '', `verdict` varchar(16) NOT NULL, `confidence` decimal(4,3) NOT NULL, `fills` longtext NULL, `inks` longtext NULL, " +
        "`crop_blob_key` varchar(200) NULL, `status` varchar(16) NOT NULL DEFAULT 'open', `resolved_marked` varchar(20) NULL, `resolved_by` int NULL, `resolved_at` datetime(3) NULL, " +
        '`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ' +
        'UNIQUE INDEX `uq_omr_review_student_item` (`student_id`, `item_id`), INDEX `idx_omr_review_exam_school` (`exam_id`, `school_id`, `status`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `omr_review` ADD CONSTRAINT `fk_omr_review_item` FOREIGN KEY (`item_id`) REFERENCES `item`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `omr_review` ADD CONSTRAINT `fk_omr_review_page` FOREIGN KEY (`page_id`) REFERENCES `scanned_page`(`id`) ON DELETE CASCADE',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `omr_review`');
  }
}
