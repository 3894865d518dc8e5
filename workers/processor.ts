import type { INestApplicationContext } from '@nestjs/common';
import type { JobName, JobPayloads } from '../src/queue/jobs.js';

/** A thin processor: payload in, one service call, a status out. */
export interface Processor<J extends JobName = JobName> {
  job: J;
  run(app: INestApplicationContext, payload: JobPayloads[J]): Promise<unknown>;
  /** Readies what the first job would otherwise wait for, once when the worker starts (before it takes jobs). */
  prepare?(app: INestApplicationContext): Promise<void>;
}
