// The worker's reconciliation: work the database says is owed but no queue may hold any more is queued again.
// (Read pages without their reduced copy for the notices count as owed too: copy-page jobs.)
// Jobs are lost when Redis restarts without persistence, when a job's retries are spent while MySQL is away, or when
// a process dies between a commit and its enqueue; the rows stay 'queued' forever unless someone looks. Every worker
// looks at start and then every RECONCILE_EVERY_MS; what it queues is idempotent (a page's job id is its content,
// a report's render is the latest generation), so two workers looking at once do no harm.
import type { INestApplicationContext } from '@nestjs/common';
import { failureInWords } from '../src/jobs/domain/failed-jobs.js';
import { Pipeline } from '../src/queue/pipeline.js';
import { MarkingOverviewRepository } from '../src/marking/marking-overview.repository.js';
import { ReportRepository } from '../src/reports/report.repository.js';
import { resultsRetryDecision } from '../src/results/domain/results-retry.js';
import { ResultsRetryRepository } from '../src/results/results-retry.repository.js';
import { ScoreVersionRepository } from '../src/results/score-version.repository.js';
import { ScannedPageRepository } from '../src/scans/scanned-page.repository.js';

export const RECONCILE_EVERY_MS = 60_000;
/** The exception code of a page whose reading failed through every retry. */
export const INGEST_GIVEN_UP = 'INGEST_FAILED';

/** The scanner's words for it: why, and what to do (the 重新识别 button of the exception queue). */
function givenUpReason(failedReason: string): string {
  return `多次自动识别均未完成（${failureInWords(failedReason)}），请排除原因后点“重新识别”`;
}
/** Owed this long after the row's last change: longer than a job waits in a busy queue's normal course. */
export const RECONCILE_GRACE_SECONDS = 120;
/** Pages queued again per pass (the next pass takes the rest). */
const PAGES_PER_PASS = 5_000;
/** Reports with no row rendered per pass (the next pass takes the rest). */
const REPORTS_PER_PASS = 2_000;
/** Exams looked at for owed results per pass. */
const EXAMS_PER_PASS = 500;

export interface ReconcileOutcome {
  pages: number;
  /** Pages whose ingest job failed through every pass: made exceptions (INGEST_GIVEN_UP). */
  pagesGivenUp: number;
  /** Read pages whose reduced copy (copy-page job) was made sure of. */
  copies: number;
  reports: number;
  /** Exams whose results were queued again (computed version below the current score version). */
  results: number;
  /**
   * Exams whose results are owed but were not queued again: this score version's passes are spent (results-retry.ts),
   * so the failed job stays on the 失败任务 page until an admin retries it or the scores change.
   */
  resultsLeftFailed: number;
}

export async function reconcile(
  app: INestApplicationContext,
  graceSeconds = RECONCILE_GRACE_SECONDS,
): Promise<ReconcileOutcome> {
  const pipeline = app.get(Pipeline);
  const pageRows = app.get(ScannedPageRepository);
  const pages = await pageRows.stuckQueued(graceSeconds, PAGES_PER_PASS);
  // A page whose job failed pass after pass is not retried forever: it becomes an exception the scanner reads again.
  const { givenUp } = await pipeline.pagesOwed(pages);
  for (const g of givenUp) await pageRows.giveUp(g.id, INGEST_GIVEN_UP, givenUpReason(g.failedReason));
  const copies = await pageRows.copiesOwed(graceSeconds, PAGES_PER_PASS);
  await pipeline.copiesOwed(copies);
  const reportRows = app.get(ReportRepository);
  let reports = await pipeline.reportsOwed(await reportRows.stuckQueued(graceSeconds));
  // Reports with no row (the first enqueue of their renders failed): queued, then given their 'queued' row.
  const missing = await reportRows.missing(graceSeconds, REPORTS_PER_PASS);
  reports += await pipeline.reportsOwed(missing);
  for (const r of missing) await reportRows.markQueued(r.examId, [r.schoolId], 0);
  // Results owed: computed before the latest change of scores; or never computed though every answer is settled (the
  // trigger of the last settling mark was lost). An exam still being marked is not computed ahead of its time.
  const owed: { examId: number; version: number }[] = [];
  for (const e of await app.get(ScoreVersionRepository).owed(graceSeconds, EXAMS_PER_PASS))
    if (e.computed !== null || (await app.get(MarkingOverviewRepository).examSettled(e.examId))) owed.push(e);
  // A job that fails every time is not queued again by every pass forever: a few passes per score version (counted
  // in MySQL, so no restart resets them), and only those that did queue something count.
  const retries = app.get(ResultsRetryRepository);
  const prior = await retries.of(owed.map((e) => e.examId));
  let results = 0;
  let resultsLeftFailed = 0;
  for (const e of owed) {
    const decision = resultsRetryDecision(prior.get(e.examId) ?? null, e.version);
    if (!decision.queue) {
      resultsLeftFailed++;
      continue;
    }
    if (!(await pipeline.resultsOwed([e.examId]))) continue;
    await retries.record(e.examId, decision.next);
    results++;
  }
  return {
    pages: pages.length,
    pagesGivenUp: givenUp.length,
    copies: copies.length,
    reports,
    results,
    resultsLeftFailed,
  };
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
        if (o.pages || o.copies || o.reports || o.results)
          console.warn(
            `[worker] reconciliation: ${o.pages} page(s) still queued made sure of their jobs (${o.pagesGivenUp} given up as exceptions), ${o.copies} read page(s) of their reduced copies, ${o.reports} report(s) rendered again, results of ${o.results} exam(s) computed again`,
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
