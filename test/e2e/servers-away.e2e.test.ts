// While Redis is away the API answers 503 with Retry-After and a Chinese message naming the queue, at once,
// instead of a 500 or a request that hangs until Redis returns; requests that need only MySQL go on. This test
// starts its own Redis on another port and kills it.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Pipeline } from '../../src/queue/pipeline.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { jobIds, QUEUES } from '../../src/queue/jobs.js';
import { reconcile } from '../../workers/reconcile.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STALE_UPLOAD_MS, sweepStaleUploads } from '../../src/scans/scan-upload.interceptor.js';
import { seedScanExam } from '../integration/scans-fixtures.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';

describe('a server away', () => {
  let env: TestEnv;
  let app: INestApplication;
  let redis: OwnRedis;
  let token: string;
  let examId: number;
  /** The scanner's login and the pages of the batch stored while Redis was away. */
  let scanToken: string;
  let batchPages: { id: number; examId: number; contentHash: string }[] = [];

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

  it('stores an upload whole while the queue is away and says its pages will be queued; a temp file of a cut-off upload is swept', async () => {
    const fx = await seedScanExam(env.ds, { studentsA: 1 });
    await createUser(env.ds, 'aw_scanner', 'scan-pass', [
      { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA },
    ]);
    scanToken = (
      await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'aw_scanner', password: 'scan-pass' })
    ).body.token;
    const gen = await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: fx.studentsA[0].examNo }], {
      seed: 11,
      dpi: 150,
    });
    const stale = join(env.config.dataDir, 'tmp', 'upload-cut-off');
    writeFileSync(stale, 'half an upload');
    utimesSync(stale, new Date(Date.now() - 2 * STALE_UPLOAD_MS), new Date(Date.now() - 2 * STALE_UPLOAD_MS));
    expect(await sweepStaleUploads(join(env.config.dataDir, 'tmp'), STALE_UPLOAD_MS)).toBe(1);
    expect(existsSync(stale)).toBe(false);

    redis.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    let upload = request(app.getHttpServer())
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set('Authorization', `Bearer ${scanToken}`)
      .field('schoolId', String(fx.schoolA));
    for (const f of gen.files) upload = upload.attach('files', f.data, f.name);
    const res = await upload;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: gen.files.length, queueDelayed: true });
    const rows = await env.ds.query('SELECT status FROM scanned_page WHERE batch_id = ?', [res.body.batchId]);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(gen.files.map(() => 'queued'));
    batchPages = await env.ds.query(
      'SELECT id, exam_id AS examId, content_hash AS contentHash FROM scanned_page WHERE batch_id = ?',
      [res.body.batchId],
    );
  });

  it('answers a page fix committed while the queue is away with success, saying the reading is delayed; the reconciliation queues it once Redis is back', async () => {
    const fix = (pageId: number, what: string) =>
      request(app.getHttpServer())
        .post(`/api/scans/pages/${pageId}/${what}`)
        .set('Authorization', `Bearer ${scanToken}`);
    const [page] = batchPages;
    expect(page).toBeDefined();
    expect((await fix(page.id, 'discard')).status).toBe(200);
    const restored = await fix(page.id, 'restore');
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ pageId: page.id, changed: true, status: 'queued', queueDelayed: true });
    const reingested = await fix(page.id, 'reingest');
    expect(reingested.status).toBe(200);
    expect(reingested.body).toMatchObject({ changed: true, status: 'queued', queueDelayed: true });
    // What is owed is in MySQL: the page waits 'queued', and the reconciliation finds it once Redis answers again.
    const [row] = await env.ds.query('SELECT status FROM scanned_page WHERE id = ?', [page.id]);
    expect(row.status).toBe('queued');
    await redis.restart();
    const queue = app.get(JobProducer).queue(QUEUES.ingest);
    // The API's connections come back by themselves, after their reconnect delay.
    for (let i = 0; i < 100 && !(await queue.getJobCounts().catch(() => null)); i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(await queue.getJob(jobIds.ingestPage(page.examId, page.contentHash))).toBeUndefined();
    expect((await reconcile(app, 0)).pages).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(jobIds.ingestPage(page.examId, page.contentHash))).toBeDefined();
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
    // The load balancer's probe: not ready, the queue named in the API's words; the database still up.
    const ready = await request(app.getHttpServer()).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.queue).toMatchObject({ status: 'down', message: res.body.message });
    expect(ready.body.details.database.status).toBe('up');
    // After a write the client was told is stored (the mark that settles the exam's last answer), the results
    // trigger does not turn a queue outage into an error for that write.
    await expect(app.get(Pipeline).scoresChangedAfterCommit(examId)).resolves.toBe(false);
    await expect(app.get(Pipeline).scoresChanged(examId)).rejects.toThrow();
  });
});
