import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import type { Item } from '../exams/entities/item.entity.js';
import { ItemRepository } from '../exams/item.repository.js';
import { FinalScoreRepository } from '../marking/final-score.repository.js';
import { PaperInputsRepository } from './paper-inputs.repository.js';

/** What the results job knows of a paper before deciding each student's outcome. */
export interface PaperInputs {
  items: Item[];
  /** Students with at least one processed page of the paper. */
  processed: Set<number>;
  /** Students whose pages of the paper all still wait. */
  pending: Set<number>;
  /** Students marked 缺考 for the paper. */
  markedAbsent: Set<number>;
  /** studentId → itemId → final score. */
  byStudent: Map<number, Map<number, number>>;
  /** studentId → itemId → options marked ("" blank), choice items read by OMR. */
  marked: Map<number, Record<number, string>>;
}

/** The results job's first step on a paper: its items, pages, final scores and 缺考 marks, in one transaction. */
@Injectable()
export class PaperInputsService {
  constructor(
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(PaperInputsRepository) private readonly inputs: PaperInputsRepository,
    @Inject(FinalScoreRepository) private readonly finalScores: FinalScoreRepository,
  ) {}

  async read(tx: Tx, examId: number, paperId: number): Promise<PaperInputs> {
    const items = await this.items.ofPaper(paperId, tx);
    const { processed, pending } = await this.inputs.pageStates(tx, examId, paperId);
    const scores = await this.scores(
      tx,
      examId,
      items.map((i) => i.id),
    );
    const markedAbsent = await this.inputs.absentStudents(tx, paperId);
    return { items, processed, pending, markedAbsent, ...scores };
  }

  /**
   * Final item scores of the paper and what students marked on its choice items, streamed row by row (one round
   * trip per table, no server-side grouping: GROUP BY over 2 million rows spilled to disk and took 10–25 s).
   * An objective item's final score is its OMR score by the key (rule key-v1), read where ingestion writes it; a
   * final_item_score row (marking, arbitration, a correction of an objective item) wins.
   */
  private async scores(tx: Tx, examId: number, itemIds: number[]): Promise<Pick<PaperInputs, 'byStudent' | 'marked'>> {
    const byStudent = new Map<number, Map<number, number>>();
    const marked = new Map<number, Record<number, string>>();
    if (!itemIds.length) return { byStudent, marked };
    const put = (studentId: number, itemId: number, score: number) => {
      let mine = byStudent.get(studentId);
      if (!mine) byStudent.set(studentId, (mine = new Map()));
      mine.set(itemId, score);
    };
    await this.inputs.streamObjectiveResponses(tx, examId, itemIds, (studentId, itemId, options, score) => {
      put(studentId, itemId, score);
      let rec = marked.get(studentId);
      if (!rec) marked.set(studentId, (rec = {}));
      rec[itemId] = options;
    });
    await this.finalScores.streamForItems(tx, examId, itemIds, put);
    return { byStudent, marked };
  }
}
