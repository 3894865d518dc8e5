import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { type ConnectionOptions, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { producerConnection, releaseConnection } from './connection.js';
import { type OwedPageAction, owedPageAction } from './domain/job-retries.js';
import { type GenerationKind, JobGenerationRepository } from './job-generation.repository.js';
import { type FailedJob, JOB_QUEUE, JOBS, jobIds, JobName, JobPayloads, QUEUES, QueueName } from './jobs.js';

/** Triggers that arrive within this window collapse into one results computation. */
const RESULTS_DEBOUNCE_MS = 1500;
/**
 * BullMQ takes jobs without a priority first: pages to read (and to read again) go before the reduced copies, which
 * wait until no page does.
 */
const COPY_PRIORITY = 100;

/**
 * Puts jobs on BullMQ's queues. Ids come from jobIds, so enqueueing the same work twice is a no-op. Only the Pipeline
 * (pipeline.ts) calls it: what follows what is said there.
 */
@Injectable()
export class JobProducer implements OnModuleInit, OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  /** The queues' connections, ended after the queues close (a cluster's client is ours to end). */
  private readonly connections: ConnectionOptions[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** The generations of debounced jobs, in MySQL: a Redis restart does not start them again. */
    @Inject(JobGenerationRepository) private readonly generations: JobGenerationRepository,
  ) {}

  /**
   * Every queue is made at start, while Redis answers (start-up checks it): a BullMQ queue without an offline queue
   * that is first made while Redis is away waits for it forever; made before, its commands fail at once instead.
   */
  async onModuleInit(): Promise<void> {
    await Promise.all(Object.values(QUEUES).map((name) => this.queue(name).waitUntilReady()));
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const connection = producerConnection(this.config);
      q = new Queue(name, { connection, prefix: this.config.redis.prefix });
      this.connections.push(connection);
      this.queues.set(name, q);
    }
    return q;
  }

  private add<J extends JobName>(
    job: J,
    payload: JobPayloads[J],
    id: string,
    delay?: number,
    lifo?: boolean,
    priority?: number,
  ) {
    return this.queue(JOB_QUEUE[job]).add(job, payload, {
      jobId: id,
      delay,
      lifo,
      priority,
      attempts: this.config.jobs.attempts,
      backoff: { type: 'exponential', delay: this.config.jobs.backoffMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  /**
   * Same page image, same job; a job that had used up its retries is retried rather than left failed for good, and
   * one that completed while its page is queued again (a re-upload, a reconciliation) is replaced by a new run.
   */
  async ingestPage(pageId: number, examId: number, contentHash: string) {
    const id = jobIds.ingestPage(examId, contentHash);
    const existing = await this.queue(QUEUES.ingest).getJob(id);
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed');
      return existing;
    }
    if (existing && (await existing.isCompleted())) await existing.remove();
    return this.add(JOBS.ingestPage, { pageId }, id);
  }

  /**
   * A page the reconciliation found still 'queued': its job added when lost, left when pending, run again (attempts
   * anew, the pass counted on the job) when it failed, or given up after PAGE_RECONCILE_PASSES passes: then the reason
   * its last attempt failed for.
   */
  async ingestPageOwed(
    pageId: number,
    examId: number,
    contentHash: string,
  ): Promise<{ action: OwedPageAction; failedReason?: string }> {
    const id = jobIds.ingestPage(examId, contentHash);
    const existing = await this.queue(QUEUES.ingest).getJob(id);
    const state = existing ? await existing.getState() : null;
    const passes = Number((existing?.data as { reconcilePasses?: number } | undefined)?.reconcilePasses ?? 0);
    const action = owedPageAction(state, passes);
    if (action === 'give-up') return { action, failedReason: existing!.failedReason ?? '' };
    if (action === 'retry') {
      await existing!.updateData({ ...existing!.data, reconcilePasses: passes + 1 });
      await existing!.retry('failed', { resetAttemptsMade: true });
    } else if (action === 'add') {
      if (existing) await existing.remove();
      await this.add(JOBS.ingestPage, { pageId }, id);
    }
    return { action };
  }

  /**
   * The page's reduced copy. `again`: the page was just read (again), so a finished copy job of an earlier reading is
   * replaced; otherwise (the reconciliation) a job of that id in any state is left as it is, so a copy that fails for
   * good waits on the 失败任务 page instead of being queued every pass.
   */
  async copyPage(pageId: number, again: boolean) {
    const id = jobIds.copyPage(pageId);
    if (again) {
      const existing = await this.queue(QUEUES.ingest).getJob(id);
      if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
    }
    return this.add(JOBS.copyPage, { pageId }, id, undefined, undefined, COPY_PRIORITY);
  }

  /** True when the latest render of this school's report is waiting, delayed or running. */
  async reportPending(examId: number, schoolId: number): Promise<boolean> {
    const generation = await this.generations.current('report', `${examId}-${schoolId}`);
    if (!generation) return false;
    const job = await this.queue(JOB_QUEUE[JOBS.renderReport]).getJob(
      jobIds.renderReport(examId, schoolId, generation),
    );
    if (!job) return false;
    const state = await job.getState();
    return state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized';
  }

  /**
   * Results owed for the exam: nothing when its latest trigger is still waiting or running; its latest job run again
   * when that one failed for good (retries spent while a server was away); else a new trigger. True when queued.
   */
  async ensureResults(examId: number): Promise<boolean> {
    const generation = await this.generations.current('results', String(examId));
    const job = generation
      ? await this.queue(JOB_QUEUE[JOBS.computeResults]).getJob(jobIds.computeResults(examId, generation))
      : undefined;
    const state = job ? await job.getState() : null;
    if (state && ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return false;
    if (job && state === 'failed') {
      await job.retry('failed');
      return true;
    }
    await this.computeResults(examId, 0);
    return true;
  }

  /** A person's fix: the page is read again next, ahead of the uploads waiting (every request is a new job). */
  async rereadPage(pageId: number, userId: number | null) {
    const generation = await this.generations.next('reread', String(pageId));
    return this.add(JOBS.rereadPage, { pageId, userId }, jobIds.rereadPage(pageId, generation), undefined, true);
  }

  /** Debounced and never lost: see ComputeResultsPayload. */
  async computeResults(examId: number, delayMs = RESULTS_DEBOUNCE_MS) {
    const generation = await this.generations.next('results', String(examId));
    return this.add(JOBS.computeResults, { examId, generation }, jobIds.computeResults(examId, generation), delayMs);
  }

  async renderReport(examId: number, schoolId: number) {
    const generation = await this.generations.next('report', `${examId}-${schoolId}`);
    return this.add(
      JOBS.renderReport,
      { examId, schoolId, generation },
      jobIds.renderReport(examId, schoolId, generation),
    );
  }

  /** False when a later trigger of the same work exists: the job may skip itself, the later one will run. */
  async isLatest(
    job: typeof JOBS.computeResults | typeof JOBS.renderReport,
    payload: { examId: number; schoolId?: number; generation: number },
  ): Promise<boolean> {
    const [kind, subject]: [GenerationKind, string] =
      job === JOBS.computeResults
        ? ['results', String(payload.examId)]
        : ['report', `${payload.examId}-${payload.schoolId}`];
    const current = await this.generations.current(kind, subject);
    return !current || current <= payload.generation;
  }

  /** The jobs of every queue that used up their attempts, newest first, at most `perQueue` of each queue. */
  async failedJobs(perQueue: number): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const queue of Object.values(QUEUES)) {
      for (const job of await this.queue(queue).getFailed(0, perQueue - 1)) {
        if (!job?.id) continue;
        out.push({
          queue,
          id: job.id,
          name: job.name as JobName,
          data: job.data as Record<string, unknown>,
          failedReason: job.failedReason ?? '',
          attemptsMade: job.attemptsMade,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        });
      }
    }
    return out;
  }

  /** One failed job, or null when the queue holds no failed job of that id. */
  async failedJob(queue: QueueName, id: string): Promise<FailedJob | null> {
    const job = await this.queue(queue).getJob(id);
    if (!job?.id || !(await job.isFailed())) return null;
    return {
      queue,
      id: job.id,
      name: job.name as JobName,
      data: job.data as Record<string, unknown>,
      failedReason: job.failedReason ?? '',
      attemptsMade: job.attemptsMade,
      failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
  }

  /** Runs a failed job again with its attempts anew; false when it is no longer failed. */
  async retryFailed(queue: QueueName, id: string): Promise<boolean> {
    const job = await this.queue(queue).getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed');
    return true;
  }

  async onApplicationShutdown() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connections.forEach(releaseConnection);
  }
}

export { QUEUES };
