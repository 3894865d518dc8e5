import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: the generations that debounce results and report jobs (and name re-read jobs) were Redis counters, so a
 * Redis restarted without persistence started them again at 0: a job's "am I the latest?" then compared against a
 * forgotten count, and new jobs took the ids of old ones. They are kept in MySQL now, beside the score versions.
 */
export class JobGeneration1767500000000 implements MigrationInterface {
  name = 'JobGeneration1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `job_generation` (`kind` varchar(16) NOT NULL, `subject` varchar(64) NOT NULL, ' +
        '`generation` int NOT NULL, PRIMARY KEY (`kind`, `subject`)) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `job_generation`');
  }
}
