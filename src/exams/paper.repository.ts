import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOr, type Tx } from '../database/unit-of-work.js';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { Item } from './entities/item.entity.js';
import { Paper } from './entities/paper.entity.js';

/** The paper table's statements. */
@Injectable()
export class PaperRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number, tx?: Tx): Promise<Paper | null> {
    return managerOr(tx, this.ds).getRepository(Paper).findOneBy({ id });
  }

  /** Every paper of the exam (all versions), by id. `papersOfRecord` (domain/paper-workflow.ts) picks the counted ones. */
  ofExam(examId: number, tx?: Tx): Promise<Paper[]> {
    return managerOr(tx, this.ds)
      .getRepository(Paper)
      .find({ where: { examId }, order: { id: 'ASC' } });
  }

  /** The answer sheet's layout, set when the sheet is generated. */
  async saveLayout(id: number, layout: SheetLayout): Promise<void> {
    await this.ds.getRepository(Paper).update({ id }, { layout });
  }

  /** These items (those that exist), of whatever paper, in no particular order. */
  async itemsByIds(ids: number[], tx?: Tx): Promise<Item[]> {
    if (!ids.length) return [];
    return managerOr(tx, this.ds)
      .getRepository(Item)
      .findBy({ id: In([...new Set(ids)]) });
  }
}
