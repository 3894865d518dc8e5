import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #16 item 5 (题块分配): a 题块 is a group of items of one paper marked together by the same markers. An item
 * belongs to at most one 题块 (unique item_id). Assigning markers to a 题块 writes marker_assignment rows for each of
 * its items, so leasing keeps reading marker_assignment alone.
 */
export class MarkingBlocks1765560000000 implements MigrationInterface {
  name = 'MarkingBlocks1765560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `marking_block` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `paper_id` int NOT NULL, ' +
        '`name` varchar(40) NOT NULL, `created_by` int NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ' +
        'INDEX `idx_marking_block_exam` (`exam_id`), UNIQUE INDEX `uq_marking_block_name` (`paper_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `marking_block_item` (`id` int NOT NULL AUTO_INCREMENT, `block_id` int NOT NULL, `item_id` int NOT NULL, ' +
        'INDEX `idx_marking_block_item_block` (`block_id`), UNIQUE INDEX `uq_marking_block_item_item` (`item_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `marking_block` ADD CONSTRAINT `fk_marking_block_paper_id` FOREIGN KEY (`paper_id`) REFERENCES `paper`(`id`) ON DELETE CASCADE',
    );
    await q.query(
      'ALTER TABLE `marking_block_item` ADD CONSTRAINT `fk_marking_block_item_block_id` FOREIGN KEY (`block_id`) REFERENCES `marking_block`(`id`) ON DELETE CASCADE',
    );
    await q.query(
      'ALTER TABLE `marking_block_item` ADD CONSTRAINT `fk_marking_block_item_item_id` FOREIGN KEY (`item_id`) REFERENCES `item`(`id`) ON DELETE CASCADE',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `marking_block_item`');
    await q.query('DROP TABLE `marking_block`');
  }
}
