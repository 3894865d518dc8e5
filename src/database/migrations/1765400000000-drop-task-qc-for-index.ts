import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * marking_task's (qc_for, status) index is read by no query (each one on qc_for also names the snippet, and walks
 * uq_marking_task_slot), but every lease and submit changed it: two index updates per task for nothing.
 */
export class DropTaskQcForIndex1765400000000 implements MigrationInterface {
  name = 'DropTaskQcForIndex1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX `idx_marking_task_qc_for` ON `marking_task`');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX `idx_marking_task_qc_for` ON `marking_task` (`qc_for`, `status`)');
  }
}
