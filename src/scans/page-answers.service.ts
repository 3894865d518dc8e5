// What a read page records for its student, in the page's transaction: objective items scored (or sent to the OMR
// review), answer snippets and their marking tasks. Every write rides with the transaction's COMMIT.
import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import { OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { MarkingTaskRepository } from '../marking/marking-task.repository.js';
import type { PageLayout } from '../sheets/domain/layout.js';
import type { ChoiceReading } from './domain/omr.js';
import { scoreObjective } from './domain/score-objective.js';
import { OmrReviewStatus } from './entities/omr-review.entity.js';
import { AnswerSnippetRepository } from './answer-snippet.repository.js';
import { ObjectiveResponseRepository, type ScoredResponse } from './objective-response.repository.js';
import { type OpenReview, OmrReviewRepository } from './omr-review.repository.js';
import type { ItemRow } from './scan-ingest.repository.js';
import type { PageRow } from './scanned-page.repository.js';

/** A stored cut of the page (content-addressed blob): an answer box, or an objective item's bubbles for review. */
export interface StoredCut {
  itemId: number;
  blobKey: string;
}

/** What the page holds for the student, as read. */
export interface PageAnswers {
  choices: ChoiceReading[];
  /** The page of the sheet's layout it was read as. */
  layout: PageLayout;
  /** The paper's items, by id. */
  items: Map<number, ItemRow>;
  snippets: StoredCut[];
  /** Review crops by item. */
  crops: Map<number, string>;
  /** Whether the student has OMR review rows at all (most have none: then they need not be read). */
  reviewed: boolean;
}

/** The rows a page's objective choices become. */
interface ObjectiveRows {
  responses: ScoredResponse[];
  toReview: OpenReview[];
  /** Items sent to review: not scored until a person decides. */
  reviewedItems: number[];
  /** Open reviews this reading decided with confidence. */
  closedReviews: number[];
}

@Injectable()
export class PageAnswersService {
  constructor(
    @Inject(ObjectiveResponseRepository) private readonly responses: ObjectiveResponseRepository,
    @Inject(OmrReviewRepository) private readonly reviews: OmrReviewRepository,
    @Inject(AnswerSnippetRepository) private readonly snippets: AnswerSnippetRepository,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
  ) {}

  async record(tx: Tx, page: PageRow, studentId: number, read: PageAnswers): Promise<void> {
    await this.recordObjective(tx, page, studentId, read);
    await this.recordSnippets(tx, page, studentId, read);
  }

  /**
   * Objective items read with confidence are scored; the others go to the review queue and are not scored until a
   * person resolves them. A resolved review stands: reading the same page again does not reopen or overwrite it.
   */
  private async recordObjective(tx: Tx, page: PageRow, studentId: number, read: PageAnswers) {
    // One statement per kind of row (not per item): the student's lock is held for the whole transaction.
    if (!read.choices.length) return;
    const prior = read.reviewed ? await this.reviews.ofStudent(tx, studentId) : new Map();
    const rows = objectiveRows(page, studentId, read, prior);
    if (rows.toReview.length) {
      await this.reviews.recordOpen(tx, rows.toReview);
      await this.responses.unscore(tx, studentId, rows.reviewedItems); // not scored until a person decides
    }
    await this.reviews.dropOpen(tx, rows.closedReviews);
    await this.responses.recordScores(tx, rows.responses);
  }

  /** The page's answer boxes, and the first rounds' marking tasks of them (kept if they exist: nothing is added twice). */
  private async recordSnippets(tx: Tx, page: PageRow, studentId: number, read: PageAnswers) {
    const kept = read.snippets.filter((s) => {
      const item = read.items.get(s.itemId);
      return item && !OBJECTIVE_TYPES.includes(item.type);
    });
    if (!kept.length) return;
    await this.snippets.recordCuts(tx, { examId: page.examId, pageId: page.id, studentId }, kept);
    this.tasks.createForSnippets(
      tx,
      page.examId,
      studentId,
      kept.map((s) => ({ itemId: s.itemId, markingMode: read.items.get(s.itemId)!.markingMode })),
    );
  }
}

/** Each objective choice of the page scored, sent to review, or left alone (a resolved review stands). */
function objectiveRows(
  page: PageRow,
  studentId: number,
  read: PageAnswers,
  prior: Map<number, { id: number; status: string }>,
): ObjectiveRows {
  const out: ObjectiveRows = { responses: [], toReview: [], reviewedItems: [], closedReviews: [] };
  for (const c of read.choices) {
    const item = read.items.get(c.itemId);
    if (!item || !OBJECTIVE_TYPES.includes(item.type)) continue; // layout out of date with the paper: nothing to score against
    const review = prior.get(item.id);
    if (review?.status === OmrReviewStatus.Resolved) continue;
    if (c.needsReview) {
      out.toReview.push({
        examId: page.examId,
        schoolId: page.schoolId,
        pageId: page.id,
        studentId,
        itemId: item.id,
        options: (read.layout.objective.find((b) => b.itemId === item.id)?.options ?? []).join(''),
        readMarked: c.marked,
        verdict: c.verdict,
        confidence: c.confidence,
        fills: c.fills,
        inks: c.inks,
        cropBlobKey: read.crops.get(item.id) ?? null,
      });
      out.reviewedItems.push(item.id);
      continue;
    }
    if (review) out.closedReviews.push(review.id);
    const score = scoreObjective(
      {
        type: item.type as 'single_choice' | 'multiple_choice' | 'true_false',
        maxScore: item.maxScore,
        answerKey: item.answerKey,
        partialCredit: item.partialCredit,
      },
      c.marked,
    );
    out.responses.push({
      examId: page.examId,
      pageId: page.id,
      studentId,
      itemId: item.id,
      marked: c.marked,
      score,
      fills: c.fills,
    });
  }
  return out;
}
