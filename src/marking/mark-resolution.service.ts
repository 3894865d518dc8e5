// What follows a change of an answer's marks: the rule engine's verdict written as a final score, a third round, or
// nothing yet; and, when the exam's last answer is settled, its results.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import { Pipeline } from '../queue/pipeline.js';
import { ARBITRATION_ROUND, type CountingMark, resolveAnswer, ruleOf } from './domain/answer-state.js';
import { resolveFinalScore, type Resolution } from './domain/resolve-final-score.js';
import { TaskKind, TaskStatus } from './entities/marking-task.entity.js';
import { FinalScoreRepository } from './final-score.repository.js';
import { type ItemFacts, ItemFactsCache } from './item-facts.cache.js';
import { MarkEventRepository, type NewMark } from './mark-event.repository.js';
import { MarkingOverviewRepository } from './marking-overview.repository.js';
import { MarkingTaskRepository, type TaskRow } from './marking-task.repository.js';
import { ScoreVersionRepository } from '../results/score-version.repository.js';

const num = (v: unknown) => Number(v ?? 0);

/** The answer a snippet is: what its final score is keyed by. */
interface Answer {
  examId: number;
  studentId: number;
  itemId: number;
}

/** Live tasks of the answer still open (pending or leased): of one round, or of every markers' round. */
function openLive(tasks: TaskRow[], round?: number): TaskRow[] {
  return tasks.filter(
    (t) =>
      t.kind === TaskKind.Live &&
      (round === undefined ? num(t.round) < ARBITRATION_ROUND : num(t.round) === round) &&
      (t.status === TaskStatus.Pending || t.status === TaskStatus.Leased),
  );
}

@Injectable()
export class MarkResolutionService {
  constructor(
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(FinalScoreRepository) private readonly scores: FinalScoreRepository,
    @Inject(MarkingOverviewRepository) private readonly overview: MarkingOverviewRepository,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /**
   * Applies the rule engine to every mark of a snippet and writes what follows: a final score, a third-round
   * task, or nothing (waiting for a mark, for arbitration, or for the subject lead to look at a problem answer).
   * Callers hold the locks on the snippet's tasks; a caller that read them passes them in (`tasks`), and submit says
   * which mark it just added (its event id is known once the read below has carried the deferred insert), so that a
   * final score is only deleted where one can exist.
   */
  async resolveSnippet(
    tx: Tx,
    snippetId: number,
    tasks?: TaskRow[],
    added?: NewMark,
    facts?: ItemFacts,
  ): Promise<Resolution> {
    // The first counting mark of an answer (no other live task of it done: every counting mark sits on a done task)
    // resolves from itself alone; unless that makes it final, there is nothing to read or write.
    if (
      tasks &&
      added &&
      facts &&
      !tasks.some((t) => t.kind === TaskKind.Live && t.status === TaskStatus.Done && num(t.id) !== added.taskId)
    ) {
      const { round, score, problem, markerId } = added;
      const alone = resolveFinalScore(ruleOf(facts.item), [{ round, score, problem, markerId }]);
      if (alone.state !== 'final') return alone;
    }
    const rows = await this.events.ofAnswer(tx, snippetId);
    if (!rows.length) throw new NotFoundException('答卷不存在');
    const answer: Answer = {
      examId: num(rows[0].exam_id),
      studentId: num(rows[0].student_id),
      itemId: num(rows[0].item_id),
    };
    // (A miss is read on TypeORM's pool, not the transaction's: see ItemFactsCache.)
    const f = await this.items.one(answer.itemId);
    if (!f) throw new NotFoundException('题目不存在');
    const rule = ruleOf(f.item);
    const marks: CountingMark[] = rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: num(r.id),
        round: num(r.round),
        score: r.score === null ? null : num(r.score),
        problem: r.problem,
        markerId: num(r.marker_id),
      }));
    const resolution = resolveAnswer(rule, marks);
    const all = tasks ?? (await this.tasks.ofSnippet(tx, snippetId));
    // The answer's state before the mark just added (none: a re-queue, 回评 or arbitration, whose before is unknown).
    const before =
      added === undefined
        ? null
        : resolveAnswer(
            rule,
            marks.filter((e) => e.id !== added.eventId),
          );
    if (resolution.state === 'final') await this.settle(tx, answer, f.item.paperId, resolution, before, all);
    else await this.unsettle(tx, answer, snippetId, resolution, before, all);
    return resolution;
  }

  /** Final: the score written, and the open rounds no longer needed voided. */
  private async settle(
    tx: Tx,
    answer: Answer,
    paperId: number,
    resolution: Extract<Resolution, { state: 'final' }>,
    before: Resolution | null,
    tasks: TaskRow[],
  ): Promise<void> {
    // After a new mark on an answer that was not final before, there is no row to update.
    const mayExist = !before || before.state === 'final';
    const { examId, studentId, itemId } = answer;
    await this.scores.settle(
      tx,
      examId,
      paperId,
      studentId,
      itemId,
      resolution.score,
      resolution.ruleVersion,
      mayExist,
    );
    await this.versions.bump(tx, examId);
    // Open rounds no longer needed: a third round once the first two agree (e.g. after a re-queue), and every
    // open round once the subject lead's score is final.
    if (resolution.basis === 'arbitration') this.voidTasks(tx, openLive(tasks));
    else if (resolution.basis === 'mean_1_2' || resolution.basis === 'single') this.voidTasks(tx, openLive(tasks, 3));
  }

  /** Not final (any more): the score withdrawn where one can exist; a third round added or voided as the rule says. */
  private async unsettle(
    tx: Tx,
    answer: Answer,
    snippetId: number,
    resolution: Resolution,
    before: Resolution | null,
    tasks: TaskRow[],
  ): Promise<void> {
    // A score resting on superseded marks is withdrawn until the answer is re-marked. After a new mark on an answer
    // that was not final before, there is none to withdraw.
    if (!before || before.state === 'final') {
      this.scores.withdrawMarking(tx, answer.studentId, answer.itemId);
      await this.versions.bump(tx, answer.examId);
    }
    // Rounds 1 and 2 incomplete again (a re-queued mark): a third round waits until they are both in and disagree.
    if (resolution.state === 'pending') this.voidTasks(tx, openLive(tasks, 3));
    if (resolution.state === 'need_third') {
      const thirds = tasks.filter((t) => t.kind === TaskKind.Live && num(t.round) === 3);
      if (!thirds.some((t) => t.status !== TaskStatus.Void)) {
        const attempt = thirds.reduce((a, t) => Math.max(a, num(t.attempt) + 1), 0);
        this.tasks.addThirdRound(tx, answer.examId, answer.itemId, snippetId, attempt);
      }
    }
  }

  private voidTasks(tx: Tx, list: TaskRow[]): void {
    if (!list.length) return;
    this.tasks.voidTasks(
      tx,
      list.map((t) => num(t.id)),
    );
    for (const t of list) t.status = TaskStatus.Void;
  }

  /** When every task of the exam is done and every snippet has a final score, results can be computed. */
  async triggerResultsIfComplete(examId: number): Promise<boolean> {
    // Cheap first: while any live task is open (nearly always, during marking) the exam cannot be complete.
    if (await this.tasks.examOpen(examId)) return false;
    if (!(await this.overview.examSettled(examId))) return false;
    return this.pipeline.scoresChangedAfterCommit(examId);
  }
}
