// A report's state follows its job: 'queued' only once its render job is on the queue, the score version of the
// results its PDF was drawn from kept, an earlier PDF said to be one (正在重新生成 / 旧版), and a render whose enqueue
// failed with Redis away found again by the reconciliation, also when no row
// was ever written (the results' first enqueue of renders failed). This test starts its own Redis and kills it.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { JOBS, QUEUES } from '../../src/queue/jobs.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ReportRepository } from '../../src/reports/report.repository.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { reconcile } from '../../workers/reconcile.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('report state follows its job', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let redis: OwnRedis;
  let idle: WorkerHost;
  let api: INestApplication;
  let token: string;

  beforeAll(async () => {
    env = await createTestEnv('report_state');
    fx = await buildResultsFixture(env.ds, 'rs');
    redis = await startOwnRedis();
    const config = { ...env.config, redis: { ...env.config.redis, port: redis.port } };
    // A worker context that runs no job: the render jobs queued stay visible on the queue.
    idle = await startWorkers(config, { processors: [], logger: false, reconcile: false });
    api = await createApiApp(config, { logger: false });
    await api.init();
    token = (
      await request(api.getHttpServer())
        .post('/api/auth/login')
        .send({ username: fx.users.admin, password: fx.password })
    ).body.token;
  });
  afterAll(async () => {
    await api?.close();
    await idle?.close();
    redis?.stop();
    await env.cleanup();
  });

  const row = async (schoolId: number) =>
    (
      await env.ds.query(
        'SELECT status, score_version AS scoreVersion FROM report WHERE exam_id = ? AND school_id = ?',
        [fx.examId, schoolId],
      )
    )[0] as { status: string; scoreVersion: number | null } | undefined;
  const computed = async () => (await idle.app.get(ExamAnalysisRepository).computedVersion(fx.examId))!.version;
  const bumpScores = () =>
    env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, NOW(6)) ON DUPLICATE KEY UPDATE version = version + 1, changed_at = NOW(6)',
      [fx.examId],
    );
  const renderJobs = async (schoolId: number) =>
    (await idle.app.get(JobProducer).queue(QUEUES.reports).getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.name === JOBS.renderReport && j.data.examId === fx.examId && j.data.schoolId === schoolId,
    ).length;
  const list = async () =>
    (await request(api.getHttpServer()).get(`/api/exams/${fx.examId}/reports`).set('Authorization', `Bearer ${token}`))
      .body as { schoolId: number; status: string; url: string | null; outdated: boolean; scoreVersion: number }[];

  it('queues, records the version rendered, and never says queued for a render the queue did not take', async () => {
    await bumpScores();
    await idle.app.get(ResultsJobService).computeExam(fx.examId);
    const v1 = await computed();
    expect(await row(fx.schools.lead)).toEqual({ status: 'queued', scoreVersion: null });
    expect(await renderJobs(fx.schools.lead)).toBe(1);

    await idle.app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    expect(await row(fx.schools.lead)).toEqual({ status: 'ready', scoreVersion: v1 });
    // A worker faster than the results job's own bookkeeping: the report it rendered from these results stays ready.
    await idle.app.get(ReportRepository).markQueued(fx.examId, [fx.schools.lead], v1);
    expect((await row(fx.schools.lead))!.status).toBe('ready');

    // Scores change; the results are computed again while Redis is away: the enqueue of the renders fails.
    await bumpScores();
    redis.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await expect(idle.app.get(ResultsJobService).computeExam(fx.examId)).rejects.toThrow();
    const v2 = await computed();
    expect(v2).toBeGreaterThan(v1);
    // Not 'queued' (no job took it): still the PDF of the earlier results, known as such by its version.
    expect(await row(fx.schools.lead)).toEqual({ status: 'ready', scoreVersion: v1 });

    await redis.restart();
    const queue = idle.app.get(JobProducer).queue(QUEUES.reports);
    for (let i = 0; i < 100 && !(await queue.getJobCounts().catch(() => null)); i++)
      await new Promise((r) => setTimeout(r, 200));
    // The list says the PDF is the earlier version; its download is named so.
    const lead = (await list()).find((r) => r.schoolId === fx.schools.lead)!;
    expect(lead).toMatchObject({ status: 'ready', outdated: true, scoreVersion: v1 });
    expect(lead.url).not.toBeNull();
    const pdf = await request(api.getHttpServer()).get(lead.url!).set('Authorization', `Bearer ${token}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-disposition']).toMatch(/-earlier\.pdf"/);
    expect(decodeURIComponent(pdf.headers['content-disposition'])).toMatch(/（旧版）\.pdf$/);

    // The reconciliation finds the render owed (Redis kept nothing) and queues it; rendered, the PDF is current.
    expect(await renderJobs(fx.schools.lead)).toBe(0);
    expect((await reconcile(idle.app, 0)).reports).toBeGreaterThanOrEqual(1);
    expect(await renderJobs(fx.schools.lead)).toBe(1);
    await idle.app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    expect(await row(fx.schools.lead)).toEqual({ status: 'ready', scoreVersion: v2 });
    expect((await list()).find((r) => r.schoolId === fx.schools.lead)).toMatchObject({ outdated: false });
    const current = await request(api.getHttpServer()).get(lead.url!).set('Authorization', `Bearer ${token}`);
    expect(current.headers['content-disposition']).not.toMatch(/earlier/);
  });

  it('says a queued report that keeps its earlier PDF is an earlier version', async () => {
    await bumpScores();
    await idle.app.get(ResultsJobService).computeExam(fx.examId);
    const lead = (await list()).find((r) => r.schoolId === fx.schools.lead)!;
    expect(lead).toMatchObject({ status: 'queued', outdated: true });
    expect(lead.url).not.toBeNull();
  });

  it('finds reports that never got a row (the first enqueue of their renders failed) and queues them once', async () => {
    const fx2 = await buildResultsFixture(env.ds, 'rs2');
    await env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, NOW(6)) ON DUPLICATE KEY UPDATE version = version + 1',
      [fx2.examId],
    );
    redis.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await expect(idle.app.get(ResultsJobService).computeExam(fx2.examId)).rejects.toThrow();
    const rows = () =>
      env.ds.query('SELECT school_id AS schoolId, status FROM report WHERE exam_id = ? ORDER BY school_id', [
        fx2.examId,
      ]) as Promise<{ schoolId: number; status: string }[]>;
    expect(await rows()).toEqual([]); // results stored, no report row: nothing said 'queued' and nothing to find it by

    await redis.restart();
    const queue = idle.app.get(JobProducer).queue(QUEUES.reports);
    for (let i = 0; i < 100 && !(await queue.getJobCounts().catch(() => null)); i++)
      await new Promise((r) => setTimeout(r, 200));
    const jobsOf = async () =>
      (await queue.getJobs(['waiting', 'delayed', 'prioritized']))
        .filter((j) => j.name === JOBS.renderReport && j.data.examId === fx2.examId)
        .map((j) => j.data.schoolId as number)
        .sort((a, b) => a - b);
    const alliance = [fx2.schools.lead, fx2.schools.member].sort((a, b) => a - b);
    await reconcile(idle.app, 0);
    expect(await jobsOf()).toEqual(alliance); // the comparison school gets none
    expect(await rows()).toEqual(alliance.map((schoolId) => ({ schoolId, status: 'queued' })));
    // A second pass queues nothing twice: the renders are pending.
    await reconcile(idle.app, 0);
    expect(await jobsOf()).toEqual(alliance);
  });
});
