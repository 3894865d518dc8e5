import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #14 item 7 (补短板): the alliance's suggestion library. `suggestion` is a suggestion's identity and subject with
 * a pointer to its current version; `suggestion_version` keeps every version, immutable, with author and time, so a
 * report can name the exact text it printed.
 */
export class SuggestionLibrary1765470000000 implements MigrationInterface {
  name = 'SuggestionLibrary1765470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `suggestion` (`id` int NOT NULL AUTO_INCREMENT, `alliance_id` int NOT NULL, `subject` varchar(40) NULL, ' +
        '`current_version_id` int NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), ' +
        'INDEX `ix_suggestion_alliance_subject` (`alliance_id`, `subject`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `suggestion_version` (`id` int NOT NULL AUTO_INCREMENT, `suggestion_id` int NOT NULL, `version` int NOT NULL, ' +
        '`kind` varchar(30) NULL, `knowledge_point` varchar(300) NULL, `cognitive_level` varchar(20) NULL, `text` varchar(1000) NOT NULL, ' +
        '`retired` tinyint NOT NULL DEFAULT 0, `author_id` int NOT NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), ' +
        'UNIQUE INDEX `uq_suggestion_version` (`suggestion_id`, `version`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `suggestion` ADD CONSTRAINT `fk_suggestion_alliance_id` FOREIGN KEY (`alliance_id`) REFERENCES `alliance`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `suggestion_version` ADD CONSTRAINT `fk_suggestion_version_suggestion_id` FOREIGN KEY (`suggestion_id`) REFERENCES `suggestion`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `suggestion_version` ADD CONSTRAINT `fk_suggestion_version_author_id` FOREIGN KEY (`author_id`) REFERENCES `user`(`id`) ON DELETE RESTRICT',
    );
    await q.query(
      'ALTER TABLE `suggestion` ADD CONSTRAINT `fk_suggestion_current_version_id` FOREIGN KEY (`current_version_id`) REFERENCES `suggestion_version`(`id`) ON DELETE RESTRICT',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `suggestion` DROP FOREIGN KEY `fk_suggestion_current_version_id`');
    await q.query('DROP TABLE `suggestion_version`');
    await q.query('DROP TABLE `suggestion`');
  }
}
