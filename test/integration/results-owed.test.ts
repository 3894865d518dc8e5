// Results owed are computed again by the worker's reconciliation: scores that changed after the results were computed
// (the stored analysis's score version below the exam's current one) with no trigger waiting, as when the trigger was
// lost with Redis or its retries were spent while MySQL was away. A trigger still waiting is left to run, not doubled.
import { FinalItemScore, ScoreSource } from '../../src/marking/entities/final-item-score.entity.js';
import { JOBS, QUEUES } from '../../src/queue/jobs.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ScoreVersionRepository } from '../../src/results/score-version.repository.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { reconcile } from '../../workers/reconcile.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, type ResultsFixture } from './results-fixture.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('results owed after scores changed', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let idle: WorkerHost;
  let worker: WorkerHost | null = null;

  beforeAll(async () => {
    env = await createTestEnv('results_owed');
    fx = await buildResultsFixture(env.ds, 'ro');
    // A worker context that runs no job: what the reconciliation queues stays visible on the queue.
    idle = await startWorkers(env.config, { processors: [], logger: false, reconcile: false });
  });
  afterAll(async () => {
    await worker?.close();
    for (const q of Object.values(QUEUES)) await idle.app.get(JobProducer).queue(q).obliterate({ force: true });
    await idle.close();
    await env.cleanup();
  });

  const versions = async () => ({
    current: await idle.app.get(ScoreVersionRepository).current(fx.examId),
    computed: (await idle.app.get(ExamAnalysisRepository).computedVersion(fx.examId))?.version ?? null,
  });
  const waitingResults = async () =>
    (await idle.app.get(JobProducer).queue(QUEUES.results).getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.name === JOBS.computeResults && j.data.examId === fx.examId,
    ).length;

  it("queues the results of an exam never computed once every answer is settled (the last mark's trigger lost), not before", async () => {
    // Another exam of the same shape, never computed: its scores changed (marks), its results trigger was lost.
    const other = await buildResultsFixture(env.ds, 'rn');
    const [page] = await env.ds.query('SELECT id FROM scanned_page WHERE exam_id = ? AND student_id = ? LIMIT 1', [
      other.examId,
      other.studentIds.lead[0],
    ]);
    await env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, NOW(6)) ON DUPLICATE KEY UPDATE version = version + 1, changed_at = NOW(6)',
      [other.examId],
    );
    const pending = async () =>
      (await idle.app.get(JobProducer).queue(QUEUES.results).getJobs(['waiting', 'delayed', 'prioritized'])).filter(
        (j) => j.name === JOBS.computeResults && j.data.examId === other.examId,
      ).length;
    expect(await idle.app.get(ExamAnalysisRepository).computedVersion(other.examId)).toBeNull();

    // An answer still to be marked: the exam is not computed ahead of its time.
    await env.ds.getRepository(AnswerSnippet).save({
      examId: other.examId,
      pageId: page.id,
      studentId: other.studentIds.lead[0],
      itemId: other.itemIds[0],
      blobKey: 'snippets/rn.png',
      token: `rn-${Date.now().toString(36)}`,
    });
    await reconcile(idle.app, 0);
    expect(await pending()).toBe(0);

    // Its final score stored (the settling mark), its trigger lost: the reconciliation computes the results.
    await env.ds.getRepository(FinalItemScore).save({
      examId: other.examId,
      paperId: other.paperId,
      studentId: other.studentIds.lead[0],
      itemId: other.itemIds[0],
      score: 2,
      source: ScoreSource.Marking,
      ruleVersion: 'double-v1',
    });
    expect((await reconcile(idle.app, 0)).results).toBeGreaterThanOrEqual(1);
    expect(await pending()).toBe(1);
    // Not doubled by the next pass.
    await reconcile(idle.app, 0);
    expect(await pending()).toBe(1);
  });

  it('queues results whose computed version is below the current one, once, and nothing when they are current', async () => {
    await idle.app.get(ResultsJobService).computeExam(fx.examId);
    // The computation queued its reports; nothing of the results queue waits.
    expect(await waitingResults()).toBe(0);
    expect(await reconcile(idle.app, 0)).toMatchObject({ results: 0 });

    // A change of scores whose trigger was lost: the version moves on, no job is queued.
    await env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, NOW(6)) ON DUPLICATE KEY UPDATE version = version + 1, changed_at = NOW(6)',
      [fx.examId],
    );
    const before = await versions();
    expect(before.computed).not.toBeNull();
    expect(before.computed!).toBeLessThan(before.current);

    // Not yet quiet for the grace period: left alone.
    expect(await reconcile(idle.app, 3600)).toMatchObject({ results: 0 });
    expect(await reconcile(idle.app, 0)).toMatchObject({ results: 1 });
    expect(await waitingResults()).toBe(1);
    // A trigger already waiting is not doubled.
    expect(await reconcile(idle.app, 0)).toMatchObject({ results: 0 });
    expect(await waitingResults()).toBe(1);

    worker = await startWorkers(env.config, { processors: [resultsProcessor], logger: false, reconcile: false });
    for (let i = 0; i < 120 && (await versions()).computed !== before.current; i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await versions()).toEqual({ current: before.current, computed: before.current });
    expect(await reconcile(idle.app, 0)).toMatchObject({ results: 0 });
  });
});
