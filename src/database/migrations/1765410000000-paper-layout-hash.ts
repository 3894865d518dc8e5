import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * paper.layout_hash: SHA-256 of the sheet layout's JSON, computed by the server whenever the layout is written (a
 * stored generated column: no writer can forget it). Ingestion reads the hashes of an exam's papers for every page and
 * fetches a layout (15–30 kB each) only when its hash is new to the process: a nine-subject exam sent all nine with
 * every page.
 */
export class PaperLayoutHash1765410000000 implements MigrationInterface {
  name = 'PaperLayoutHash1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `paper` ADD COLUMN `layout_hash` CHAR(64) GENERATED ALWAYS AS (SHA2(`layout`, 256)) STORED',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `paper` DROP COLUMN `layout_hash`');
  }
}
