import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scanned_page.source_page: a page still inside the multi-page TIFF it was uploaded in (blob_key is the TIFF's), the
 * 0-based page of that TIFF. The upload only counts a TIFF's pages; the worker takes each page out (bounded in pixels)
 * when it reads it, stores it as its own image and clears the column.
 */
export class PageSourcePage1765640000000 implements MigrationInterface {
  name = 'PageSourcePage1765640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `scanned_page` ADD COLUMN `source_page` int NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `scanned_page` DROP COLUMN `source_page`');
  }
}
