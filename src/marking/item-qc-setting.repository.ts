import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import { ItemQcSetting } from './entities/qc.entities.js';

/** The statements, checked in as text (queries/item-qc-setting.repository.sql): a change shows in review. */
export const SQL = {
  seedTolerance: 'SELECT seed_tolerance FROM item_qc_setting WHERE item_id = ?',
};

/** The item_qc_setting table's statements: an item's quality-control settings, set by its subject lead. */
@Injectable()
export class ItemQcSettingRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  find(itemId: number): Promise<ItemQcSetting | null> {
    return this.ds.getRepository(ItemQcSetting).findOneBy({ itemId });
  }

  /** The settings of those of these items that have any (on TypeORM's pool). */
  ofItems(itemIds: number[]): Promise<ItemQcSetting[]> {
    return this.ds.getRepository(ItemQcSetting).findBy({ itemId: In(itemIds) });
  }

  /** The seed tolerance (raw: DECIMAL as a string, null when unset); no row when the item has no settings. */
  seedTolerance(tx: Tx, itemId: number): Promise<{ seed_tolerance: string | null }[]> {
    return sqlOf(tx).query(SQL.seedTolerance, [itemId]);
  }

  /** The item's settings, created or replaced. */
  async save(setting: ItemQcSetting): Promise<void> {
    await this.ds.getRepository(ItemQcSetting).upsert(setting, ['itemId']);
  }
}
