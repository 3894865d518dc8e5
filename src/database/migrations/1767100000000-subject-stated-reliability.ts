import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: an imported exam holds several subjects (数学, 英语… totals), each with its own reliability. The admin may
 * state it per subject at import, with its source; it is kept on that subject's paper. NULL: not stated for the
 * subject, when the exam's stated reliability (1766100000000) stands in, if any.
 */
export class SubjectStatedReliability1767100000000 implements MigrationInterface {
  name = 'SubjectStatedReliability1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `paper` ADD COLUMN `stated_reliability` decimal(4,3) NULL, ' +
        'ADD COLUMN `stated_reliability_source` varchar(200) NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `paper` DROP COLUMN `stated_reliability_source`, DROP COLUMN `stated_reliability`');
  }
}
