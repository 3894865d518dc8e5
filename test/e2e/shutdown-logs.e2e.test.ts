// The real API and worker processes (dist/, as `npm start` and `npm run start:worker` run them), on the test's own
// database and queue prefix, with their JSON logs on stdout:
// - logs: a request's line carries the X-Request-Id its answer carried, with cookies, Authorization and the session
//   cookie set by a login redacted and no password anywhere; a job's line carries its job id and queue;
// - graceful shutdown: SIGTERM to the API while a request is in flight: it stops listening, answers that request and
//   exits; SIGTERM to the worker in the middle of ingesting a backlog: the jobs it was running finish (their
//   "job done" lines are its own), it exits 0, and the next worker takes the rest, each page read once.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Role } from '../../src/common/role.js';
import { Pipeline } from '../../src/queue/pipeline.js';
import { redisConnection } from '../../src/queue/connection.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { startWorkers } from '../../workers/worker-host.js';
import { seedScanExam, storeBatch, type ScanExam } from '../integration/scans-fixtures.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { freePort } from '../support/redis-server.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const built = existsSync(resolve('dist/src/main.js')) && existsSync(resolve('dist/workers/main.js'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type LogLine = Record<string, any>;

/** A process of ours with its stdout's JSON lines (other lines kept as text). */
class Proc {
  readonly lines: LogLine[] = [];
  text = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;

  constructor(script: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    this.child.stdout!.on('data', (b: Buffer) => {
      this.text += b.toString();
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop()!;
      for (const p of parts) {
        try {
          this.lines.push(JSON.parse(p));
        } catch {
          /* a plain line ("listening on …") */
        }
      }
    });
    this.child.stderr!.on('data', (b: Buffer) => (this.text += b.toString()));
    this.exited = new Promise((done) => this.child.on('exit', (code, signal) => done({ code, signal })));
  }

  async until<T>(what: string, found: () => T | undefined | null | false, ms = 90_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = found();
      if (v) return v;
      if (Date.now() > end || this.child.exitCode !== null)
        throw new Error(`timed out waiting for ${what}; output:\n${this.text.slice(-3000)}`);
      await sleep(100);
    }
  }
}

/** Whether something accepts TCP connections on the port. */
const accepts = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), done(true)));
    s.once('error', () => done(false));
  });

