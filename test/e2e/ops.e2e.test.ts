// What the county's IT staff see: /health and /ready on the pages' port for a load balancer (the blob store made
// unwritable turns /ready to 503 with a Chinese message and back), Prometheus metrics and the queue view on the
// operators' port only (with its token), request ids in answers, and the OpenAPI document holding every Nest route.
// MySQL and Redis down for /ready are in database-away and servers-away, which kill their own servers.
import type { INestApplication } from '@nestjs/common';
import { mkdirSync, renameSync } from 'node:fs';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers } from '../../workers/worker-host.js';
import { createAlliance, createUser } from '../support/fixtures.js';
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
});

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
