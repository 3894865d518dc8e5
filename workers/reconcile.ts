// The worker's reconciliation: work the database says is owed but no queue may hold any more is queued again.
// Jobs are lost when Redis restarts without persistence, when a job's retries are spent while MySQL is away, or when
// a process dies between a commit and its enqueue; the rows stay 'queued' forever unless someone looks. Every worker
// looks at start and then every RECONCILE_EVERY_MS; what it queues is idempotent (a page's job id is its content,
// a report's render is the latest generation), so two workers looking at once do no harm.
import type { INestApplicationContext } from '@nestjs/common';
import { Pipeline } from '../src/queue/pipeline.js';
import { ReportRepository } from '../src/reports/report.repository.js';
import { ScannedPageRepository } from '../src/scans/scanned-page.repository.js';

export const RECONCILE_EVERY_MS = 60_000;
/** Owed this long after the row's last change: longer than a job waits in a busy queue's normal course. */
export const RECONCILE_GRACE_SECONDS = 120;
/** Pages queued again per pass (the next pass takes the rest). */
const PAGES_PER_PASS = 5_000;

export interface ReconcileOutcome {
  pages: number;
  reports: number;
}

export async function reconcile(
  app: INestApplicationContext,
  graceSeconds = RECONCILE_GRACE_SECONDS,
): Promise<ReconcileOutcome> {
  const pipeline = app.get(Pipeline);
  const pages = await app.get(ScannedPageRepository).stuckQueued(graceSeconds, PAGES_PER_PASS);
  await pipeline.pagesOwed(pages);
  const reports = await pipeline.reportsOwed(await app.get(ReportRepository).stuckQueued(graceSeconds));
  return { pages: pages.length, reports };
}

/** Runs `reconcile` now and every `everyMs`; stop() ends it. A failed pass is logged and tried again next time. */
export function startReconciler(
  app: INestApplicationContext,
  opts: { everyMs?: number; graceSeconds?: number } = {},
): { stop(): void; pass(): Promise<ReconcileOutcome | null> } {
  let running: Promise<ReconcileOutcome | null> | null = null;
  const pass = () =>
    (running ??= reconcile(app, opts.graceSeconds)
      .then((o) => {
        if (o.pages || o.reports)
          console.warn(
            `[worker] reconciliation: ${o.pages} page(s) still queued made sure of their jobs, ${o.reports} report(s) rendered again`,
          );
        return o;
      })
      .catch((err: Error) => {
        console.error(`[worker] reconciliation failed: ${err.message}`);
        return null;
      })
      .finally(() => (running = null)));
  void pass();
  const timer = setInterval(() => void pass(), opts.everyMs ?? RECONCILE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), pass };
}
