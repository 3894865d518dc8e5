import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { WorkerModule } from '../src/app.module.js';
import { checkServices } from '../src/common/startup-checks.js';
import type { AppConfig } from '../src/config/config.js';
import { redisConnection, releaseConnection } from '../src/queue/connection.js';
import { JOB_QUEUE, JOBS, JobName, QueueName } from '../src/queue/jobs.js';
import type { Processor } from './processor.js';
import { PROCESSORS } from './processors.js';
import { startReconciler } from './reconcile.js';
import { observeWorker, workerLogger } from './observe.js';
import { OpsMetrics } from '../src/ops/ops-metrics.js';
import { startOpsServer } from '../src/ops/ops-server.js';

export interface WorkerHost {
  app: INestApplicationContext;
  workers: Worker[];
  /** The reconciliation (null when turned off): `pass()` runs one now. */
  reconciler: ReturnType<typeof startReconciler> | null;
  /** This worker's metrics (job durations, pages read), served on WORKER_OPS_PORT when set. */
  metrics: OpsMetrics;
  opsPort: number | null;
  close(): Promise<void>;
}

/** Checks that every job name has exactly one processor. */
export function processorTable(processors: Processor<any>[], requireAll = true): Map<JobName, Processor<any>> {
  const table = new Map<JobName, Processor<any>>();
  for (const p of processors) {
    if (table.has(p.job)) throw new Error(`job "${p.job}" has two processors`);
    table.set(p.job, p);
  }
  const missing = Object.values(JOBS).filter((j) => !table.has(j));
  if (requireAll && missing.length) throw new Error(`no processor for job(s): ${missing.join(', ')}`);
  return table;
}

/** Starts one BullMQ worker per queue inside a Nest application context (no HTTP). */
export async function startWorkers(
  config: AppConfig,
  opts: {
    logger?: boolean;
    processors?: Processor<any>[];
    /** Queue owed work again at start and periodically (workers/reconcile.ts); false turns it off. */
    reconcile?: { everyMs?: number; graceSeconds?: number } | false;
  } = {},
): Promise<WorkerHost> {
  // Tests may run a subset of processors; the real worker must have them all.
  const table = processorTable(opts.processors ?? PROCESSORS, !opts.processors);
  await checkServices(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: opts.logger === false ? false : ['error', 'warn'],
    abortOnError: false,
  });
  // A processor that cannot get ready still runs: what it readies would be done by its first job anyway.
  await Promise.all(
    [...table.values()].map((p) =>
      p.prepare?.(app).catch((err: Error) => console.error(`[worker] preparing ${p.job}: ${err.message}`)),
    ),
  );
  const queues = new Set<QueueName>([...table.keys()].map((job) => JOB_QUEUE[job]));
  const concurrency: Partial<Record<QueueName, number>> = { 'scan-ingest': config.ingestConcurrency };
  const connections = [...queues].map(() => redisConnection(config));
  const workers = [...queues].map(
    (queue, i) =>
      new Worker(
        queue,
        async (job) => {
          const p = table.get(job.name as JobName);
          if (!p) throw new Error(`no processor for job "${job.name}"`);
          return p.run(app, job.data);
        },
        {
          connection: connections[i],
          prefix: config.redis.prefix,
          concurrency: concurrency[queue] ?? 1,
          // A job whose worker died while running it runs again, up to this many times (BullMQ's default is once).
          maxStalledCount: config.jobs.stalledLimit,
        },
      ),
  );
  const log = workerLogger(opts.logger === false ? 'silent' : config.logLevel, config);
  const metrics = new OpsMetrics('worker');
  for (const w of workers) observeWorker(w, log, metrics);
  const ops = config.ops.workerPort
    ? await startOpsServer({ port: config.ops.workerPort, host: config.ops.host, token: config.ops.token, metrics })
    : null;
  const reconciler = opts.reconcile === false ? null : startReconciler(app, opts.reconcile ?? {});
  return {
    app,
    workers,
    reconciler,
    metrics,
    opsPort: ops?.port ?? null,
    async close() {
      reconciler?.stop();
      ops?.server.close();
      await Promise.all(workers.map((w) => w.close()));
      connections.forEach(releaseConnection);
      await app.close();
    },
  };
}
