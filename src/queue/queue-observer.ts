// What operators see of the queues: counts per state (metrics) and the queue dashboard (bull-board). It lives in
// src/queue because only this folder touches BullMQ queues; it reads and, through the dashboard, lets an operator
// retry or remove a failed job, never adds work.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Inject, Injectable } from '@nestjs/common';
import type { Router } from 'express';
import { JobProducer } from './job-producer.js';
import { QUEUES } from './jobs.js';

const STATES = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

@Injectable()
export class QueueObserver {
  constructor(@Inject(JobProducer) private readonly producer: JobProducer) {}

  /** Jobs per state of every queue, read from Redis now. */
  async counts(): Promise<{ queue: string; counts: Record<string, number> }[]> {
    return Promise.all(
      Object.values(QUEUES).map(async (queue) => ({
        queue,
        counts: await this.producer.queue(queue).getJobCounts(...STATES),
      })),
    );
  }

  /** Readiness (GET /ready): Redis answers a read on the producers' connection (which never waits offline). */
  async ping(): Promise<void> {
    await this.producer.queue(QUEUES.results).getJobCounts('waiting');
  }

  /** The bull-board dashboard, served under `basePath` on the operators' port. */
  board(basePath: string): Router {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(basePath);
    createBullBoard({
      queues: Object.values(QUEUES).map((q) => new BullMQAdapter(this.producer.queue(q))),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'tongkao 任务队列', locale: { lng: 'zh-CN' } } },
    });
    return adapter.getRouter() as Router;
  }
}
