import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marking at city load (issue 4): indexes for the per-request reads of next and submit, so none of them scans a pool.
 * - idx_marking_task_item_pool (item_id, status, shuffle_key): a marker's next pending task of one item is the first
 *   row of an index walk (it replaces (item_id, status), which sorted every pending task of the item on each call).
 * - idx_marking_task_item_lease (item_id, status, lease_expires_at): lapsed leases of an item by range.
 * - idx_marking_task_leased_by (leased_by, status): the task a marker already holds.
 * - idx_mark_event_snippet_marker (snippet_id, marker_id): "has this marker marked this answer", per candidate.
 */
export class MarkingHotPath1765330000000 implements MigrationInterface {
  name = 'MarkingHotPath1765330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `marking_task` ADD INDEX `idx_marking_task_item_pool` (`item_id`, `status`, `shuffle_key`), ADD INDEX `idx_marking_task_item_lease` (`item_id`, `status`, `lease_expires_at`), ADD INDEX `idx_marking_task_leased_by` (`leased_by`, `status`)',
    );
    await q.query('ALTER TABLE `marking_task` DROP INDEX `IDX_c4beae4287072228ff341868ed`');
    await q.query('ALTER TABLE `mark_event` ADD INDEX `idx_mark_event_snippet_marker` (`snippet_id`, `marker_id`)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `mark_event` DROP INDEX `idx_mark_event_snippet_marker`');
    await q.query('ALTER TABLE `marking_task` ADD INDEX `IDX_c4beae4287072228ff341868ed` (`item_id`, `status`)');
    await q.query(
      'ALTER TABLE `marking_task` DROP INDEX `idx_marking_task_leased_by`, DROP INDEX `idx_marking_task_item_lease`, DROP INDEX `idx_marking_task_item_pool`',
    );
  }
}
