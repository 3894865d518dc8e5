// Redis Cluster, wired in: a cluster of three primaries of the test's own (with a password), the API and a worker
// given one of its nodes and a hash-tagged prefix (REDIS_HOST/REDIS_PORT point at nothing). A job queued through the
// API is done by the worker; the login throttle, the notice throttle, /ready and the queue
// view work through the cluster; every key of the installation is in the one slot of the prefix's hash tag; the
// start-up check refuses a wrong or missing password without printing it; closing leaves no connection open.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { checkRedis } from '../../src/common/startup-checks.js';
import { Role } from '../../src/common/role.js';
import type { AppConfig } from '../../src/config/config.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { JobGenerationRepository } from '../../src/queue/job-generation.repository.js';
import { QueueObserver } from '../../src/queue/queue-observer.js';
import { NoticeThrottle } from '../../src/reports/notice-throttle.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { freePort, hasRedisServer, startOwnCluster, type OwnCluster } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const present = hasRedisServer();
if (!present && process.env.CI === 'true') throw new Error('redis-server is missing under CI (apt-get install redis)');
if (!present) console.warn('redis-cluster e2e skipped: redis-server not found (apt-get install redis)');

const PASSWORD = `cluster-${process.pid}-pw`;

(present ? describe : describe.skip)('Redis Cluster', () => {
  let env: TestEnv;
  let cluster: OwnCluster;
  let config: AppConfig;
  let app: INestApplication | undefined;
  let worker: WorkerHost | undefined;
  let allianceId: number;
  /** One direct connection per node (not a cluster client): what each node holds, seen from outside the app. */
  let direct: Redis[] = [];

  beforeAll(async () => {
    env = await createTestEnv('cluster');
    cluster = await startOwnCluster(3, { password: PASSWORD });
    direct = cluster.ports.map((port) => new Redis({ host: '127.0.0.1', port, password: PASSWORD }));
    config = {
      ...env.config,
      redis: {
        ...env.config.redis,
        host: '127.0.0.1',
        port: await freePort(), // nobody listens: only the cluster is used
        prefix: `{${env.config.redis.prefix}}`,
        // One node is enough: the client learns the others and the slots from it.
        cluster: { nodes: [{ host: '127.0.0.1', port: cluster.ports[0] }] },
        auth: { username: null, password: PASSWORD },
      },
    };
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'cl_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    app = await createApiApp(config, { logger: false });
    await app.init();
    worker = await startWorkers(config, { processors: [resultsProcessor], logger: false, reconcile: false });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    for (const d of direct) d.disconnect();
    cluster?.stop();
    await env?.cleanup();
  });

  const login = (password: string) =>
    request(app!.getHttpServer())
      .post('/api/auth/login')
      .set('X-Forwarded-For', '10.9.9.9')
      .send({ username: 'cl_admin', password });

  /** A key's value, read from the node that holds it (the others answer MOVED). */
  const onItsNode = async (key: string) => {
    for (const d of direct) {
      const v = await d.get(key).catch(() => undefined);
      if (v !== undefined) return v;
    }
    throw new Error(`no node holds ${key}`);
  };

  /** Every key of the installation, per node. */
  const keysPerNode = () => Promise.all(direct.map((d) => d.keys(`${config.redis.prefix}:*`)));

  it('starts through one node with the password: a job queued by the API is done by a worker', async () => {
    const token = (await login('admin-pass')).body.token as string;
    expect(token).toEqual(expect.any(String));
    const examId = (await env.ds.getRepository(Exam).save({ allianceId, name: '期中统考', grade: '七年级' })).id;
    const done = new Promise<Job>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the results were not computed')), 20_000);
      worker!.workers[0].on('completed', (job: Job) => {
        if (job.data.examId === examId) (clearTimeout(t), resolve(job));
      });
      worker!.workers[0].on('failed', (job?: Job, err?: Error) => {
        if (job?.data.examId === examId) (clearTimeout(t), reject(err));
      });
    });
    const res = await request(app!.getHttpServer())
      .post(`/api/exams/${examId}/results/compute`)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(202);
    const job = await done;
    expect(job.name).toBe('compute-results');
    // The generation the API took (in MySQL since issue 18, not a Redis counter) is the job's.
    expect(await app!.get(JobGenerationRepository).current('results', String(examId))).toBe(job.data.generation);
    const counts = await app!.get(QueueObserver).counts();
    expect(counts.find((c) => c.queue === 'results')?.counts.completed).toBeGreaterThanOrEqual(1);
    expect((await request(app!.getHttpServer()).get('/ready')).status).toBe(200);
  }, 30_000);

  it('throttles logins through the cluster (the multi-key MULTI of one slot)', async () => {
    for (let i = 0; i < 5; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    const slowed = await login('admin-pass');
    expect(slowed.status).toBe(429);
    expect(slowed.body.message).toMatch(/秒/);
  });

  it('throttles notice codes through the cluster (the address and the code read in one MULTI)', async () => {
    const throttle = app!.get(NoticeThrottle);
    for (let i = 0; i < 11; i++) await throttle.recordFailure('10.8.8.8');
    await throttle.recordOpen('code-hash-x');
    await expect(throttle.check('10.8.8.8', 'code-hash-x')).rejects.toMatchObject({ status: 429 });
    await expect(throttle.check('10.8.8.9', 'code-hash-x')).resolves.toBeUndefined();
  });

  it("keeps every key of the installation in the prefix's one slot, on one node", async () => {
    const perNode = await keysPerNode();
    const all = perNode.flat();
    const p = config.redis.prefix;
    for (const part of [':results:', ':login-fail:', ':notice:'])
      expect({ part, found: all.some((k) => k.startsWith(`${p}${part}`)) }).toEqual({ part, found: true });
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    const slot = Number(await direct[0].call('CLUSTER', 'KEYSLOT', p));
    const slots = new Set(
      await Promise.all(all.map(async (k) => Number(await direct[0].call('CLUSTER', 'KEYSLOT', k)))),
    );
    expect([...slots]).toEqual([slot]);
  });

  it('checks at start-up through the cluster, and refuses a wrong or missing password without printing it', async () => {
    expect(await checkRedis(config)).toMatch(/既没有开启 AOF/); // reached: the nodes keep nothing on disk
    const wrong = { ...config, redis: { ...config.redis, auth: { username: null, password: 'not-the-password' } } };
    const err = await checkRedis(wrong).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^Redis cluster 127\.0\.0\.1:\d+ 拒绝登录.*REDIS_PASSWORD/);
    expect(err?.message).not.toContain('not-the-password');
    const none = { ...config, redis: { ...config.redis, auth: { username: null, password: null } } };
    await expect(checkRedis(none)).rejects.toThrow(/拒绝登录.*NOAUTH/);
  });

  it('stops the built worker process with a clear message when the prefix is not a hash tag', () => {
    if (!existsSync(resolve('dist/workers/main.js'))) {
      if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds it first');
      console.warn('redis-cluster: dist/workers/main.js is missing (npm run build); the process check is skipped');
      return;
    }
    const r = spawnSync(process.execPath, ['dist/workers/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        REDIS_CLUSTER_NODES: `127.0.0.1:${cluster.ports[0]}`,
        REDIS_PASSWORD: PASSWORD,
        QUEUE_PREFIX: 'tongkao',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/QUEUE_PREFIX 必须是哈希标签，如 \{tongkao\}.*QUEUE_PREFIX must be a hash tag/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
  }, 90_000);

  it('leaves no connection open on any node once the API and the worker are closed', async () => {
    await worker!.close();
    worker = undefined;
    await app!.close();
    app = undefined;
    const others = async () =>
      (
        await Promise.all(
          direct.map(
            async (d) =>
              String(await d.call('CLIENT', 'LIST'))
                .trim()
                .split('\n').length - 1,
          ),
        )
      ).reduce((a, b) => a + b, 0);
    for (let i = 0; i < 40 && (await others()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await others()).toBe(0);
  }, 20_000);
});
