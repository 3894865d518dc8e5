import { Inject, Injectable } from '@nestjs/common';
import type { Exam } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import type { ItemQcSetting } from './entities/qc.entities.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';

/** What next and submit need to know about an item on every call: its rule and scope, and its QC settings. */
export interface ItemFacts {
  item: Item;
  paper: Paper;
  exam: Exam;
  /** null: the item has no QC settings (no trial, seeds, self re-marking or cap). */
  qc: ItemQcSetting | null;
}

/**
 * How long an item's facts are reused before they are read again. The item's scope is fixed once its paper is locked,
 * its rule (mode, tolerance, step) once its marking started (marking-setup); QC settings change when the lead edits them: this instance forgets them at once (invalidate),
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

  constructor(
    @Inject(ItemFactsRepository) private readonly facts: ItemFactsRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
  ) {}

  protected clock(): number {
    return Date.now();
  }

  /**
   * Facts of the items that exist among `ids` (unknown ids are left out). A miss is read on TypeORM's pool, never on
   * the SqlPool: a marking transaction calls this while it holds a SqlPool connection, and must never wait for a
   * second one of the same pool.
   */
  async get(ids: Iterable<number>): Promise<Map<number, ItemFacts>> {
    const now = this.clock();
    const out = new Map<number, ItemFacts>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const e = this.entries.get(id);
      if (e && now - e.at < ITEM_FACTS_TTL_MS) out.set(id, e.facts);
      else missing.push(id);
    }
    if (!missing.length) return out;
    const items = await this.facts.items(missing);
    if (!items.length) return out;
    const papers = new Map((await this.facts.papers([...new Set(items.map((i) => i.paperId))])).map((p) => [p.id, p]));
    const exams = new Map(
      (await this.facts.exams([...new Set([...papers.values()].map((p) => p.examId))])).map((e) => [e.id, e]),
    );
    const qc = new Map((await this.settings.ofItems(items.map((i) => i.id))).map((s) => [s.itemId, s]));
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

  async one(id: number): Promise<ItemFacts | undefined> {
    return (await this.get([id])).get(id);
  }

  /** After the lead changes an item's QC settings (or anything else about it). */
  invalidate(itemId: number): void {
    this.entries.delete(itemId);
  }
}
