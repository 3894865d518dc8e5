import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unique index treats NULLs as distinct, so (user, admin, alliance, NULL, NULL) could be stored twice.
 * The scope columns get NULL-free generated twins, and the unique key is put on those.
 */
export class UserRoleUnique1765350000100 implements MigrationInterface {
  name = 'UserRoleUnique1765350000100';

  async up(q: QueryRunner): Promise<void> {
    // Any duplicates stored before go first (the oldest grant stays).
    await q.query(
      'DELETE r1 FROM `user_role` r1 JOIN `user_role` r2 ON r1.`user_id` = r2.`user_id` AND r1.`role` = r2.`role` AND r1.`alliance_id` = r2.`alliance_id` AND r1.`school_id` <=> r2.`school_id` AND r1.`subject` <=> r2.`subject` AND r1.`id` > r2.`id`',
    );
    await q.query(
      "ALTER TABLE `user_role` ADD `school_key` int AS (IFNULL(`school_id`, 0)) STORED, ADD `subject_key` varchar(40) AS (IFNULL(`subject`, '')) STORED",
    );
    await q.query(
      'ALTER TABLE `user_role` DROP INDEX `IDX_89dd2c7cc7f5ffa4233bc737be`, ADD UNIQUE INDEX `uq_user_role_scope` (`user_id`, `role`, `alliance_id`, `school_key`, `subject_key`)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `user_role` DROP INDEX `uq_user_role_scope`, ADD UNIQUE INDEX `IDX_89dd2c7cc7f5ffa4233bc737be` (`user_id`, `role`, `alliance_id`, `school_id`, `subject`)',
    );
    await q.query('ALTER TABLE `user_role` DROP COLUMN `subject_key`, DROP COLUMN `school_key`');
  }
}
