// What the county's IT staff see: /health and /ready on the pages' port for a load balancer (the blob store made
// unwritable turns /ready to 503 with a Chinese message and back), Prometheus metrics and the queue view on the
// operators' port only (with its token), request ids in answers, and the OpenAPI document holding every Nest route.
// MySQL and Redis down for /ready are in database-away and servers-away, which kill their own servers.
import type { INestApplication } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { ExamKind } from '../../src/exams/domain/exam-disclosure.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { PROBLEM_REASONS } from '../../src/marking/dto/marking.dto.js';
import { API_SUMMARIES } from '../../src/ops/domain/api-summaries.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers } from '../../workers/worker-host.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Pipeline } from '../../src/queue/pipeline.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { seedScanExam, storeBatch } from '../integration/scans-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { seedMarkingExam } from './marking-fixtures.js';
import { freePort } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const OPS_TOKEN = 'ops-token-for-the-test-0123';

describe('operations: health, readiness, metrics, queue view, API docs', () => {
  let env: TestEnv;
  let app: INestApplication;
  let opsPort: number;
  let ops: string;
  let allianceId: number;

  beforeAll(async () => {
    env = await createTestEnv('ops');
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'ops_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    opsPort = await freePort();
    ops = `http://127.0.0.1:${opsPort}`;
    app = await createApiApp(
      { ...env.config, ops: { ...env.config.ops, port: opsPort, token: OPS_TOKEN } },
      { logger: false },
    );
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const api = () => request(app.getHttpServer());
  const opsGet = (path: string, token: string | null = OPS_TOKEN) =>
    fetch(`${ops}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('says alive on /health and ready on /ready while MySQL, Redis and the blob store answer', async () => {
    expect((await api().get('/health')).body).toEqual({ status: 'ok' });
    const ready = await api().get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({
      database: { status: 'up' },
      queue: { status: 'up' },
      blobs: { status: 'up' },
    });
  });

  it('answers 503 on /ready, naming the blob store in Chinese, while its folder is gone, and 200 when it is back', async () => {
    const aside = `${env.config.dataDir}-aside`;
    renameSync(env.config.dataDir, aside);
    try {
      const down = await api().get('/ready');
      expect(down.status).toBe(503);
      expect(down.body.details.blobs.status).toBe('down');
      expect(down.body.details.blobs.message).toMatch(/文件存储.*暂时无法读写/);
      expect(down.body.details.database.status).toBe('up');
      expect((await api().get('/health')).status).toBe(200); // alive all the same: no restart for a storage outage
    } finally {
      renameSync(aside, env.config.dataDir);
    }
    expect((await api().get('/ready')).status).toBe(200);
  });

  it('gives every answer a request id, keeping a well-formed one that came with the request', async () => {
    const fresh = await api().get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await api().get('/health').set('X-Request-Id', 'lb-req-12345678');
    expect(kept.headers['x-request-id']).toBe('lb-req-12345678');
    const bad = await api().get('/health').set('X-Request-Id', 'no spaces <allowed>');
    expect(bad.headers['x-request-id']).not.toBe('no spaces <allowed>');
  });

  it('exposes request latency by route pattern and queue depth on the operators port, with its token only', async () => {
    await api().post('/api/auth/login').send({ username: 'ops_admin', password: 'admin-pass' }).expect(200);
    await api().get('/api/exams/123456').expect(401);
    expect((await opsGet('/metrics', null)).status).toBe(401);
    expect((await opsGet('/metrics', 'wrong-token-wrong-token')).status).toBe(401);
    const res = await opsGet('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /tongkao_http_request_duration_seconds_count\{[^}]*method="POST",route="\/api\/auth\/login",status="200"[^}]*\} 1/,
    );
    expect(text).toMatch(/tongkao_http_request_duration_seconds_count\{[^}]*route="\/api\/exams\/:id",status="401"/);
    expect(text).not.toMatch(/route="\/api\/exams\/123456"/); // patterns, not URLs
    expect(text).toMatch(/tongkao_queue_jobs\{[^}]*queue="scan-ingest",state="waiting"[^}]*\} 0/);
    expect(text).toMatch(/process_role="api"/);
    expect(text).toMatch(/tongkao_process_cpu_seconds_total/);
  });

  it('serves the queue view on the operators port and neither of them on the pages port', async () => {
    const board = await opsGet('/queues');
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);
    const api1 = await opsGet('/queues/api/queues');
    expect(api1.status).toBe(200);
    const names = ((await api1.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toContain('scan-ingest');
    expect(names).toContain('results');
    for (const path of ['/metrics', '/queues']) expect((await api().get(path)).status).toBe(404);
  });

  it("times a worker's jobs by queue, job and outcome on the worker's own operators port", async () => {
    const port = await freePort();
    const worker = await startWorkers(
      { ...env.config, ops: { ...env.config.ops, workerPort: port, token: OPS_TOKEN } },
      { logger: false, processors: [resultsProcessor], reconcile: false },
    );
    try {
      expect(worker.opsPort).toBe(port);
      const exam = await env.ds.getRepository(Exam).save({ allianceId, name: '期中统考', grade: '七年级' });
      const login = await api().post('/api/auth/login').send({ username: 'ops_admin', password: 'admin-pass' });
      await api()
        .post(`/api/exams/${exam.id}/results/compute`)
        .set('Authorization', `Bearer ${login.body.token}`)
        .expect(202);
      const series =
        /tongkao_job_duration_seconds_count\{[^}]*queue="results",job="compute-results",outcome="\w+"[^}]*\} 1/;
      let text = '';
      for (let i = 0; i < 100 && !series.test(text); i++) {
        await new Promise((r) => setTimeout(r, 200));
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { authorization: `Bearer ${OPS_TOKEN}` },
        });
        text = await res.text();
      }
      expect(text).toMatch(series);
      expect(text).toMatch(/process_role="worker"/);
    } finally {
      await worker.close();
    }
  });

  it('counts a mark on the API when a marker submits one, and not when the submit is refused', async () => {
    const schoolId = (await createSchool(env.ds, allianceId, '指标中学', 'OPSM')).id;
    const marker = await createUser(env.ds, 'ops_marker', 'marker-pass', [
      { role: Role.Marker, allianceId, subject: '数学' },
    ]);
    const seeded = await seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId,
      schoolIds: [schoolId],
      uploaderId: marker.id,
      studentsPerSchool: 2,
      items: [{ label: '17', mode: MarkingMode.Single, maxScore: 10, step: 1 }],
      markerIds: [marker.id],
    });
    const token = (await api().post('/api/auth/login').send({ username: 'ops_marker', password: 'marker-pass' })).body
      .token as string;
    const marks = async () =>
      counterValue(await (await opsGet('/metrics')).text(), 'tongkao_marks_total', 'kind="mark"');
    const before = await marks();
    const task = await api()
      .post('/api/marking/next')
      .set('Authorization', `Bearer ${token}`)
      .send({ examId: seeded.exam.id })
      .expect(200);
    const submit = (body: object) =>
      api().post(`/api/marking/tasks/${task.body.taskId}/submit`).set('Authorization', `Bearer ${token}`).send(body);
    await submit({ score: 99, clientId: 'ops-metrics-0001' }).expect(400); // over full marks: refused, not counted
    expect(await marks()).toBe(before);
    await submit({ score: 7, clientId: 'ops-metrics-0002' }).expect(200);
    expect(await marks()).toBe(before + 1);
  });

  it("counts the pages a worker read and times its report jobs, on the worker's operators port", async () => {
    const port = await freePort();
    const workerConfig = { ...env.config, ops: { ...env.config.ops, workerPort: port, token: OPS_TOKEN } };
    const worker = await startWorkers(workerConfig, {
      logger: false,
      processors: [scanIngestProcessor, pageCopyProcessor, reportProcessor],
      reconcile: false,
    });
    const scrape = async () =>
      (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).text();
    try {
      const pagesBefore = counterValue(await scrape(), 'tongkao_pages_ingested_total');
      const fx = await seedScanExam(env.ds, { studentsA: 3, studentsB: 0 });
      const gen = await generateSyntheticScans(
        fx.layout,
        fx.synthetic,
        fx.studentsA.map((s) => ({ examNo: s.examNo })),
        { seed: 11, dpi: 150 },
      );
      const uploader = await createUser(env.ds, 'ops_scanner', 'scan-pass', []);
      const pages = await storeBatch(
        env.ds,
        new LocalBlobStore(env.config.dataDir),
        { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploader.id },
        gen.files,
      );
      await worker.app.get(Pipeline).pagesStored(pages);
      let text = '';
      for (let i = 0; i < 240; i++) {
        text = await scrape();
        if (counterValue(text, 'tongkao_pages_ingested_total') >= pagesBefore + pages.length) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(counterValue(text, 'tongkao_pages_ingested_total')).toBe(pagesBefore + pages.length);
      expect(counterValue(text, 'tongkao_pages_ingested_total', 'outcome="processed"')).toBe(pages.length);

      // A school report's job is timed under its queue, job and outcome (the job completes at once here, recording on
      // the report that the exam has no results yet).
      const reportJobs = () =>
        counterValue(text, 'tongkao_job_duration_seconds_count', 'queue="reports",job="render-report"');
      expect(reportJobs()).toBe(0);
      await worker.app.get(JobProducer).renderReport(fx.exam.id, fx.schoolA);
      for (let i = 0; i < 120 && reportJobs() === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        text = await scrape();
      }
      expect(reportJobs()).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(
        /tongkao_job_duration_seconds_sum\{[^}]*queue="reports",job="render-report",outcome="completed"/,
      );
    } finally {
      await worker.close();
    }
  });

  it('documents every Nest route in the OpenAPI document, under Chinese headings', async () => {
    const doc = (await api().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths))
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    const routes = nestRoutes(app).filter((r) => / \/(api\/|health$|ready$)/.test(r));
    expect(routes.length).toBeGreaterThan(80);
    expect([...documented].filter((r) => !/ \/(api\/|health$|ready$)/.test(r))).toEqual([]); // pages are not API
    const missing = routes.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    const tags = Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? []));
    expect(tags.every((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(tags).not.toContain('其他'); // a new first path segment gets its heading in src/ops/domain/api-tags.ts
    const ui = await api().get('/api/docs/').expect(200);
    expect(ui.text).toMatch(/tongkao 统考 API 文档/);
  });

  it('gives every operation a Chinese summary, and the summary table names no route that is gone', async () => {
    const doc = (await api().get('/api/docs-json').expect(200)).body as OpenApiDoc;
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, summary: op.summary })),
    );
    expect(ops.filter((o) => !/[\u4e00-\u9fff]/.test(o.summary ?? '')).map((o) => o.key)).toEqual([]);
    const documented = new Set(ops.map((o) => o.key));
    expect(Object.keys(API_SUMMARIES).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('describes the request bodies with their schemas and rules, from the DTO classes', async () => {
    const doc = (await api().get('/api/docs-json').expect(200)).body as OpenApiDoc;
    const bodySchema = (method: string, path: string, type = 'application/json') => {
      const ref = doc.paths[path]?.[method]?.requestBody?.content?.[type]?.schema?.$ref ?? '';
      return doc.components.schemas[ref.replace('#/components/schemas/', '')];
    };
    const login = bodySchema('post', '/api/auth/login');
    expect(login.required).toEqual(['username', 'password']);
    expect(login.properties.password).toMatchObject({ type: 'string', description: expect.stringMatching(/密码/) });

    const exam = bodySchema('post', '/api/alliances/{id}/exams');
    expect(exam.required).toEqual(['name']);
    expect(exam.properties.name).toMatchObject({ type: 'string', maxLength: 100 });
    expect(exam.properties.gradeYear).toMatchObject({ type: 'number', minimum: 1, maximum: 12 });
    expect(exam.properties.kind.enum).toEqual(Object.values(ExamKind));
    expect(exam.properties.passRatio).toMatchObject({ minimum: 0, exclusiveMinimum: true, maximum: 1 });

    const submit = bodySchema('post', '/api/marking/tasks/{taskId}/submit');
    expect(submit.required).toEqual(['clientId']);
    expect(submit.properties.problem.enum).toEqual([...PROBLEM_REASONS]);
    expect(new RegExp(submit.properties.clientId.pattern).test('short')).toBe(false); // the parser's own pattern
    expect(new RegExp(submit.properties.clientId.pattern).test('mark-0001-abc')).toBe(true);
    expect(submit.properties.score).toMatchObject({ type: 'number', minimum: 0 });

    const roster = bodySchema('post', '/api/schools/{id}/roster', 'multipart/form-data');
    expect(roster.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    const results = bodySchema('post', '/api/alliances/{id}/exams/import-results', 'multipart/form-data');
    expect(results.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(results.required).toEqual(expect.arrayContaining(['file', 'name', 'grade']));
    expect(results.properties.reliability).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
    for (const name of ['CreateUserBody', 'CreateSchoolBody', 'NextTaskBody', 'ArbitrateBody'])
      expect(Object.keys(doc.components.schemas[name]?.properties ?? {}).length).toBeGreaterThan(0);
    // Every schema property has a type or a reference: nothing the metadata missed shows as an empty object.
    for (const [name, schema] of Object.entries(doc.components.schemas))
      for (const [prop, p] of Object.entries(schema.properties ?? {}))
        expect([name, prop, Boolean(p.type || p.$ref || p.enum || p.allOf || p.oneOf)]).toEqual([name, prop, true]);
  });

  it('holds the plugin metadata tools/openapi-metadata.mjs writes from the code as it is now', () => {
    // Its own process: TypeScript's compiler loads several times faster outside Jest's module registry.
    const check = spawnSync(process.execPath, ['tools/openapi-metadata.mjs', '--check'], { encoding: 'utf8' });
    expect([check.status, check.stderr]).toEqual([0, '']); // else: npm run openapi:metadata
  });
});

type OpenApiSchema = {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  allOf?: unknown[];
  oneOf?: unknown[];
  required?: string[];
  properties: Record<string, OpenApiSchema & Record<string, any>>;
};
type OpenApiDoc = {
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
      }
    >
  >;
  components: { schemas: Record<string, OpenApiSchema> };
};

/** The sum of a counter's samples whose labels include `labels` (0 when there is none). */
function counterValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = line.match(/^(\w+)\{([^}]*)\} (\S+)$/);
    if (m && m[1] === name && m[2].includes(labels)) sum += Number(m[3]);
  }
  return sum;
}

/** Every route the Nest application registered on Express, as "METHOD /path/{param}". */
function nestRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string' || route.path.startsWith('/api/docs')) continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    for (const [m, on] of Object.entries(route.methods)) if (on && m !== '_all') out.add(`${m.toUpperCase()} ${path}`);
  }
  return [...out].sort();
}
