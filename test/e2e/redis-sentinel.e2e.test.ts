// Redis Sentinel, wired in: the API and a worker are given only a sentinel (REDIS_HOST/REDIS_PORT point at nothing),
// a job queued through the API is done by the worker, then the primary is failed over to its replica and queued work
// goes on. This test starts its own primary, replica and sentinel on free ports.
import type { INestApplication } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { checkRedis } from '../../src/common/startup-checks.js';
import { Role } from '../../src/common/role.js';
import type { AppConfig } from '../../src/config/config.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { freePort, hasRedisServer, startOwnRedis, startOwnSentinel, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const present = hasRedisServer();
if (!present && process.env.CI === 'true') throw new Error('redis-server is missing under CI (apt-get install redis)');
if (!present) console.warn('redis-sentinel e2e skipped: redis-server not found (apt-get install redis)');

const until = async (what: string, ok: () => Promise<boolean>, ms = 15_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100)))
    if (await ok().catch(() => false)) return;
  throw new Error(`timed out waiting for ${what}`);
};

(present ? describe : describe.skip)('Redis through Sentinel', () => {
  let env: TestEnv;
  let primary: OwnRedis;
  let replica: OwnRedis;
  let sentinel: OwnRedis;
  let sentinelClient: Redis;
  let config: AppConfig;
  let app: INestApplication;
  let worker: WorkerHost;
  let token: string;
  let allianceId: number;

  beforeAll(async () => {
    env = await createTestEnv('sentinel');
    primary = await startOwnRedis();
    replica = await startOwnRedis([
      '--save',
      '',
      '--appendonly',
      'no',
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
    ]);
    sentinel = await startOwnSentinel(primary.port, 'mymaster');
    sentinelClient = new Redis({ host: '127.0.0.1', port: sentinel.port, maxRetriesPerRequest: 1 });
    // The sentinel learns of the replica from the primary's INFO; a failover needs it known and in sync.
    await until('the sentinel to see the replica', async () => {
      const replicas = (await sentinelClient.call('SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
      return replicas.some(
        (r) => r.includes(String(replica.port)) && r.includes('master-link-status') && r.includes('ok'),
      );
    });
    // Only the sentinel is given: REDIS_HOST/REDIS_PORT name a port nobody listens on.
    config = {
      ...env.config,
      redis: {
        ...env.config.redis,
        host: '127.0.0.1',
        port: await freePort(),
        sentinel: {
          nodes: [{ host: '127.0.0.1', port: sentinel.port }],
          name: 'mymaster',
          auth: { username: null, password: null },
        },
      },
    };
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'st_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    app = await createApiApp(config, { logger: false });
    await app.init();
    token = (
      await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'st_admin', password: 'admin-pass' })
    ).body.token;
    worker = await startWorkers(config, { processors: [resultsProcessor], logger: false, reconcile: false });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    sentinelClient?.disconnect();
    for (const s of [sentinel, replica, primary]) s?.stop();
    await env?.cleanup();
  });

  /** Queues an exam's results through the API (retrying a 503 while the API's connection follows a failover). */
  async function computeThroughApi(name: string): Promise<{ examId: number; done: Promise<Job> }> {
    const examId = (await env.ds.getRepository(Exam).save({ allianceId, name, grade: '七年级' })).id;
    const done = new Promise<Job>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the results of "${name}" were not computed`)), 20_000);
      worker.workers[0].on('completed', (job: Job) => {
        if (job.data.examId === examId) (clearTimeout(t), resolve(job));
      });
      worker.workers[0].on('failed', (job?: Job, err?: Error) => {
        if (job?.data.examId === examId) (clearTimeout(t), reject(err));
      });
    });
    let status = 0;
    for (let i = 0; i < 50 && status !== 202; i++) {
      if (i) await new Promise((r) => setTimeout(r, 200));
      status = (
        await request(app.getHttpServer())
          .post(`/api/exams/${examId}/results/compute`)
          .set('Authorization', `Bearer ${token}`)
      ).status;
    }
    expect(status).toBe(202);
    return { examId, done };
  }

  const primaryPort = async () =>
    Number(((await sentinelClient.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[])[1]);

  it('reaches the primary the sentinel names: a job queued by the API is done by a worker', async () => {
    const { examId, done } = await computeThroughApi('期中统考');
    expect((await done).name).toBe('compute-results');
    // The queue lives on the primary the sentinel named (and not on REDIS_HOST/REDIS_PORT, where nothing listens).
    const direct = new Redis({ host: '127.0.0.1', port: primary.port });
    try {
      expect(await direct.keys(`${config.redis.prefix}:results:*`)).not.toEqual([]);
    } finally {
      direct.disconnect();
    }
    expect(examId).toBeGreaterThan(0);
  }, 30_000);

  it('checks at start-up through the sentinel, and names the sentinels when none answers', async () => {
    // Reached: the primary keeps nothing on disk here, which the check says.
    expect(await checkRedis(config)).toMatch(/.+/);
    const nobody = {
      nodes: [{ host: '127.0.0.1', port: await freePort() }],
      name: 'mymaster',
      auth: { username: null, password: null },
    };
    await expect(checkRedis({ ...config, redis: { ...config.redis, sentinel: nobody } })).rejects.toThrow(
      /无法连接 Redis mymaster via sentinels 127\.0\.0\.1:\d+ \(REDIS_SENTINELS\/REDIS_SENTINEL_NAME\)/,
    );
  });

  it('goes on after the primary is failed over to its replica', async () => {
    expect(await primaryPort()).toBe(primary.port);
    await sentinelClient.call('SENTINEL', 'FAILOVER', 'mymaster');
    await until('the replica to be promoted', async () => (await primaryPort()) === replica.port);
    const promoted = new Redis({ host: '127.0.0.1', port: replica.port });
    try {
      await until(
        'the promoted replica to take writes',
        async () => ((await promoted.role()) as string[])[0] === 'master',
      );
    } finally {
      promoted.disconnect();
    }
    const { done } = await computeThroughApi('期末统考');
    expect((await done).name).toBe('compute-results');
  }, 45_000);
});
