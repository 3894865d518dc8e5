import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marking quality control (issue #4): item assignments (题块), per-item QC settings, per-marker state
 * (trial / live / suspended), reference answers with definitive scores (试评 and 测评卷), and the
 * supersession of mark events (回评 changes, re-queued work of a suspended marker). Mark events stay immutable:
 * a superseded event gets a row in mark_supersession, never an update or a delete.
 */
export class MarkingQc1764800000000 implements MigrationInterface {
  name = 'MarkingQc1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // marking_task: QC tasks (trial, seed, self) belong to one marker (qc_for); a re-queued task is a new attempt.
    await q.query(
      "ALTER TABLE `marking_task` ADD `kind` varchar(8) NOT NULL DEFAULT 'live', ADD `qc_for` int NOT NULL DEFAULT 0, ADD `attempt` tinyint NOT NULL DEFAULT 0, ADD `ref_event_id` int NULL",
    );
    // The new unique key starts with snippet_id, so the snippet foreign key keeps an index when the old one goes.
    await q.query(
      'CREATE UNIQUE INDEX `uq_marking_task_slot` ON `marking_task` (`snippet_id`, `round`, `kind`, `qc_for`, `attempt`)',
    );
    await q.query('DROP INDEX `IDX_ecb5e7279d723df005c8fa26c9` ON `marking_task`');
    await q.query('CREATE INDEX `idx_marking_task_qc_for` ON `marking_task` (`qc_for`, `status`)');
    // Leasing reads the pool of one exam in shuffle order; completion checks ask for any open task of an exam.
    await q.query('CREATE INDEX `idx_marking_task_pool` ON `marking_task` (`exam_id`, `status`, `shuffle_key`)');
    await q.query(
      "ALTER TABLE `mark_event` ADD `kind` varchar(8) NOT NULL DEFAULT 'live', ADD `ref_event_id` int NULL, ADD `agreed` tinyint NULL",
    );
    await q.query('CREATE INDEX `idx_mark_event_item_marker` ON `mark_event` (`item_id`, `marker_id`, `kind`)');
    await q.query(
      'CREATE TABLE `mark_supersession` (`id` int NOT NULL AUTO_INCREMENT, `mark_event_id` int NOT NULL, `reason` varchar(20) NOT NULL, `by_user_id` int NULL, `replacement_event_id` int NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX `uq_mark_supersession_event` (`mark_event_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `marker_assignment` (`id` int NOT NULL AUTO_INCREMENT, `item_id` int NOT NULL, `marker_id` int NOT NULL, `assigned_by` int NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX `uq_marker_assignment` (`item_id`, `marker_id`), INDEX `idx_marker_assignment_marker` (`marker_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      "CREATE TABLE `marker_item_state` (`id` int NOT NULL AUTO_INCREMENT, `item_id` int NOT NULL, `marker_id` int NOT NULL, `phase` varchar(8) NOT NULL DEFAULT 'trial', `suspended` tinyint NOT NULL DEFAULT 0, `reason` varchar(200) NULL, `changed_by` int NULL, `restored_after` int NULL, `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX `uq_marker_item_state` (`item_id`, `marker_id`), INDEX `idx_marker_item_state_marker` (`marker_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await q.query(
      'CREATE TABLE `item_qc_setting` (`item_id` int NOT NULL, `trial_required` tinyint NOT NULL DEFAULT 0, `trial_pass_rate` decimal(5,4) NULL, `seed_rate` decimal(5,4) NOT NULL DEFAULT 0, `seed_tolerance` decimal(7,2) NULL, `seed_misses` int NOT NULL DEFAULT 3, `seed_window` int NOT NULL DEFAULT 10, `self_rate` decimal(5,4) NOT NULL DEFAULT 0, `daily_cap` int NULL, `review_size` int NOT NULL DEFAULT 10, PRIMARY KEY (`item_id`)) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `reference_answer` (`id` int NOT NULL AUTO_INCREMENT, `item_id` int NOT NULL, `snippet_id` int NOT NULL, `kind` varchar(8) NOT NULL, `score` decimal(7,2) NOT NULL, `created_by` int NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX `uq_reference_answer` (`snippet_id`, `kind`), INDEX `idx_reference_answer_item` (`item_id`, `kind`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `mark_supersession` ADD CONSTRAINT `fk_mark_supersession_event` FOREIGN KEY (`mark_event_id`) REFERENCES `mark_event`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `marker_assignment` ADD CONSTRAINT `fk_marker_assignment_item` FOREIGN KEY (`item_id`) REFERENCES `item`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `marker_assignment` ADD CONSTRAINT `fk_marker_assignment_marker` FOREIGN KEY (`marker_id`) REFERENCES `user`(`id`) ON DELETE CASCADE',
    );
    await q.query(
      'ALTER TABLE `marker_item_state` ADD CONSTRAINT `fk_marker_item_state_item` FOREIGN KEY (`item_id`) REFERENCES `item`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `item_qc_setting` ADD CONSTRAINT `fk_item_qc_setting_item` FOREIGN KEY (`item_id`) REFERENCES `item`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `reference_answer` ADD CONSTRAINT `fk_reference_answer_snippet` FOREIGN KEY (`snippet_id`) REFERENCES `answer_snippet`(`id`) ON DELETE RESTRICT',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `reference_answer`');
    await q.query('DROP TABLE `item_qc_setting`');
    await q.query('DROP TABLE `marker_item_state`');
    await q.query('DROP TABLE `marker_assignment`');
    await q.query('DROP TABLE `mark_supersession`');
    await q.query('DROP INDEX `idx_mark_event_item_marker` ON `mark_event`');
    await q.query('ALTER TABLE `mark_event` DROP COLUMN `agreed`, DROP COLUMN `ref_event_id`, DROP COLUMN `kind`');
    await q.query('CREATE UNIQUE INDEX `IDX_ecb5e7279d723df005c8fa26c9` ON `marking_task` (`snippet_id`, `round`)');
    await q.query('DROP INDEX `uq_marking_task_slot` ON `marking_task`');
    await q.query('DROP INDEX `idx_marking_task_qc_for` ON `marking_task`');
    await q.query('DROP INDEX `idx_marking_task_pool` ON `marking_task`');
    await q.query(
      'ALTER TABLE `marking_task` DROP COLUMN `ref_event_id`, DROP COLUMN `attempt`, DROP COLUMN `qc_for`, DROP COLUMN `kind`',
    );
  }
}
