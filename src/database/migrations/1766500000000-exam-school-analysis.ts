import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A city 联考 (200 schools × 8 classes) made one paper's analysis a single JSON value of ~17–30 MB, past MariaDB's
 * default max_allowed_packet (16 MB): the results job failed. Each school's figures and its classes' now sit in a row
 * of their own (src/results/domain/stored-analysis.ts); exam_analysis keeps the rest of the paper's analysis.
 * Analyses stored before keep their schools inline and are read as they are.
 */
export class ExamSchoolAnalysis1766500000000 implements MigrationInterface {
  name = 'ExamSchoolAnalysis1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `exam_school_analysis` (`exam_id` int NOT NULL, `paper_id` int NOT NULL, `school_id` int NOT NULL, ' +
        '`seq` int NOT NULL, `school` longtext NOT NULL, `classes` longtext NULL, ' +
        'PRIMARY KEY (`exam_id`, `paper_id`, `school_id`)) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `exam_school_analysis`');
  }
}
