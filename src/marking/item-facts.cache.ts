import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { ItemQcSetting } from './entities/qc.entities.js';

/** What next and submit need to know about an item on every call: its rule and scope, and its QC settings. */
export interface ItemFacts {
  item: Item;
  paper: Paper;
  exam: Exam;
  /** null: the item has no QC settings (no trial, seeds, self re-marking or cap). */
  qc: ItemQcSetting | null;
}

/**
 * How long an item's facts are reused before they are read again. The item's rule and scope are fixed once its
 * paper is locked; QC settings change when the lead edits them: this instance forgets them at once (invalidate),
 * other API instances within this many milliseconds.
 */
export const ITEM_FACTS_TTL_MS = 5_000;

/**
 * A per-process cache of item facts, so a marker's next and submit read no item, paper, exam or QC-settings rows
 * (before: the whole item_qc_setting table on every next). The clock is a method so a test can move it.
 */
@Injectable()
export class ItemFactsCache {
  private readonly entries = new Map<number, { facts: ItemFacts; at: number }>();

  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  protected clock(): number {
    return Date.now();
  }

  /**
   * Facts of the items that exist among `ids` (unknown ids are left out). Inside a transaction pass its manager:
   * a miss is then read on the transaction's own connection, never waiting for a second one from the pool.
   */
  async get(ids: Iterable<number>, m: EntityManager = this.ds.manager): Promise<Map<number, ItemFacts>> {
    const now = this.clock();
    const out = new Map<number, ItemFacts>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const e = this.entries.get(id);
      if (e && now - e.at < ITEM_FACTS_TTL_MS) out.set(id, e.facts);
      else missing.push(id);
    }
    if (!missing.length) return out;
    const items = await m.getRepository(Item).findBy({ id: In(missing) });
    if (!items.length) return out;
    const papers = new Map(
      (await m.getRepository(Paper).findBy({ id: In([...new Set(items.map((i) => i.paperId))]) })).map((p) => [
        p.id,
        p,
      ]),
    );
    const exams = new Map(
      (await m.getRepository(Exam).findBy({ id: In([...new Set([...papers.values()].map((p) => p.examId))]) })).map(
        (e) => [e.id, e],
      ),
    );
    const qc = new Map(
      (await m.getRepository(ItemQcSetting).findBy({ itemId: In(items.map((i) => i.id)) })).map((s) => [s.itemId, s]),
    );
    for (const item of items) {
      const paper = papers.get(item.paperId);
      const exam = paper && exams.get(paper.examId);
      if (!paper || !exam) continue;
      const facts = { item, paper, exam, qc: qc.get(item.id) ?? null };
      this.entries.set(item.id, { facts, at: now });
      out.set(item.id, facts);
    }
    return out;
  }

  async one(id: number, m?: EntityManager): Promise<ItemFacts | undefined> {
    return (await this.get([id], m)).get(id);
  }

  /** After the lead changes an item's QC settings (or anything else about it). */
  invalidate(itemId: number): void {
    this.entries.delete(itemId);
  }
}
