import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import type { Item } from '../exams/entities/item.entity.js';
import { ItemRepository } from '../exams/item.repository.js';
import { FinalScoreRepository } from '../marking/final-score.repository.js';
import { emptyColumns, putMark, putScore, type ScoreColumns } from './domain/score-columns.js';
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
  /**
   * Final scores and what students marked on choice items (read by OMR), as columns: one row per roster student in
   * roster order, one column per item in the paper's order.
   */
  columns: ScoreColumns;
}

/** The results job's first step on a paper: its items, pages, final scores and 缺考 marks, in one transaction. */
@Injectable()
export class PaperInputsService {
  constructor(
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(PaperInputsRepository) private readonly inputs: PaperInputsRepository,
    @Inject(FinalScoreRepository) private readonly finalScores: FinalScoreRepository,
  ) {}

  /** The paper's inputs; score rows follow `roster` (students off the roster are left out). */
  async read(tx: Tx, examId: number, paperId: number, roster: readonly { studentId: number }[]): Promise<PaperInputs> {
    const items = await this.items.ofPaper(paperId, tx);
    const { processed, pending } = await this.inputs.pageStates(tx, examId, paperId);
    const columns = await this.scores(
      tx,
      examId,
      items.map((i) => i.id),
      roster,
    );
    const markedAbsent = await this.inputs.absentStudents(tx, paperId);
    return { items, processed, pending, markedAbsent, columns };
  }

  /**
   * Final item scores of the paper and what students marked on its choice items, one round trip per table, one row
   * per item (GROUP BY item follows the covering index: no temporary table; GROUP BY student over 2 million rows
   * spilled to disk and took 10–25 s).
   * An objective item's final score is its OMR score by the key (rule key-v1), read where ingestion writes it; a
   * final_item_score row (marking, arbitration, a correction of an objective item) wins.
   */
  private async scores(
    tx: Tx,
    examId: number,
    itemIds: number[],
    roster: readonly { studentId: number }[],
  ): Promise<ScoreColumns> {
    const columns = emptyColumns(itemIds, roster.length);
    if (!itemIds.length) return columns;
    const rowOf = new Map(roster.map((r, i) => [r.studentId, i]));
    const columnOf = new Map(itemIds.map((id, j) => [id, j]));
    await this.inputs.objectiveResponses(tx, examId, itemIds, (studentId, itemId, options, score) => {
      const row = rowOf.get(studentId);
      const j = columnOf.get(itemId);
      if (row === undefined || j === undefined) return;
      putScore(columns, j, row, score);
      putMark(columns, j, row, options);
    });
    await this.finalScores.forItems(tx, examId, itemIds, (studentId, itemId, score) => {
      const row = rowOf.get(studentId);
      const j = columnOf.get(itemId);
      if (row !== undefined && j !== undefined) putScore(columns, j, row, score);
    });
    return columns;
  }
}
