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
