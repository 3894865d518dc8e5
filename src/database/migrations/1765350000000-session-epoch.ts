import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Logout revokes tokens: every token carries the user's session epoch, and logging out (or an admin
 * deactivating the account) moves the epoch on, so tokens issued before stop working at once.
 */
export class SessionEpoch1765350000000 implements MigrationInterface {
  name = 'SessionEpoch1765350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `user` ADD `session_epoch` int NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `user` DROP COLUMN `session_epoch`');
  }
}
