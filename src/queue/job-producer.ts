import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { redisConnection } from './connection.js';
import { JOB_QUEUE, JOBS, jobIds, JobName, JobPayloads, QUEUES, QueueName } from './jobs.js';

/** The one place that enqueues jobs. Ids come from jobIds, so enqueueing the same work twice is a no-op. */
@Injectable()
export class JobProducer implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redisConnection(this.config), prefix: this.config.redis.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  private add<J extends JobName>(job: J, payload: JobPayloads[J], id: string, opts: { dedupe?: boolean; delay?: number } = {}) {
    return this.queue(JOB_QUEUE[job]).add(job, payload, {
      jobId: opts.dedupe ? undefined : id,
      deduplication: opts.dedupe ? { id } : undefined,
      delay: opts.delay,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  ingestPage(pageId: number, examId: number, contentHash: string) {
    return this.add(JOBS.ingestPage, { pageId }, jobIds.ingestPage(examId, contentHash));
  }

  /** Debounced: while a results job of the exam is waiting, further triggers join it. */
  computeResults(examId: number, delayMs = 0) {
    return this.add(JOBS.computeResults, { examId }, jobIds.computeResults(examId), { dedupe: true, delay: delayMs });
  }

  renderReport(examId: number, schoolId: number) {
    return this.add(JOBS.renderReport, { examId, schoolId }, jobIds.renderReport(examId, schoolId), { dedupe: true });
  }

  async onApplicationShutdown() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export { QUEUES };
