import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: a results job that fails every time was queued again by every reconciliation pass, forever. results_retry
 * counts the passes per exam at its score version (src/results/domain/results-retry.ts), in MySQL so that restarts of
 * Redis or of the workers do not reset it.
 */
export class ResultsRetry1766300000000 implements MigrationInterface {
  name = 'ResultsRetry1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `results_retry` (`exam_id` int NOT NULL, `score_version` int NOT NULL, `passes` int NOT NULL, ' +
        '`updated_at` datetime(6) NOT NULL, PRIMARY KEY (`exam_id`)) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `results_retry`');
  }
}
