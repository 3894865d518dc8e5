import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 items 3 and 6 (issue 18 item 2's version):
 * - score_version: one counter per exam, bumped in the transaction of every change of scores or of who sat (a mark
 *   that settles or withdraws a final score, a page read or re-matched, an OMR review, a 缺考 mark, an import);
 * - exam_analysis.score_version: the version the stored analysis was computed from (outdated = lower than current);
 * - results_release: the exam's 成绩发布 (the version released, when, by whom, the reason given for what was unfinished);
 * - exam_subject: the exam's timetable (subject, date, start and end time);
 * - student_result.unscanned: 未扫描 (no sheet read, no 缺考 mark), told apart from 缺考 and from unmarked.
 */
export class ScoreVersionRelease1765530000000 implements MigrationInterface {
  name = 'ScoreVersionRelease1765530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `score_version` (`exam_id` int NOT NULL, `version` int NOT NULL DEFAULT 0, ' +
        '`changed_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (`exam_id`)) ENGINE=InnoDB',
    );
    await q.query('ALTER TABLE `exam_analysis` ADD COLUMN `score_version` int NOT NULL DEFAULT 0');
    await q.query(
      'CREATE TABLE `results_release` (`exam_id` int NOT NULL, `score_version` int NOT NULL, ' +
        '`released_at` datetime(6) NOT NULL, `released_by` int NOT NULL, `reason` varchar(500) NULL, ' +
        '`issue_count` int NOT NULL DEFAULT 1, PRIMARY KEY (`exam_id`)) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `exam_subject` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, ' +
        '`subject` varchar(40) NOT NULL, `date` date NULL, `start_time` char(5) NULL, `end_time` char(5) NULL, ' +
        'PRIMARY KEY (`id`), UNIQUE KEY `uq_exam_subject` (`exam_id`, `subject`)) ENGINE=InnoDB',
    );
    await q.query('ALTER TABLE `student_result` ADD COLUMN `unscanned` tinyint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `student_result` DROP COLUMN `unscanned`');
    await q.query('DROP TABLE `exam_subject`');
    await q.query('DROP TABLE `results_release`');
    await q.query('ALTER TABLE `exam_analysis` DROP COLUMN `score_version`');
    await q.query('DROP TABLE `score_version`');
  }
}
