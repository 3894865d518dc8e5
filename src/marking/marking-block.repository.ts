import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import { MarkingBlock, MarkingBlockItem } from './entities/marking-block.entity.js';

/** The statements, checked in as text (queries/marking-block.repository.sql): a change shows in review. */
export const SQL = {
  itemsOfExam:
    'SELECT bi.block_id, bi.item_id FROM marking_block_item bi JOIN marking_block b ON b.id = bi.block_id WHERE b.exam_id = ? ORDER BY bi.item_id',
  // An item moves to its new 题块: it leaves whichever it was in.
  releaseItems: 'DELETE FROM marking_block_item WHERE block_id = ? OR item_id IN (?)',
  addItems: 'INSERT INTO marking_block_item (block_id, item_id) VALUES ?',
};

/** A 题块 with its items. */
export interface BlockView {
  id: number;
  paperId: number;
  name: string;
  itemIds: number[];
}

/** The marking_block and marking_block_item tables' statements (题块: items marked together). */
@Injectable()
export class MarkingBlockRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The exam's 题块 with their items, by id. */
  async ofExam(examId: number): Promise<BlockView[]> {
    const blocks = await this.ds.getRepository(MarkingBlock).find({ where: { examId }, order: { id: 'ASC' } });
    const rows: { block_id: number; item_id: number }[] = await this.ds.query(SQL.itemsOfExam, [examId]);
    return blocks.map((b) => ({
      id: b.id,
      paperId: b.paperId,
      name: b.name,
      itemIds: rows.filter((r) => Number(r.block_id) === b.id).map((r) => Number(r.item_id)),
    }));
  }

  byId(id: number): Promise<MarkingBlock | null> {
    return this.ds.getRepository(MarkingBlock).findOneBy({ id });
  }

  byName(paperId: number, name: string): Promise<MarkingBlock | null> {
    return this.ds.getRepository(MarkingBlock).findOneBy({ paperId, name });
  }

  /** A new 题块 (in a TypeORM transaction): its id. */
  async create(tx: Tx, b: Pick<MarkingBlock, 'examId' | 'paperId' | 'name' | 'createdBy'>): Promise<number> {
    const r = await managerOf(tx).getRepository(MarkingBlock).insert(b);
    return Number(r.identifiers[0].id);
  }

  async rename(tx: Tx, id: number, name: string): Promise<void> {
    await managerOf(tx).getRepository(MarkingBlock).update({ id }, { name });
  }

  /** The 题块's items replaced; items taken from other 题块 leave them. */
  async setItems(tx: Tx, blockId: number, itemIds: number[]): Promise<void> {
    const m = managerOf(tx);
    await m.query(SQL.releaseItems, [blockId, itemIds.length ? itemIds : [0]]);
    if (itemIds.length) await m.query(SQL.addItems, [itemIds.map((itemId) => [blockId, itemId])]);
  }

  /** The 题块 and its item rows (marker assignments of its items stay: they are the items' own). */
  async remove(tx: Tx, id: number): Promise<void> {
    await managerOf(tx).getRepository(MarkingBlockItem).delete({ blockId: id });
    await managerOf(tx).getRepository(MarkingBlock).delete({ id });
  }
}