(built ? describe : describe.skip)('real processes: JSON logs and graceful shutdown', () => {
  let env: TestEnv;
  let procEnv: NodeJS.ProcessEnv;
  const procs: Proc[] = [];

  beforeAll(async () => {
    env = await createTestEnv('shutdown');
    const c = env.config;
    procEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info', // the product's logging, as in production (tests are otherwise silent)
      DB_HOST: c.db.host,
      DB_PORT: String(c.db.port),
      ...(c.db.socket ? { DB_SOCKET: c.db.socket } : {}),
      DB_USER: c.db.user,
      DB_PASSWORD: c.db.password,
      DB_NAME: c.db.name,
      REDIS_HOST: c.redis.host,
      REDIS_PORT: String(c.redis.port),
      QUEUE_PREFIX: c.redis.prefix,
      DATA_DIR: c.dataDir,
      JWT_SECRET: 'shutdown-test-secret-0123456789',
      INGEST_CONCURRENCY: '2',
    };
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await env?.cleanup();
  });

  it('logs each request with the id its answer carried, redacting cookies, Authorization and passwords', async () => {
    const allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'log_admin', 'secret-pass-in-body', [{ role: Role.Admin, allianceId }]);
    const port = await freePort();
    const api = new Proc('dist/src/main.js', { ...procEnv, PORT: String(port) });
    procs.push(api);
    const base = `http://127.0.0.1:${port}`;
    await api.until('the API', () => api.text.includes('listening'));

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-test-login-1' },
      body: JSON.stringify({ username: 'log_admin', password: 'secret-pass-in-body' }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { token: string }).token;
    const me = await fetch(`${base}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}`, cookie: 'tk_session=cookie-value-never-logged' },
    });
    expect(me.status).toBe(200);
    const meId = me.headers.get('x-request-id')!;
    expect(meId).toMatch(/^[0-9a-f-]{36}$/);

    const lineOf = (id: string) => api.until(`the log line of ${id}`, () => api.lines.find((l) => l.req?.id === id));
    const loginLine = await lineOf('logs-test-login-1');
    expect(login.headers.get('x-request-id')).toBe('logs-test-login-1');
    expect(loginLine).toMatchObject({ msg: 'request completed', req: { method: 'POST', url: '/api/auth/login' } });
    expect(loginLine.res.statusCode).toBe(200);
    expect(loginLine.res.headers['set-cookie']).toBe('[Redacted]');
    const meLine = await lineOf(meId);
    expect(meLine.req.headers).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]' });
    expect(typeof meLine.responseTime).toBe('number');
    for (const secret of ['secret-pass-in-body', token, 'cookie-value-never-logged'])
      expect(api.text.includes(secret)).toBe(false);

    // Graceful shutdown: a login whose body is still arriving when SIGTERM comes is answered; nothing new is taken.
    const body = JSON.stringify({ username: 'log_admin', password: 'secret-pass-in-body' });
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (b: Buffer) => (text += b.toString()));
          res.on('end', () => done({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        api.child.kill('SIGTERM');
        // Once the API has stopped listening, the rest of the body arrives: the request in flight is finished.
        void (async () => {
          const end = Date.now() + 20_000;
          while ((await accepts(port)) && Date.now() < end) await sleep(100);
          req.end(body.slice(10));
        })();
      }, 500);
    });
    const done = await answer;
    expect(await accepts(port)).toBe(false);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body).token).toEqual(expect.any(String));
    const exit = await api.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(api.text).not.toMatch(/"level":50/); // no error logged on the way out
    // the login in flight was still throttled: the throttle's Redis closes after the HTTP server, not before it
    expect(api.text).not.toContain('login throttle unavailable');
  }, 300_000);

  it('finishes the jobs a worker was running at SIGTERM, and leaves the rest to the next worker', async () => {
    const fx: ScanExam = await seedScanExam(env.ds, { studentsA: 14, studentsB: 0 });
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      fx.studentsA.map((s) => ({ examNo: s.examNo })),
      { seed: 5, dpi: 150 },
    );
    const uploader = await createUser(env.ds, 'shutdown_scanner', 'scan-pass', []);
    const pages = await storeBatch(
      env.ds,
      new LocalBlobStore(env.config.dataDir),
      { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploader.id },
      gen.files,
    );
    const queuer = await startWorkers(env.config, { processors: [], logger: false, reconcile: false });
    await queuer.app.get(Pipeline).pagesStored(pages);
    await queuer.close();

    const queue = new Queue(QUEUES.ingest, {
      connection: redisConnection(env.config),
      prefix: env.config.redis.prefix,
    });
    try {
      const first = new Proc('dist/workers/main.js', procEnv);
      procs.push(first);
      // Pages' reading jobs (each read page then queues a low-priority copy-page job on the same queue: not counted).
      const done = (p: Proc) => p.lines.filter((l) => l.msg === 'job done' && l.job !== 'copy-page');
      await first.until('the first page read', () => done(first).length > 0);
      let active: string[] = [];
      for (let i = 0; i < 100 && !active.length; i++) {
        active = (await queue.getActive()).map((j) => j.id!);
        if (!active.length) await sleep(50);
      }
      expect(active.length).toBeGreaterThan(0);
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      // The jobs it was running when told to stop: finished by it, not failed, stalled or run elsewhere.
      const finishedByFirst = new Set(done(first).map((l) => l.jobId));
      for (const id of active) {
        expect([id, finishedByFirst.has(id)]).toEqual([id, true]);
        expect([id, await queue.getJobState(id)]).toEqual([id, 'completed']);
      }
      const left = await queue.getWaitingCount();
      expect(left).toBeGreaterThan(0); // it took nothing new after SIGTERM
      expect(done(first).length + left).toBe(pages.length);

      // Each job line names its queue, job and id; the worker's lines carry its role and pid.
      for (const l of done(first))
        expect(l).toMatchObject({
          queue: 'scan-ingest',
          job: 'ingest-page',
          jobId: expect.any(String),
          process_role: 'worker',
          pid: first.child.pid,
        });

      const second = new Proc('dist/workers/main.js', procEnv);
      procs.push(second);
      await second.until('the rest read', () => done(second).length >= left, 180_000);
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const rows = await env.ds.getRepository(ScannedPage).find({ where: { examId: fx.exam.id } });
      expect(rows.map((r) => r.status)).toEqual(pages.map(() => PageStatus.Processed));
      const ids = [...done(first), ...done(second)].map((l) => l.jobId);
      expect(new Set(ids).size).toBe(pages.length); // each page's job done once, by one of the two
      expect(ids.length).toBe(pages.length);
      expect(await queue.getFailedCount()).toBe(0);
      const doubled = await env.ds.query(
        'SELECT page_id, item_id, COUNT(*) AS n FROM answer_snippet WHERE page_id IN (?) GROUP BY page_id, item_id HAVING n > 1',
        [pages.map((p) => p.id)],
      );
      expect(doubled).toEqual([]);
    } finally {
      await queue.close();
    }
  }, 600_000);
});
