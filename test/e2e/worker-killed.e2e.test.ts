// A worker process killed (SIGKILL) twice while it reads pages: once a worker runs again, every page is read, once,
// and nothing stays 'queued' (the killed worker's jobs come back as stalled jobs; a stalled limit that two kills do not
// spend). Runs the built worker (dist/, `npm run build`, as `npm test` does first) on a Redis of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { startWorkers } from '../../workers/worker-host.js';
import { seedScanExam } from '../integration/scans-fixtures.js';
import { queueStoredScans } from '../support/queued-scans.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const built = existsSync(resolve('dist/workers/main.js'));

describe('a worker killed twice while reading pages', () => {
  let env: TestEnv;
  let redis: OwnRedis;
  let child: ChildProcess | null = null;
  let output = '';

  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    env = await createTestEnv('killed');
    redis = await startOwnRedis();
    env.config = { ...env.config, redis: { ...env.config.redis, port: redis.port } };
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    redis?.stop();
    await env?.cleanup();
  });

  /** The built worker, as production runs it, on this test's database, Redis, prefix and data folder. */
  const startWorker = () => {
    const c = env.config;
    child = spawn(process.execPath, ['dist/workers/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DB_HOST: c.db.host,
        DB_PORT: String(c.db.port),
        DB_NAME: c.db.name,
        REDIS_HOST: c.redis.host,
        REDIS_PORT: String(c.redis.port),
        QUEUE_PREFIX: c.redis.prefix,
        DATA_DIR: c.dataDir,
        // One page at a time, so that the kills land between pages even on a quiet, fast machine (CI read all 8 at
        // once before the first kill).
        INGEST_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  };
  const kill = async () => {
    const c = child!;
    await new Promise<void>((done) => {
      c.once('exit', () => done());
      c.kill('SIGKILL');
    });
    child = null;
  };

  it('reads every page once after two kills mid-ingestion', async () => {
    const fx = await seedScanExam(env.ds, { studentsA: 6 });
    const pages = await queueStoredScans(env, fx, 'killed_scanner', 13);

    const processed = async () =>
      Number(
        (
          await env.ds.query('SELECT COUNT(*) AS n FROM scanned_page WHERE exam_id = ? AND status = ?', [
            fx.exam.id,
            PageStatus.Processed,
          ])
        )[0].n,
      );
    const until = async (done: () => Promise<boolean>, ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end && !(await done());)
        await new Promise((r) => setTimeout(r, 20));
    };
    // Killed once some pages are read and others are being read, twice.
    for (const after of [1, 3]) {
      startWorker();
      await until(async () => (await processed()) >= after, 40_000);
      await kill();
    }
    const atKills = await processed();
    expect(atKills).toBeLessThan(pages.length); // the kills did land mid-ingestion

    startWorker();
    const statuses = async () =>
      (await env.ds.getRepository(ScannedPage).find({ where: { examId: fx.exam.id } })).map((p) => p.status);
    // The killed worker's jobs come back once their locks expire (BullMQ's stalled check, 30 s).
    const t0 = Date.now();
    await until(async () => !(await statuses()).includes(PageStatus.Queued), 100_000);
    const probe = await startWorkers(env.config, { processors: [], logger: false, reconcile: false });
    const counts = await probe.app.get(JobProducer).queue(QUEUES.ingest).getJobCounts();
    await probe.close();
    // On failure: the worker's last output and the queue's counts say where the pages went.
    expect({ statuses: await statuses(), counts, output, waitedMs: Date.now() - t0 }).toEqual({
      statuses: pages.map(() => PageStatus.Processed),
      counts: expect.objectContaining({ failed: 0 }),
      output: expect.any(String),
      waitedMs: expect.any(Number),
    });
    console.log(
      `worker-killed: ${pages.length} pages, ${atKills} read at the kills, rest read ${Date.now() - t0} ms after the restart`,
    );
    // Read once: no answer stored twice, every page's answers stored.
    const doubled = await env.ds.query(
      'SELECT page_id, item_id, COUNT(*) AS n FROM answer_snippet WHERE page_id IN (?) GROUP BY page_id, item_id HAVING n > 1',
      [pages.map((p) => p.id)],
    );
    expect(doubled).toEqual([]);
    const doubledObjective = await env.ds.query(
      'SELECT student_id, item_id, COUNT(*) AS n FROM objective_response WHERE exam_id = ? GROUP BY student_id, item_id HAVING n > 1',
      [fx.exam.id],
    );
    expect(doubledObjective).toEqual([]);
    const [{ n: pagesWithAnswers }] = await env.ds.query(
      'SELECT COUNT(DISTINCT page_id) AS n FROM (SELECT page_id FROM answer_snippet UNION ALL SELECT page_id FROM objective_response) x WHERE page_id IN (?)',
      [pages.map((p) => p.id)],
    );
    expect(Number(pagesWithAnswers)).toBeGreaterThan(0);
  }, 200_000);
});
