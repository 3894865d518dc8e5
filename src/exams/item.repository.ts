import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import type { ValidItem } from './domain/paper-validation.js';
import { Item, type ItemType, type MarkingMode, type RoundingMode } from './entities/item.entity.js';

/** Per item (same order as the items): the knowledge points' leaf names and tree node ids, null for none. */
export interface ItemKnowledge {
  names: (string[] | null)[];
  ids: (number[] | null)[];
}

function itemRow(paperId: number, it: ValidItem, kpNames: string[] | null, kpIds: number[] | null): Partial<Item> {
  return {
    paperId,
    seq: it.seq,
    label: it.label,
    type: it.type as ItemType,
    maxScore: it.maxScore,
    scoreStep: it.scoreStep,
    roundingMode: it.roundingMode as RoundingMode,
    answerKey: it.answerKey,
    optionCount: it.optionCount,
    markingMode: it.markingMode as MarkingMode,
    tolerance: it.tolerance,
    knowledgePoints: kpNames,
    knowledgePointIds: kpIds,
    boxHeightMm: it.boxHeightMm,
    parentLabel: it.parentLabel,
    cognitiveLevel: it.cognitiveLevel,
    partialCredit: it.partialCredit,
  };
}

/** The item table's statements: a paper's items (题目), in seq order. */
@Injectable()
export class ItemRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The paper's items, ordered by seq. */
  ofPaper(paperId: number, tx?: Tx): Promise<Item[]> {
    return managerOr(tx, this.ds)
      .getRepository(Item)
      .find({ where: { paperId }, order: { seq: 'ASC' } });
  }

  /** A new paper's items, validated, with their knowledge points resolved. */
  async insertForPaper(tx: Tx, paperId: number, items: ValidItem[], kp: ItemKnowledge): Promise<void> {
    await managerOf(tx)
      .getRepository(Item)
      .insert(items.map((it, i) => itemRow(paperId, it, kp.names[i], kp.ids[i])));
  }

  /** Every item of a draft replaced (all or nothing: in the caller's transaction). */
  async replaceForPaper(tx: Tx, paperId: number, items: ValidItem[], kp: ItemKnowledge): Promise<void> {
    await managerOf(tx).getRepository(Item).delete({ paperId });
    await this.insertForPaper(tx, paperId, items, kp);
  }

  /** The items of one paper copied, as they are, onto another (a new version). */
  async copy(tx: Tx, fromPaperId: number, toPaperId: number): Promise<void> {
    const items = await this.ofPaper(fromPaperId, tx);
    if (items.length)
      await managerOf(tx)
        .getRepository(Item)
        .insert(items.map(({ id: _id, ...rest }) => ({ ...rest, paperId: toPaperId })));
  }

  /** These items (those that exist), of whatever paper, in no particular order (scans: the OMR review's items). */
  async byIds(ids: number[], tx?: Tx): Promise<Item[]> {
    if (!ids.length) return [];
    return managerOr(tx, this.ds)
      .getRepository(Item)
      .findBy({ id: In([...new Set(ids)]) });
  }

  /** An item's marking rules changed by its subject lead (marking checks first that marking has not started). */
  async setMarkingRules(
    itemId: number,
    rules: { markingMode: MarkingMode; tolerance: number; scoreStep: number },
  ): Promise<void> {
    await this.ds.getRepository(Item).update({ id: itemId }, rules);
  }
}
