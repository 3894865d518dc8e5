// While Redis is away the API answers 503 with Retry-After and a Chinese message naming the queue, at once,
// instead of a 500 or a request that hangs until Redis returns; requests that need only MySQL go on. This test
// starts its own Redis on another port and kills it.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('a server away', () => {
  let env: TestEnv;
  let app: INestApplication;
  let redis: OwnRedis;
  let token: string;
  let examId: number;

  beforeAll(async () => {
    env = await createTestEnv('away');
    redis = await startOwnRedis();
    const allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'aw_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    examId = (await env.ds.getRepository(Exam).save({ allianceId, name: '期中统考', grade: '七年级' })).id;
    app = await createApiApp({ ...env.config, redis: { ...env.config.redis, port: redis.port } }, { logger: false });
    await app.init();
    token = (
      await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'aw_admin', password: 'admin-pass' })
    ).body.token;
  });
  afterAll(async () => {
    await app.close();
    redis.stop();
    await env.cleanup();
  });

  const compute = () =>
    request(app.getHttpServer()).post(`/api/exams/${examId}/results/compute`).set('Authorization', `Bearer ${token}`);

  it('queues the results while Redis answers', async () => {
    expect((await compute()).status).toBe(202);
  });

  it('answers 503 naming the queue, with Retry-After, within seconds, once Redis is gone; MySQL-only reads go on', async () => {
    redis.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const res = await compute();
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/任务队列（Redis）暂时无法连接/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const exam = await request(app.getHttpServer()).get(`/api/exams/${examId}`).set('Authorization', `Bearer ${token}`);
    expect(exam.status).toBe(200);
  });
});
