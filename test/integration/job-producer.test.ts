import { Worker } from 'bullmq';
import { redisConnection } from '../../src/queue/connection.js';
import { JobGenerationRepository } from '../../src/queue/job-generation.repository.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { JOBS, QUEUES } from '../../src/queue/jobs.js';
import { startOwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('JobProducer on the real Redis', () => {
  let env: TestEnv;
  let producer: JobProducer;
  beforeAll(async () => {
    env = await createTestEnv('jobs');
    producer = new JobProducer(env.config, new JobGenerationRepository(env.ds));
  });
  afterAll(async () => {
    for (const q of Object.values(QUEUES)) await producer.queue(q).obliterate({ force: true });
    await producer.onApplicationShutdown();
    await env.cleanup();
  });

  it('enqueues one ingest job per page image, however often it is uploaded', async () => {
    await producer.ingestPage(1, 7, 'abc');
    await producer.ingestPage(1, 7, 'abc');
    expect(await producer.queue(QUEUES.ingest).getJobCountByTypes('waiting', 'delayed')).toBe(1);
  });

  it('retries a page whose job had failed for good when the page is enqueued again', async () => {
    const job = await producer.ingestPage(2, 7, 'def');
    // A worker that always throws uses up the job's attempts.
    const w = new Worker(
      QUEUES.ingest,
      async () => {
        throw new Error('boom');
      },
      { connection: redisConnection(env.config), prefix: env.config.redis.prefix },
    );
    const deadline = Date.now() + 20_000;
    while (!(await job.isFailed()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await w.close();
    expect(await job.isFailed()).toBe(true);
    const again = await producer.ingestPage(2, 7, 'def');
    expect(again.id).toBe(job.id);
    expect(await (await producer.queue(QUEUES.ingest).getJob(job.id!))!.isFailed()).toBe(false);
  });

  it('collapses a burst of results triggers: only the last generation is current', async () => {
    const jobs = [
      await producer.computeResults(42),
      await producer.computeResults(42),
      await producer.computeResults(42),
    ];
    expect(jobs.map((j) => j.data.generation)).toEqual([1, 2, 3]);
    const latest = await Promise.all(jobs.map((j) => producer.isLatest(JOBS.computeResults, j.data)));
    expect(latest).toEqual([false, false, true]);
    // A trigger that arrives later (say, while generation 3 runs) makes 3 stale and is itself current.
    const later = await producer.computeResults(42);
    expect(await producer.isLatest(JOBS.computeResults, jobs[2].data)).toBe(false);
    expect(await producer.isLatest(JOBS.computeResults, later.data)).toBe(true);
    // Other exams and reports count separately.
    const report = await producer.renderReport(42, 5);
    expect(report.data.generation).toBe(1);
    expect(await producer.isLatest(JOBS.renderReport, report.data)).toBe(true);
  });

  it('keeps the generations in MySQL: a Redis restarted without persistence does not start them again', async () => {
    const redis = await startOwnRedis();
    const own = new JobProducer(
      { ...env.config, redis: { ...env.config.redis, port: redis.port } },
      new JobGenerationRepository(env.ds),
    );
    try {
      await own.onModuleInit();
      const before = [await own.computeResults(77), await own.computeResults(77)];
      await own.renderReport(77, 3);
      await redis.restart(); // every key gone
      for (
        let i = 0;
        i < 100 &&
        !(await own
          .queue(QUEUES.results)
          .getJobCounts()
          .catch(() => null));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      const after = await own.computeResults(77);
      expect(after.data.generation).toBe(3);
      // The job of generation 2, were it still around, would skip itself: a later trigger exists.
      expect(await own.isLatest(JOBS.computeResults, before[1].data)).toBe(false);
      expect((await own.renderReport(77, 3)).data.generation).toBe(2);
      expect(await own.reportPending(77, 3)).toBe(true);
    } finally {
      await own.onApplicationShutdown();
      redis.stop();
    }
  });
});
