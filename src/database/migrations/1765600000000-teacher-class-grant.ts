import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A teacher grant names a class (班主任 of the class with subject NULL, 任课教师 with a subject): user_role gains
 * class_id (NULL for every other role; the grant goes with its class) and the unique scope key its NULL-free twin.
 */
export class TeacherClassGrant1765600000000 implements MigrationInterface {
  name = 'TeacherClassGrant1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `user_role` ADD `class_id` int NULL, ADD `class_key` int AS (IFNULL(`class_id`, 0)) STORED, ' +
        'ADD CONSTRAINT `fk_user_role_class_id` FOREIGN KEY (`class_id`) REFERENCES `school_class`(`id`) ON DELETE CASCADE',
    );
    await q.query(
      'ALTER TABLE `user_role` DROP INDEX `uq_user_role_scope`, ' +
        'ADD UNIQUE INDEX `uq_user_role_scope` (`user_id`, `role`, `alliance_id`, `school_key`, `subject_key`, `class_key`)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM `user_role` WHERE `class_id` IS NOT NULL OR `role` = 'teacher'");
    await q.query(
      'ALTER TABLE `user_role` DROP INDEX `uq_user_role_scope`, ' +
        'ADD UNIQUE INDEX `uq_user_role_scope` (`user_id`, `role`, `alliance_id`, `school_key`, `subject_key`)',
    );
    await q.query('ALTER TABLE `user_role` DROP FOREIGN KEY `fk_user_role_class_id`');
    await q.query('ALTER TABLE `user_role` DROP COLUMN `class_key`, DROP COLUMN `class_id`');
  }
}
