// What a worker says of its jobs: one JSON log line per finished or failed job with its id (pino), and the job
// durations and pages read as Prometheus metrics, served on the worker's operators' port (WORKER_OPS_PORT).
import type { Job, Worker } from 'bullmq';
import { pino, type Logger } from 'pino';
import { JOBS } from '../src/queue/jobs.js';
import type { AppConfig } from '../src/config/config.js';
import { logDestination } from '../src/ops/logging.js';
import type { OpsMetrics } from '../src/ops/ops-metrics.js';

export function workerLogger(level: string, config: Pick<AppConfig, 'logFile'> = { logFile: null }): Logger {
  return pino({ level, base: { process_role: 'worker', pid: process.pid } }, logDestination(config));
}

function seconds(job: Job): number {
  return job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
}

/** What a finished job leaves: its duration and, for a page, its outcome in the metrics; its log line. */
export function jobDone(
  log: Logger,
  metrics: OpsMetrics,
  queue: string,
  job: Pick<Job, 'name' | 'id' | 'attemptsMade'>,
  s: number,
  result: unknown,
): void {
  metrics.jobDuration.observe({ queue, job: job.name, outcome: 'completed' }, s);
  if (job.name === JOBS.ingestPage)
    metrics.pagesIngested.inc({ outcome: String((result as { status?: string } | null)?.status ?? 'unknown') });
  log.info({ queue, job: job.name, jobId: job.id, attempt: job.attemptsMade, ms: Math.round(s * 1000) }, 'job done');
}

export function observeWorker(worker: Worker, log: Logger, metrics: OpsMetrics): void {
  const queue = worker.name;
  worker.on('completed', (job, result: unknown) => jobDone(log, metrics, queue, job, seconds(job), result));
  worker.on('failed', (job, err) => {
    if (job) metrics.jobDuration.observe({ queue, job: job.name, outcome: 'failed' }, seconds(job));
    log.error(
      {
        queue,
        job: job?.name,
        jobId: job?.id,
        attempt: job?.attemptsMade,
        err: { message: err.message, stack: err.stack },
      },
      'job failed',
    );
  });
  worker.on('error', (err) => log.error({ queue, err: { message: err.message } }, 'worker error'));
}
