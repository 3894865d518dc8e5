import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 区县 above alliances (issue 17): a county holds alliances (alliance.county_id, an alliance may belong to none) and
 * its bureau users (教研员/督导, read-only; their grants are expanded per alliance of the county when a session loads).
 */
export class County1765620000000 implements MigrationInterface {
  name = 'County1765620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `county` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(100) NOT NULL, `code` varchar(40) NOT NULL, ' +
        '`created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (`id`), ' +
        'UNIQUE INDEX `uq_county_code` (`code`)) ENGINE=InnoDB',
    );
    await q.query(
      'ALTER TABLE `alliance` ADD `county_id` int NULL, ADD INDEX `idx_alliance_county_id` (`county_id`), ' +
        'ADD CONSTRAINT `fk_alliance_county_id` FOREIGN KEY (`county_id`) REFERENCES `county`(`id`) ON DELETE SET NULL',
    );
    await q.query(
      'CREATE TABLE `bureau_user` (`id` int NOT NULL AUTO_INCREMENT, `user_id` int NOT NULL, `county_id` int NOT NULL, ' +
        'PRIMARY KEY (`id`), UNIQUE INDEX `uq_bureau_user` (`user_id`, `county_id`), INDEX `idx_bureau_user_county_id` (`county_id`), ' +
        'CONSTRAINT `fk_bureau_user_user_id` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_bureau_user_county_id` FOREIGN KEY (`county_id`) REFERENCES `county`(`id`) ON DELETE CASCADE) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `bureau_user`');
    await q.query(
      'ALTER TABLE `alliance` DROP FOREIGN KEY `fk_alliance_county_id`, DROP INDEX `idx_alliance_county_id`, DROP COLUMN `county_id`',
    );
    await q.query('DROP TABLE `county`');
  }
}
