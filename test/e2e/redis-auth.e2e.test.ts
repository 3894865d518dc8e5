// Redis with a password (REDIS_PASSWORD) and an ACL user (REDIS_USERNAME), on a redis-server of the test's own
// started with --requirepass and a `user` line: the API (default user) and a worker (the ACL user) work, the login
// throttle included; a wrong or missing password stops the start with a message that names REDIS_PASSWORD and never
// prints the password, in the built worker process too. Sentinel: the sentinels' own password and the primary's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Job } from 'bullmq';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { checkRedis } from '../../src/common/startup-checks.js';
import { Role } from '../../src/common/role.js';
import type { AppConfig, RedisAuth } from '../../src/config/config.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { hasRedisServer, startOwnRedis, startOwnSentinel, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const present = hasRedisServer();
if (!present && process.env.CI === 'true') throw new Error('redis-server is missing under CI (apt-get install redis)');
if (!present) console.warn('redis-auth e2e skipped: redis-server not found (apt-get install redis)');

const ROOT_PASSWORD = `root-${process.pid}-Pw`;
const USER_PASSWORD = `user-${process.pid}-Pw`;
const SENTINEL_PASSWORD = `sentinel-${process.pid}-Pw`;

(present ? describe : describe.skip)('Redis with a password', () => {
  let env: TestEnv;
  let redis: OwnRedis;
  let app: INestApplication;
  let worker: WorkerHost;
  let allianceId: number;

  const on = (auth: RedisAuth): AppConfig => ({
    ...env.config,
    redis: { ...env.config.redis, host: '127.0.0.1', port: redis.port, auth },
  });
  const rootConfig = () => on({ username: null, password: ROOT_PASSWORD });
  const userConfig = () => on({ username: 'tongkao', password: USER_PASSWORD });

  beforeAll(async () => {
    env = await createTestEnv('redis_auth');
    redis = await startOwnRedis([
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      ROOT_PASSWORD,
      // An ACL user of its own, as a county's IT staff would give the application.
      '--user',
      'tongkao',
      'on',
      `>${USER_PASSWORD}`,
      '~*',
      '&*',
      '+@all',
    ]);
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'ra_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    app = await createApiApp(rootConfig(), { logger: false });
    await app.init();
    worker = await startWorkers(userConfig(), { processors: [resultsProcessor], logger: false, reconcile: false });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    redis?.stop();
    await env?.cleanup();
  });

  const login = (password: string) =>
    request(app.getHttpServer()).post('/api/auth/login').send({ username: 'ra_admin', password });

  it('with the password the API queues a job that a worker logged in as the ACL user does', async () => {
    const token = (await login('admin-pass')).body.token as string;
    const examId = (await env.ds.getRepository(Exam).save({ allianceId, name: '期中统考', grade: '七年级' })).id;
    const done = new Promise<Job>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the results were not computed')), 20_000);
      worker.workers[0].on('completed', (job: Job) => {
        if (job.data.examId === examId) (clearTimeout(t), resolve(job));
      });
      worker.workers[0].on('failed', (job?: Job, err?: Error) => {
        if (job?.data.examId === examId) (clearTimeout(t), reject(err));
      });
    });
    const res = await request(app.getHttpServer())
      .post(`/api/exams/${examId}/results/compute`)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(202);
    expect((await done).name).toBe('compute-results');
    expect((await request(app.getHttpServer()).get('/ready')).status).toBe(200);
  }, 30_000);

  it('counts failed logins on the password-protected server (the throttle is logged in too)', async () => {
    for (let i = 0; i < 5; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    expect((await login('admin-pass')).status).toBe(429);
  });

  it.each([
    ['a wrong password', { username: null, password: 'not-the-Password' }, /WRONGPASS/],
    ["a wrong ACL user's password", { username: 'tongkao', password: 'not-the-Password' }, /WRONGPASS/],
    ['an unknown ACL user', { username: 'nobody', password: USER_PASSWORD }, /WRONGPASS/],
    ['no password', { username: null, password: null }, /NOAUTH/],
  ])('refuses %s at start-up, naming REDIS_PASSWORD, never printing it', async (_why, auth, reply) => {
    const err = await checkRedis(on(auth as RedisAuth)).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^Redis 127\.0\.0\.1:\d+ 拒绝登录.*REDIS_PASSWORD\/REDIS_USERNAME/);
    expect(err?.message).toMatch(reply);
    for (const secret of ['not-the-Password', USER_PASSWORD, ROOT_PASSWORD]) expect(err?.message).not.toContain(secret);
  });

  it('accepts the right password and the ACL user at start-up', async () => {
    expect(await checkRedis(rootConfig())).toMatch(/既没有开启 AOF/); // reached: this server keeps nothing on disk
    // CONFIG is the default user's; the ACL user here may run it too (+@all), so the same answer comes back.
    expect(await checkRedis(userConfig())).toMatch(/既没有开启 AOF/);
  });

  it('stops the built worker process with that message and exit code 1, the password nowhere in its output', () => {
    if (!existsSync(resolve('dist/workers/main.js'))) {
      if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds it first');
      console.warn('redis-auth: dist/workers/main.js is missing (npm run build); the process check is skipped');
      return;
    }
    const r = spawnSync(process.execPath, ['dist/workers/main.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DB_NAME: env.config.db.name,
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        REDIS_PASSWORD: 'not-the-Password',
        QUEUE_PREFIX: env.config.redis.prefix,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/拒绝登录.*REDIS_PASSWORD.*WRONGPASS/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('not-the-Password');
  }, 90_000);

  it('reaches a password-protected primary through a sentinel that asks for a password of its own', async () => {
    const sentinel = await startOwnSentinel(redis.port, 'authmaster', {
      primary: ROOT_PASSWORD,
      sentinel: SENTINEL_PASSWORD,
    });
    try {
      const through = (sentinelPassword: string | null): AppConfig => ({
        ...rootConfig(),
        redis: {
          ...rootConfig().redis,
          sentinel: {
            nodes: [{ host: '127.0.0.1', port: sentinel.port }],
            name: 'authmaster',
            auth: { username: null, password: sentinelPassword },
          },
        },
      });
      expect(await checkRedis(through(SENTINEL_PASSWORD))).toMatch(/既没有开启 AOF/);
      const refused = await checkRedis(through('not-the-Password')).then(
        () => null,
        (e: Error) => e,
      );
      expect(refused?.message).toMatch(/authmaster via sentinels/);
      expect(refused?.message).not.toContain('not-the-Password');
    } finally {
      sentinel.stop();
    }
  }, 20_000);
});
