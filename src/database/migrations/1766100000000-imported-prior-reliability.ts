import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 item 3: an imported prior exam (历史成绩导入) has no items, so no α of its own. The admin may state its
 * reliability at import (0–1, e.g. from the source system's report) and where it came from; the results job reports
 * it with the value-added method (the report's methods appendix). NULL: not stated (and for every scanned exam).
 */
export class ImportedPriorReliability1766100000000 implements MigrationInterface {
  name = 'ImportedPriorReliability1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `exam` ADD COLUMN `stated_reliability` decimal(4,3) NULL, ' +
        'ADD COLUMN `stated_reliability_source` varchar(200) NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` DROP COLUMN `stated_reliability_source`, DROP COLUMN `stated_reliability`');
  }
}
