// A person's fixes of a page that could not be read (issue 3, item 7): assign a student, turn it, read it again, set it
// aside and restore it. Every fix is scoped to the page's school and audited with the page's state before and after;
// a fix that needs the page read again leaves it queued for the worker (a reread-page job, ahead of uploads), never
// reads it inside the request.
import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { assertScope } from '../common/actor.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { Pipeline } from '../queue/pipeline.js';
import { isQuarterTurn } from './domain/rotate-gray.js';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { ExamAbsenceRepository } from './exam-absence.repository.js';
import { type FixResult, FixResults, withQueueState } from './fix-result.js';
import { PageFixLog, stateOf } from './page-fix-log.js';
import { PageRematchService } from './page-rematch.service.js';
import { ResultsRefreshService } from './results-refresh.service.js';
import { ScanAccess } from './scan-access.js';
import { ScanBatchRepository } from './scan-batch.repository.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

/** What a fix changes of a page before it is read again. */
type Changes = Partial<Pick<ScannedPage, 'forcedStudentId' | 'schoolId' | 'rotation'>>;

@Injectable()
export class ScanFixesService {
  constructor(
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ScanBatchRepository) private readonly batches: ScanBatchRepository,
    @Inject(ExamAbsenceRepository) private readonly absences: ExamAbsenceRepository,
    @Inject(PageRematchService) private readonly rematches: PageRematchService,
    @Inject(PageFixLog) private readonly log: PageFixLog,
    @Inject(FixResults) private readonly answers: FixResults,
    @Inject(ResultsRefreshService) private readonly results: ResultsRefreshService,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /**
   * Assigns the page to a student of the roster (by id or exam number). An unread page is read again with that
   * student; a page already read for another student is re-matched: its answers move, with their marks.
   */
  async assign(
    actor: Actor,
    pageId: number,
    body: { studentId?: unknown; examNo?: unknown } | undefined,
  ): Promise<FixResult> {
    const { page, exam } = await this.access.pageToFix(actor, pageId);
    const student = await this.access.studentFromBody(exam, body);
    if (student.schoolId !== page.schoolId) {
      // A sheet in another school's pile: only the alliance office may hand it over (the page moves to that school).
      assertScope(
        actor.isAdminOf(exam.allianceId),
        `考号 ${student.examNo} 不是本校考生，不能指定给本校的答题卡；请交联盟管理员处理`,
      );
    }
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复再指定考生');
    if (page.paperId !== null && (await this.absences.isMarked(page.paperId, student.id))) {
      throw new ConflictException(`考号 ${student.examNo} 的考生已标记缺考，请先撤销缺考标记`);
    }
    if (page.status === PageStatus.Processed) {
      if (page.studentId === student.id) return this.answers.of(page, false);
      return this.rematches.rematch(actor, page, student);
    }
    if (
      page.forcedStudentId === student.id &&
      page.schoolId === student.schoolId &&
      page.status !== PageStatus.Exception
    )
      return this.answers.of(page, false);
    return this.queueReread(
      actor,
      'assign_scan_page',
      page,
      { forcedStudentId: student.id, schoolId: student.schoolId },
      { studentId: student.id, examNo: student.examNo },
    );
  }

  /** Turns the page by a right angle (clockwise, from the image as uploaded) and reads it again. */
  async rotate(actor: Actor, pageId: number, body: { rotation?: unknown } | undefined): Promise<FixResult> {
    const { page } = await this.access.pageToFix(actor, pageId);
    const rotation =
      typeof body?.rotation === 'string' && /^\d+$/.test(body.rotation) ? Number(body.rotation) : body?.rotation;
    if (!isQuarterTurn(rotation)) throw new BadRequestException('旋转角度应为 0、90、180 或 270（顺时针）');
    if (page.status === PageStatus.Processed) throw new BadRequestException('该页已识别成功，无需旋转');
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复');
    if (page.rotation === rotation) return this.answers.of(page, false);
    return this.queueReread(actor, 'rotate_scan_page', page, { rotation }, { rotation });
  }

  /** Reads the page again as it is (e.g. after the roster or the answer sheet was fixed). */
  async reingest(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.access.pageToFix(actor, pageId);
    if (page.status === PageStatus.Processed) throw new BadRequestException('该页已识别成功；如归属有误，请改派考生');
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复');
    return this.queueReread(actor, 'reingest_scan_page', page, {}, {});
  }

  /** Sets an unread page aside: the image stays stored, nothing reads or counts it; `restore` undoes it. */
  async discard(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.access.pageToFix(actor, pageId);
    if (page.status === PageStatus.Processed)
      throw new BadRequestException('该页已识别入库，不能作废；如归属有误，请改派考生');
    if (page.status === PageStatus.Discarded) return this.answers.of(page, false);
    const before = stateOf(page);
    await this.uow.runOrm(async (tx) => {
      await this.batches.lock(tx, page.batchId);
      await this.pages.discard(tx, page.id);
      await this.versions.bump(tx, page.examId);
      const after = { ...before, status: PageStatus.Discarded, studentId: null };
      await this.log.record(actor.userId, 'discard_scan_page', page, { before, after }, {}, tx);
    });
    await this.results.afterFix(page.examId);
    const now = await this.pages.findById(page.id);
    return this.answers.of(now!, true);
  }

  /** Puts a discarded page back: it is read again. */
  async restore(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.access.pageToFix(actor, pageId);
    if (page.status !== PageStatus.Discarded) return this.answers.of(page, false);
    return this.queueReread(actor, 'restore_scan_page', page, {}, {});
  }

  /**
   * Writes the fix, audits it with the page's state before and after (in one transaction), then queues the page to
   * be read again by the worker: the answer says it is queued, and the page shows its outcome once it is read.
   */
  private async queueReread(
    actor: Actor,
    action: string,
    page: ScannedPage,
    changes: Changes,
    detail: Record<string, unknown>,
  ): Promise<FixResult> {
    const before = stateOf(page);
    const queued = { ...page, ...changes, status: PageStatus.Queued, exceptionCode: null, exceptionReason: null };
    await this.uow.runOrm(async (tx) => {
      await this.pages.queueForReread([page.id], changes, tx);
      const change = { before, after: stateOf(queued) };
      await this.log.record(actor.userId, action, page, change, { ...detail, outcome: PageStatus.Queued }, tx);
    });
    const ok = await this.pipeline.pagesFixed([page.id], actor.userId);
    return withQueueState(await this.answers.of(queued, true), ok);
  }
}
