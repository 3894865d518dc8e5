// How long a job keeps trying before it fails for good: BullMQ's exponential backoff waits backoffMs, 2×, 4×, … between
// attempts. A failed job stays visible (the 失败任务 page) until someone retries it or the reconciliation does.

export interface JobRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each further wait doubles. */
  backoffMs: number;
  /** How often a job may be found stalled (its worker died while running it) before it fails instead of running again. */
  stalledLimit: number;
}

/** The waits between the attempts of one job, in order (attempts − 1 of them). */
export function retryWaitsMs(p: Pick<JobRetryPolicy, 'attempts' | 'backoffMs'>): number[] {
  return Array.from({ length: Math.max(0, p.attempts - 1) }, (_, k) => p.backoffMs * 2 ** k);
}

/** From the first failure to the last attempt: the longest outage (database, queue) a job outlives. */
export function outlivesMs(p: Pick<JobRetryPolicy, 'attempts' | 'backoffMs'>): number {
  return retryWaitsMs(p).reduce((a, b) => a + b, 0);
}

/**
 * Passes of the reconciliation that may run a page's failed ingest job again (with its attempts anew). Beyond them the
 * page is given up: an exception a person sees and reads again from the exception queue (or retries on /jobs),
 * instead of a silent 'queued' retried every minute forever.
 */
export const PAGE_RECONCILE_PASSES = 3;

/** What the reconciliation does for a page still 'queued': by its ingest job's state and the passes already spent. */
export type OwedPageAction = 'add' | 'leave' | 'retry' | 'give-up';

/** `state`: BullMQ's state of the page's job (null: no such job, lost with Redis or never added). */
export function owedPageAction(
  state: string | null,
  passesSpent: number,
  maxPasses = PAGE_RECONCILE_PASSES,
): OwedPageAction {
  if (state === 'failed') return passesSpent < maxPasses ? 'retry' : 'give-up';
  if (state === null || state === 'unknown' || state === 'completed') return 'add';
  return 'leave'; // waiting, delayed, prioritized, active: it will run
}
