import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

  /** The paper's items in print order (seq). */
  itemsOf(paperId: number, tx?: Tx): Promise<Item[]> {
    return managerOr(tx, this.ds)
      .getRepository(Item)
      .find({ where: { paperId }, order: { seq: 'ASC' } });
  }
}
