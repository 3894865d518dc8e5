// Re-matching a read sheet to the right student without a rescan: its answers move to them with the marks made.
import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { FinalScoreRepository } from '../marking/final-score.repository.js';
import type { Student } from '../org/entities/student.entity.js';
import { Pipeline } from '../queue/pipeline.js';
import { AnswerSnippetRepository } from './answer-snippet.repository.js';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { type FixResult, FixResults, withQueueState } from './fix-result.js';
import { ObjectiveResponseRepository } from './objective-response.repository.js';
import { OmrReviewRepository } from './omr-review.repository.js';
import { PageFixLog, stateOf } from './page-fix-log.js';
import { ScanBatchRepository } from './scan-batch.repository.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

type Target = Pick<Student, 'id' | 'schoolId' | 'examNo'>;

@Injectable()
export class PageRematchService {
  constructor(
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ScanBatchRepository) private readonly batches: ScanBatchRepository,
    @Inject(ObjectiveResponseRepository) private readonly responses: ObjectiveResponseRepository,
    @Inject(OmrReviewRepository) private readonly reviews: OmrReviewRepository,
    @Inject(AnswerSnippetRepository) private readonly snippets: AnswerSnippetRepository,
    @Inject(FinalScoreRepository) private readonly finals: FinalScoreRepository,
    @Inject(PageFixLog) private readonly log: PageFixLog,
    @Inject(FixResults) private readonly answers: FixResults,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /**
   * Moves a read page (and the later pages of the same sheet that took their student from it) to another student:
   * objective responses, OMR reviews (resolved ones stand), answer snippets and final item scores follow the answer.
   * Marking tasks and mark events hang on the snippet, so marks already made stay with the answer. Then the page is
   * queued to be read again for its new student (in the worker), which rewrites the same rows.
   */
  async rematch(actor: Actor, page: ScannedPage, target: Target): Promise<FixResult> {
    const moved = await this.uow.runOrm(async (tx) => {
      await this.batches.lock(tx, page.batchId);
      const current = await this.pages.findById(page.id, tx);
      // the same fix arrived twice at once: the first one did it (the page may be waiting to be read again since)
      if (current?.studentId === target.id) return null;
      if (!current || current.status !== PageStatus.Processed || current.studentId === null)
        throw new ConflictException('该页状态已变化，请刷新后重试');
      const chain = [current, ...(await this.inheritingFollowers(tx, current))];
      await this.refuseClashes(tx, chain, target);
      const out: ScannedPage[] = [];
      for (const p of chain) out.push(await this.movePage(tx, actor, p, current, target));
      await this.versions.bump(tx, page.examId);
      return out;
    });
    if (!moved) return this.answers.of((await this.pages.findById(page.id))!, false);
    const ok = await this.pipeline.pagesFixed([page.id], actor.userId);
    const followers = moved.slice(1).map((p) => ({ pageId: p.id, status: p.status, reason: p.exceptionReason }));
    return withQueueState(await this.answers.of(moved[0], true, followers), ok);
  }

  /** Later pages of the same sheet in the batch that were read for the same student by following this page. */
  private async inheritingFollowers(tx: Tx, page: ScannedPage): Promise<ScannedPage[]> {
    const out: ScannedPage[] = [];
    let cur = page;
    for (;;) {
      const next = await this.pages.nextAfter(cur, tx);
      if (
        !next ||
        next.status !== PageStatus.Processed ||
        next.forcedStudentId !== null ||
        next.studentId !== page.studentId ||
        next.paperId !== cur.paperId ||
        next.pageNo !== (cur.pageNo ?? 0) + 1
      )
        return out;
      out.push(next);
      cur = next;
    }
  }

  /** A student who already has one of these pages of the sheet cannot take it. */
  private async refuseClashes(tx: Tx, chain: ScannedPage[], target: Target): Promise<void> {
    for (const p of chain) {
      const clash = await this.pages.findRead(
        { examId: p.examId, paperId: p.paperId!, pageNo: p.pageNo!, studentId: target.id },
        tx,
      );
      if (clash)
        throw new ConflictException(
          `考号 ${target.examNo} 的第${p.pageNo}页已有答卷（${clash.originalName || '另一张扫描图像'}），请先处理该页`,
        );
    }
  }

  /** One page of the sheet and its answers to the target, audited; the page the person chose waits to be read again. */
  private async movePage(tx: Tx, actor: Actor, p: ScannedPage, current: ScannedPage, target: Target) {
    const from = current.studentId!;
    const items = await this.pages.itemsOnPage(tx, p.id);
    if (items.length) await this.moveAnswers(tx, p.id, items, from, target);
    const before = stateOf(p);
    // Only the page the person chose is pinned (and read again); the later pages follow it as they did before.
    const chosen = p.id === current.id;
    const patch = {
      studentId: target.id,
      schoolId: target.schoolId,
      ...(chosen ? { forcedStudentId: target.id, status: PageStatus.Queued } : {}),
    };
    await this.pages.moveToStudent(tx, p.id, patch);
    await this.log.record(
      actor.userId,
      'rematch_scan_page',
      p,
      { before, after: { ...before, ...patch } },
      {
        fromStudentId: from,
        toStudentId: target.id,
        examNo: target.examNo,
        items,
        viaPageId: chosen ? null : current.id,
      },
      tx,
    );
    return { ...p, ...patch };
  }

  /**
   * The page's answers of these items to the target. Answers of the target on these items can only be left over from
   * a page no longer theirs (clashes are refused before).
   */
  private async moveAnswers(tx: Tx, pageId: number, items: number[], from: number, target: Target) {
    if ((await this.snippets.countLeftOver(tx, target.id, items, pageId)) > 0)
      throw new ConflictException(`考号 ${target.examNo} 已有这些题目的答卷记录，不能改派；请联系联盟管理员`);
    await this.responses.deleteLeftOver(tx, target.id, items, pageId);
    await this.reviews.deleteLeftOver(tx, target.id, items, pageId);
    await this.finals.deleteObjective(tx, target.id, items);
    if ((await this.finals.countFor(tx, target.id, items)) > 0)
      throw new ConflictException(`考号 ${target.examNo} 的这些题目已有评分结果，不能改派；请联系联盟管理员`);
    await this.responses.moveToStudent(tx, pageId, target.id);
    await this.reviews.moveToStudent(tx, pageId, target);
    await this.snippets.moveToStudent(tx, pageId, target.id);
    await this.finals.reassign(tx, from, target.id, items);
  }
}
