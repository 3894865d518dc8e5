// The failed jobs API keeps to its alliance: the exam's admin sees a failed job with its reason in words and retries
// it; an admin of another alliance neither sees nor retries it (409, as if it were not there); a principal is refused.
import type { INestApplication } from '@nestjs/common';
import { Worker } from 'bullmq';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { redisConnection } from '../../src/queue/connection.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { buildResultsFixture, NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('failed jobs API', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    env = await createTestEnv('failed_jobs');
    env.config = { ...env.config, jobs: { ...env.config.jobs, attempts: 2, backoffMs: 20 } };
    fx = await buildResultsFixture(env.ds, 'fj');
    const other = await createAlliance(env.ds, '城北教联体', `CB${Date.now().toString(36)}`);
    await createUser(env.ds, 'adm_other', fx.password, [{ role: Role.Admin, allianceId: other.id }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const who of [fx.users.admin, fx.users.principalA, 'adm_other'])
      tokens[who] = (await http().post('/api/auth/login').send({ username: who, password: fx.password })).body.token;
  });
  afterAll(async () => {
    if (app) for (const q of Object.values(QUEUES)) await app.get(JobProducer).queue(q).obliterate({ force: true });
    await app?.close();
    await env.cleanup();
  });

  it('lists a failed job to its alliance admin only, who alone may retry it', async () => {
    const job = await app.get(JobProducer).renderReport(fx.examId, fx.schools.lead);
    const worker = new Worker(
      QUEUES.reports,
      async () => {
        throw new Error("ENOSPC: no space left on device, write '/data/reports/x.pdf'");
      },
      { connection: redisConnection(env.config), prefix: env.config.redis.prefix },
    );
    for (let i = 0; i < 100 && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 100));
    await worker.close();

    const mine = await http().get('/api/jobs/failed').set(as(fx.users.admin));
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([
      expect.objectContaining({
        queue: QUEUES.reports,
        id: job.id,
        kindName: '生成学校诊断报告',
        examName: '2025学年第一学期期中统考',
        schoolName: NAMES.lead,
        error: '磁盘空间不足，无法写入文件',
        attempts: 2,
      }),
    ]);
    expect((await http().get('/api/jobs/failed').set(as('adm_other'))).body).toEqual([]);
    expect((await http().get('/api/jobs/failed').set(as(fx.users.principalA))).status).toBe(403);

    const body = { queue: QUEUES.reports, id: job.id };
    const stranger = await http().post('/api/jobs/failed/retry').set(as('adm_other')).send(body);
    expect(stranger.status).toBe(409);
    expect(stranger.body.message).toBe('该任务已不在失败列表中（可能已重试或已完成）');
    expect((await http().post('/api/jobs/failed/retry').set(as(fx.users.principalA)).send(body)).status).toBe(403);
    const bad = await http().post('/api/jobs/failed/retry').set(as(fx.users.admin)).send({ queue: 'x', id: 1 });
    expect(bad.status).toBe(400);

    const retried = await http().post('/api/jobs/failed/retry').set(as(fx.users.admin)).send(body);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ queue: QUEUES.reports, id: job.id, retried: true });
    expect(await (await app.get(JobProducer).queue(QUEUES.reports).getJob(job.id!))!.isFailed()).toBe(false);
    expect((await http().get('/api/jobs/failed').set(as(fx.users.admin))).body).toEqual([]);
    expect((await http().post('/api/jobs/failed/retry').set(as(fx.users.admin)).send(body)).status).toBe(409);
  });
});
