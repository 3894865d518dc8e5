// A results job that fails every time is not queued again by every reconciliation pass forever (issue 18): a few passes
// per score version, counted in MySQL; after them it stays failed on the 失败任务 list until an admin retries it, and a
// change of scores gives it a fresh budget.
import { JOBS, QUEUES } from '../../src/queue/jobs.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Pipeline } from '../../src/queue/pipeline.js';
import { RESULTS_RECONCILE_PASSES } from '../../src/results/domain/results-retry.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsRetryRepository } from '../../src/results/results-retry.repository.js';
import type { Processor } from '../../workers/processor.js';
import { reconcile } from '../../workers/reconcile.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, type ResultsFixture } from './results-fixture.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('a results job that fails every time', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let host: WorkerHost;
  let runs = 0;
  /** Stands for a computation that throws on this exam's data every time (a bug, a row it cannot read). */
  const failing: Processor<typeof JOBS.computeResults> = {
    job: JOBS.computeResults,
    run: async () => {
      runs++;
      throw new Error('results fail every time (test)');
    },
  };

  beforeAll(async () => {
    env = await createTestEnv('results_retry');
    fx = await buildResultsFixture(env.ds, 'rr');
    // One attempt a job, so a failure is final at once (the policy's retries are tested elsewhere).
    const config = { ...env.config, jobs: { ...env.config.jobs, attempts: 1, backoffMs: 10 } };
    host = await startWorkers(config, { processors: [failing], logger: false, reconcile: false });
  });
  afterAll(async () => {
    for (const q of Object.values(QUEUES)) await host.app.get(JobProducer).queue(q).obliterate({ force: true });
    await host.close();
    await env.cleanup();
  });

  const bump = () =>
    env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, NOW(6)) ON DUPLICATE KEY UPDATE version = version + 1, changed_at = NOW(6)',
      [fx.examId],
    );
  const failed = async () =>
    (await host.app.get(Pipeline).failedJobs()).filter(
      (j) => j.name === JOBS.computeResults && j.data.examId === fx.examId,
    );
  /** Waits until the exam's results job has run `n` times in all and is failed again. */
  const settle = async (n: number) => {
    for (let i = 0; i < 200 && !(runs >= n && (await failed()).length === 1); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(n);
    expect(await failed()).toHaveLength(1);
  };

  it('is queued again by a bounded number of passes per score version, then stays failed until an admin retries', async () => {
    // Results computed once, then scores change: results are owed.
    await host.app.get(ResultsJobService).computeExam(fx.examId);
    await bump();

    for (let pass = 1; pass <= RESULTS_RECONCILE_PASSES; pass++) {
      expect(await reconcile(host.app, 0)).toMatchObject({ results: 1, resultsLeftFailed: 0 });
      await settle(pass);
    }
    // Budget spent: every further pass leaves it failed, and it stays on the failed list.
    for (let pass = 0; pass < 3; pass++)
      expect(await reconcile(host.app, 0)).toMatchObject({ results: 0, resultsLeftFailed: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(RESULTS_RECONCILE_PASSES);
    const [job] = await failed();
    expect(job.failedReason).toContain('results fail every time');

    // The count is in MySQL, not Redis: a new worker context (as after a restart) knows it.
    const state = await host.app.get(ResultsRetryRepository).of([fx.examId]);
    expect(state.get(fx.examId)).toMatchObject({ passes: RESULTS_RECONCILE_PASSES });

    // An admin's retry from the 失败任务 page runs it again; failing again, it is back on the list, not retried by passes.
    expect(await host.app.get(Pipeline).retryFailed(QUEUES.results, job.id)).toBe(true);
    await settle(RESULTS_RECONCILE_PASSES + 1);
    expect(await reconcile(host.app, 0)).toMatchObject({ results: 0, resultsLeftFailed: 1 });

    // Scores change again: new work, a fresh budget.
    await bump();
    expect(await reconcile(host.app, 0)).toMatchObject({ results: 1, resultsLeftFailed: 0 });
    await settle(RESULTS_RECONCILE_PASSES + 2);
    expect((await host.app.get(ResultsRetryRepository).of([fx.examId])).get(fx.examId)).toMatchObject({ passes: 1 });
  });
});
