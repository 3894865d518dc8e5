// bench:ingest and bench:marking run with the product's logging and metrics on, as a production process has them:
// JSON lines (pino, level info) written to /dev/null through pino's own writer (a production process writes the same
// lines to stdout, read by the container's log driver), and prom-client's registry with its default collectors.
// BENCH_LOGS=off turns both off, for a comparison.
import type { AppConfig } from '../../src/config/config.js';
import { OpsMetrics } from '../../src/ops/ops-metrics.js';
import { jobDone, workerLogger } from '../../workers/observe.js';

export const OBSERVED = process.env.BENCH_LOGS !== 'off';

export const OBSERVABILITY = OBSERVED
  ? 'logging and metrics on: JSON log lines (pino, level info) to /dev/null, Prometheus metrics (prom-client) (BENCH_LOGS=off turns both off)'
  : 'logging and metrics OFF (BENCH_LOGS=off)';

/** The API's configuration with the product's logging on (to /dev/null), or silent when BENCH_LOGS=off. */
export function observedApiConfig(config: AppConfig): AppConfig {
  return OBSERVED ? { ...config, logLevel: 'info', logFile: '/dev/null' } : { ...config, logLevel: 'silent' };
}

/**
 * What a worker does when a page's job is done (workers/observe.ts: its duration and outcome in the metrics, its log
 * line), around a call that stands for the job; the identity when BENCH_LOGS=off.
 */
export function observedPageJob<R>(run: (id: number) => Promise<R>): (id: number) => Promise<R> {
  if (!OBSERVED) return run;
  const log = workerLogger('info', { logFile: '/dev/null' });
  const metrics = new OpsMetrics('worker');
  return async (id) => {
    const t0 = performance.now();
    const result = await run(id);
    const job = { name: 'ingest-page', id: String(id), attemptsMade: 1 };
    jobDone(log, metrics, 'scan-ingest', job, (performance.now() - t0) / 1000, result);
    return result;
  };
}
