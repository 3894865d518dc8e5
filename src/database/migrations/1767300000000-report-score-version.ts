import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: a report said `queued` before its job was queued, and served its old PDF under that status. The report now
 * records the score version of the results its stored PDF was drawn from, so a PDF older than the results is known
 * (and said) to be an earlier version, and the reconciliation renders it again when its job was lost. Existing rows
 * keep null: drawn from an unknown version, never re-rendered for that alone.
 */
export class ReportScoreVersion1767300000000 implements MigrationInterface {
  name = 'ReportScoreVersion1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `report` ADD `score_version` int NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `report` DROP COLUMN `score_version`');
  }
}
