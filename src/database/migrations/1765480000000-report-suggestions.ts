import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * report.suggestion_versions: the suggestion-library versions (suggestion_version ids) a rendered report printed
 * under its levers, so a principal's question "where did this advice come from" has an answer after the library moves on.
 */
export class ReportSuggestions1765480000000 implements MigrationInterface {
  name = 'ReportSuggestions1765480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `report` ADD COLUMN `suggestion_versions` longtext NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `report` DROP COLUMN `suggestion_versions`');
  }
}
