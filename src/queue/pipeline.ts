// What follows what: every step from a stored page to a school's report, in one place.
//
//   step done                           what follows                                how
//   ─────────────────────────────────   ─────────────────────────────────────────   ─────────────────────────────────
//   scans stored (upload)               each page is read                           ingest-page job (scan-ingest queue)
//   page read and recorded              its answers' marking tasks                  in the page's own transaction
//                                                                                   (MarkingTaskRepository, called by
//                                                                                   ingestion: a page and its tasks
//                                                                                   commit together)
//   page read for a student             its reduced copy for the students' notices  copy-page job (scan-ingest queue,
//                                                                                   low priority: after waiting pages)
//   a person fixed a page               the page is read again, in the worker       reread-page job, ahead of uploads
//   scores changed (the exam's last     the exam's results and analysis             compute-results job, debounced:
//   answer settled, arbitration, a                                                  a burst computes once
//   fix after results, admin request)
//   results computed                    one diagnostic report per alliance school   render-report job per school
//
//   owed work whose job was lost        queued again by the worker's reconciliation (workers/reconcile.ts): a page
//   (Redis restarted, retries spent)    still 'queued', a read page without its reduced copy, a report still
//                                       'queued', results computed from an older score version than the current
//                                       one, a while after their last change
//
// Only this file (through the JobProducer) puts jobs on queues: tools/check-architecture.mjs, rule "pipeline".
import { Inject, Injectable, Logger } from '@nestjs/common';
import { unavailableOf } from '../common/domain/unavailable.js';
import { JobProducer } from './job-producer.js';
import { type FailedJob, JOBS, QUEUES, type QueueName } from './jobs.js';

@Injectable()
export class Pipeline {
  private readonly logger = new Logger('Pipeline');

  constructor(@Inject(JobProducer) private readonly jobs: JobProducer) {}

  /** Uploaded pages (new, or retried after a failure) are read by the worker. */
  async pagesStored(pages: { id: number; examId: number; contentHash: string }[]): Promise<void> {
    for (const p of pages) await this.jobs.ingestPage(p.id, p.examId, p.contentHash);
  }

  /**
   * A page was read for a student: its reduced copy is made next, when no page waits. The page is recorded, so a
   * queue away is logged, not thrown (the reconciliation queues the copy later; a notice makes one if it is first).
   */
  async pageRead(pageId: number): Promise<void> {
    try {
      await this.jobs.copyPage(pageId, true);
    } catch (err) {
      if (!unavailableOf(err)) throw err;
      this.logger.warn(`page ${pageId}: reduced copy not queued (queue away): ${(err as Error).message}`);
    }
  }

  /** Read pages still without their reduced copy a while after their reading: queued again (idempotent). */
  async copiesOwed(pageIds: number[]): Promise<void> {
    for (const id of pageIds) await this.jobs.copyPage(id, false);
  }

  /**
   * A person changed pages (student, rotation, restore, 缺考 withdrawn), committed with them 'queued': each is read
   * again next, in the worker. The fix is stored, so a queue away is logged, not thrown: the pages wait 'queued' in
   * MySQL and the reconciliation queues them once Redis is back. False then.
   */
  async pagesFixed(pageIds: number[], userId: number | null): Promise<boolean> {
    try {
      for (const pageId of pageIds) await this.jobs.rereadPage(pageId, userId);
      return true;
    } catch (err) {
      if (!unavailableOf(err)) throw err;
      this.logger.warn(
        `pages ${pageIds.join(', ')} not queued to be read again (queue away): ${(err as Error).message}`,
      );
      return false;
    }
  }

  /** Scores or who sat changed: the exam's results are computed again (debounced, idempotent). */
  async scoresChanged(examId: number): Promise<void> {
    await this.jobs.computeResults(examId);
  }

  /**
   * The same, after a write the client has been told is stored (the mark that settled the exam's last answer, a
   * fix): a queue away is logged, not thrown, so the stored write is never answered with an error. False then.
   */
  async scoresChangedAfterCommit(examId: number): Promise<boolean> {
    try {
      await this.jobs.computeResults(examId);
      return true;
    } catch (err) {
      if (!unavailableOf(err)) throw err;
      this.logger.warn(`results of exam ${examId} not queued (queue away): ${(err as Error).message}`);
      return false;
    }
  }

  /** The results of an exam are stored: each school's report is rendered from them. */
  async resultsComputed(examId: number, schoolIds: number[]): Promise<void> {
    for (const schoolId of schoolIds) await this.jobs.renderReport(examId, schoolId);
  }

  /**
   * Pages still 'queued' long after their upload: a lost job is queued again (same page, same job id), a failed one run
   * again a few passes; the pages whose job kept failing are returned with its last reason, to be given up.
   */
  async pagesOwed(
    pages: { id: number; examId: number; contentHash: string }[],
  ): Promise<{ queued: number; givenUp: { id: number; failedReason: string }[] }> {
    let queued = 0;
    const givenUp: { id: number; failedReason: string }[] = [];
    for (const p of pages) {
      const owed = await this.jobs.ingestPageOwed(p.id, p.examId, p.contentHash);
      if (owed.action === 'give-up') givenUp.push({ id: p.id, failedReason: owed.failedReason ?? '' });
      else if (owed.action !== 'leave') queued++;
    }
    return { queued, givenUp };
  }

  /**
   * Exams whose scores changed after their results were computed, with no trigger waiting (lost with Redis, or its
   * retries spent): computed again. A pending computation is left to run. The number queued.
   */
  async resultsOwed(examIds: number[]): Promise<number> {
    let queued = 0;
    for (const examId of examIds) if (await this.jobs.ensureResults(examId)) queued++;
    return queued;
  }

  /** Reports still 'queued' whose render job is gone: rendered again (a pending render is left to run). */
  async reportsOwed(reports: { examId: number; schoolId: number }[]): Promise<number> {
    let queued = 0;
    for (const r of reports) {
      if (await this.jobs.reportPending(r.examId, r.schoolId)) continue;
      await this.jobs.renderReport(r.examId, r.schoolId);
      queued++;
    }
    return queued;
  }

  /** Jobs that used up their attempts (the 失败任务 page), at most `perQueue` per queue. */
  failedJobs(perQueue = 1000): Promise<FailedJob[]> {
    return this.jobs.failedJobs(perQueue);
  }

  failedJob(queue: QueueName, id: string): Promise<FailedJob | null> {
    return this.jobs.failedJob(queue, id);
  }

  /** An admin's retry of a failed job: it runs again with fresh attempts. False when it is no longer failed. */
  retryFailed(queue: QueueName, id: string): Promise<boolean> {
    return this.jobs.retryFailed(queue, id);
  }

  static isQueue(name: string): name is QueueName {
    return (Object.values(QUEUES) as string[]).includes(name);
  }

  /** False when a later trigger of the same work exists: the job may skip itself, the later one will run. */
  isLatest(
    job: typeof JOBS.computeResults | typeof JOBS.renderReport,
    payload: { examId: number; schoolId?: number; generation: number },
  ): Promise<boolean> {
    return this.jobs.isLatest(job, payload);
  }
}
