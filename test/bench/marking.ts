// bench:marking — the marking API under load, on the real API (HTTP on 127.0.0.1) and MariaDB (issue #4).
//
//   city load:  BENCH_MARKERS simulated markers (separate identities, BENCH_ITEMS items, double marking), each
//               leasing an answer, pausing a random 5–15 s (reading it), submitting; ~MARKERS/10 marks/s offered.
//               Prints achieved marks/s and p50/p95/p99 of next and submit.
//   saturation: a closed loop of BENCH_SAT_CONCURRENCY markers with no pauses: the most marks/s the API sustains,
//               beside the same lease + submit (MarkingLeaseService.next / submit: the same SQL) called without HTTP.
//   Each phase then drains its pool (closed loop, until no task is open) and checks: zero tasks held by two markers at
//   once, zero lost or duplicated marks, every task final. Loads only 127.0.0.1; bounded in time (phase seconds +
//   BENCH_DRAIN_MAX, a safety limit: a run that hits it says so and fails).
//   profile: before the baseline, BENCH_PROFILE sequential next + submit pairs through the service, counting SQL
//   statements (every statement of TypeORM's query runner, BEGIN and COMMIT included) and their time.
//
// Every marker is assigned every item (a marker with no assignment gets nothing). The API runs in its own worker
// thread (BENCH_API_IN_PROCESS=1: in the bench's thread, sharing its event loop with the simulated markers); with
// BENCH_API_THREADS=n (default 1) n such threads, each its own API instance on its own port, and each simulated
// marker always calls the same one (as a load balancer with sticky sessions would send it). On 2 cores a second API
// thread lost: 2.54 against 2.03 ms of API CPU per mark at city load, 189 against 227 marks/s (CPU, not the one JS
// thread, is the limit there).
// Env: BENCH_MARKERS (5000), BENCH_CITY_SECONDS (60: the timed window, after BENCH_CITY_WARMUP_SECONDS, 25), BENCH_SAT_SECONDS (60), BENCH_SAT_CONCURRENCY (32),
//      BENCH_ITEMS (4), BENCH_DRAIN_MAX (900), BENCH_SOCKETS (128: client keep-alive connections), BENCH_PROFILE (200),
//      BENCH_SAT_RATE_GUESS (900: marks/s the saturation pool is sized for; above what this machine sustains, so it does not run dry).
//      BENCH_DB_TCP (1: reach MariaDB over TCP even when its socket is here), BENCH_TIMELINE (1: the tail window by
//      window), BENCH_TAIL_MS (50: what the timeline counts as the tail). The last line is one JSON object.
// The machine running this also runs the database: figures are of one box, noisy when it is shared. MariaDB is reached
// through its Unix socket when it is on this machine (see chooseDbTransport). Beside the markers' latencies it prints
// the API's own (request arrival to response), and with BENCH_TIMELINE=1 where the tail comes from, window by window
// (marking-timeline.ts).
import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/app.factory.js';
import { OBSERVABILITY, observedApiConfig } from './bench-observability.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { Role } from '../../src/common/role.js';
import { Actor } from '../../src/common/actor.js';
import { MarkingLeaseService } from '../../src/marking/marking-lease.service.js';
import { SqlConnection } from '../../src/database/sql-pool.js';
import { createAlliance, createSchool } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { BenchHttpClient } from './bench-http-client.js';
import { Pool, seedPool, SUBJECT } from './marking-pool.js';
import { type ApiThreadTimeline, type Call, printTimeline, startSampler } from './marking-timeline.js';

const MARKERS = Number(process.env.BENCH_MARKERS ?? 5000);
const CITY_SECONDS = Number(process.env.BENCH_CITY_SECONDS ?? 60);
/**
 * Markers arrive over the first 15 s and first submit 5–15 s after their first lease: the offered rate climbs to
 * ~MARKERS/10 marks/s over about 25 s. The timed window (rate and latencies) starts after that ramp, so it measures
 * the steady load the issue describes, not an average that includes the lighter start.
 */
const CITY_WARMUP_SECONDS = Number(process.env.BENCH_CITY_WARMUP_SECONDS ?? 25);
const SAT_SECONDS = Number(process.env.BENCH_SAT_SECONDS ?? 60);
const SAT_CONCURRENCY = Number(process.env.BENCH_SAT_CONCURRENCY ?? 32);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 4);
const DRAIN_MAX = Number(process.env.BENCH_DRAIN_MAX ?? 900);
const PROFILE = Number(process.env.BENCH_PROFILE ?? 200);
/** Marks/s the saturation pool is sized for (it must not run dry within the phase; what is left is drained after). */
const SAT_RATE_GUESS = Number(process.env.BENCH_SAT_RATE_GUESS ?? 900);
const API_IN_PROCESS = process.env.BENCH_API_IN_PROCESS === '1';
/** BENCH_TIMELINE=1: the city load's tail set beside GC, event-loop delay and MariaDB's work, window by window. */
const TIMELINE = process.env.BENCH_TIMELINE === '1';
/** A call slower than this is "in the tail" for the timeline. */
const TAIL_MS = Number(process.env.BENCH_TAIL_MS ?? 50);
const calls: Call[] = [];
const API_THREADS = API_IN_PROCESS ? 1 : Math.max(1, Number(process.env.BENCH_API_THREADS ?? 1));
/** The API instance a marker calls (sticky). */
const baseOf = (bases: string[], markerId: number) => bases[markerId % bases.length];

/**
 * Event-loop delay of each API thread and of this thread (the simulated markers) since the last call: a stall of
 * either shows up in every request in flight, which a CPU figure does not tell.
 */
async function printLoopDelay(
  apiWorkers: Worker[],
  benchLoop: ReturnType<typeof monitorEventLoopDelay>,
  phase: string,
) {
  const api = await Promise.all(
    apiWorkers.map(
      (w) =>
        new Promise<{ p99: number; max: number }>((resolve) => {
          const on = (msg: { loopDelay?: { p99: number; max: number } }) => {
            if (!msg.loopDelay) return;
            w.off('message', on);
            resolve(msg.loopDelay);
          };
          w.on('message', on);
          w.postMessage('loop-delay');
        }),
    ),
  );
  const f = (d: { p99: number; max: number }) => `p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`;
  console.log(
    `  event-loop delay (${phase}): ${api.map((d, i) => `API thread ${i + 1} ${f(d)}`).join('; ') || 'API in this thread'}; simulated markers' thread ${f({ p99: benchLoop.percentile(99) / 1e6, max: benchLoop.max / 1e6 })}`,
  );
  benchLoop.reset();
}

/**
 * The API threads' own latencies of the calls that arrived in [from, until) (epoch ms): from the request's arrival to
 * its response handed to the socket, without the simulated markers' own delays.
 */
async function printServedLatency(apiWorkers: Worker[], from: number, until: number) {
  if (!apiWorkers.length) return;
  const all = (
    await Promise.all(
      apiWorkers.map(
        (w) =>
          new Promise<{ ms: number; kind: string }[]>((resolve) => {
            const on = (msg: { servedMs?: { ms: number; kind: string }[] }) => {
              if (!msg.servedMs) return;
              w.off('message', on);
              resolve(msg.servedMs);
            };
            w.on('message', on);
            w.postMessage({ served: { from, until } });
          }),
      ),
    )
  ).flat();
  for (const kind of ['next', 'submit']) {
    const ms = all.filter((r) => r.kind === kind).map((r) => r.ms);
    console.log(
      `  ${kind.padEnd(6)} as the API served it: p50 ${pct(ms, 50)} ms  p95 ${pct(ms, 95)} ms  p99 ${pct(ms, 99)} ms (${ms.length} calls)`,
    );
  }
}

/** The API thread's GC pauses and event-loop delay per window (BENCH_TIMELINE); none when the API runs here. */
function askTimeline(w: Worker | undefined): Promise<ApiThreadTimeline> {
  if (!w) return Promise.resolve({ gcs: [], loop: [] });
  return new Promise((resolve) => {
    const on = (msg: { timeline?: ApiThreadTimeline }) => {
      if (!msg.timeline) return;
      w.off('message', on);
      resolve(msg.timeline);
    };
    w.on('message', on);
    w.postMessage('timeline');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

// A bounded pool of keep-alive sockets per API instance, as a load balancer in front of the API would hold: thousands
// of markers do not each open a connection (5,000 simultaneous connects overflow the listen backlog and stall in SYN
// retries). A minimal client (bench-http-client.ts): the load generator's CPU is taken from the API's cores.
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 128);
const clients = new Map<string, BenchHttpClient>();
function post(
  base: string,
  path: string,
  token: string,
  body: object,
): Promise<{ status: number; json: () => unknown }> {
  let client = clients.get(base);
  if (!client) {
    const u = new URL(base);
    client = new BenchHttpClient(u.hostname, Number(u.port), SOCKETS);
    clients.set(base, client);
  }
  return client.post(path, token, body).then((r) => ({ status: r.status, json: () => JSON.parse(r.text) }));
}

interface Tally {
  marks: number;
  /** Marks answered within the timed window (city load). */
  windowMarks: number;
  nextMs: number[];
  submitMs: number[];
  /** Tasks leased and not yet submitted, by task id → marker. */
  holding: Map<number, number>;
  doubleAssigned: number;
  acknowledged: Set<number>;
  errors: number;
  /** next answered 204 (nothing left to lease) while measuring. */
  empty: number;
}
const newTally = (): Tally => ({
  marks: 0,
  windowMarks: 0,
  nextMs: [],
  submitMs: [],
  holding: new Map(),
  doubleAssigned: 0,
  acknowledged: new Set(),
  errors: 0,
  empty: 0,
});

/** One simulated marker's step against the HTTP API: next (204 = nothing left), optional pause, submit. */
/**
 * `recordUntil`: calls started before this moment (and not before `recordFrom`) count in the latencies, and marks
 * answered in [recordFrom, recordUntil) in `t.windowMarks` (recordUntil Infinity: all, -Infinity: none). A marker's last answer of a timed phase still gets its whole
 * pause and is submitted after the phase: cutting the pauses short would make every marker submit in the same instant
 * at the end, a burst no real marking room produces (it was most of the city phase's submit p95 and p99).
 */
async function httpStep(
  base: string,
  token: string,
  markerId: number,
  pool: Pool,
  t: Tally,
  pauseMs: number,
  recordUntil: number,
  recordFrom = -Infinity,
): Promise<boolean> {
  const inWindow = (at: number) => at >= recordFrom && at < recordUntil;
  let t0 = performance.now();
  const res = await post(base, '/api/marking/next', token, { examId: pool.examId });
  if (inWindow(t0)) {
    t.nextMs.push(performance.now() - t0);
    if (TIMELINE) calls.push({ at: performance.timeOrigin + t0, ms: performance.now() - t0, kind: 'next' });
  }
  if (res.status === 204) {
    if (inWindow(t0)) t.empty++;
    return false;
  }
  if (res.status !== 200) {
    t.errors++;
    return false;
  }
  const task = res.json() as { taskId: number; snippetUrl: string };
  const holder = t.holding.get(task.taskId);
  if (holder !== undefined && holder !== markerId) t.doubleAssigned++;
  t.holding.set(task.taskId, markerId);
  if (pauseMs) await sleep(pauseMs);
  const snippetId = snippetOfTask.get(task.taskId) ?? (await lookupSnippet(task.taskId));
  const score = Math.min(10, Math.max(0, (pool.base.get(snippetId) ?? 5) + randomInt(-1, 2)));
  t0 = performance.now();
  const sub = await post(base, `/api/marking/tasks/${task.taskId}/submit`, token, {
    score,
    clientId: `b${markerId}-${randomBytes(8).toString('hex')}`,
    secondsSpent: Math.round(pauseMs / 1000),
  });
  if (inWindow(t0)) {
    t.submitMs.push(performance.now() - t0);
    if (TIMELINE) calls.push({ at: performance.timeOrigin + t0, ms: performance.now() - t0, kind: 'submit' });
  }
  t.holding.delete(task.taskId);
  if (sub.status !== 200) {
    t.errors++;
    return true;
  }
  const body = sub.json() as { markEventId: number };
  t.acknowledged.add(body.markEventId);
  t.marks++;
  if (inWindow(performance.now())) t.windowMarks++;
  return true;
}

// The simulated marker reads the snippet; it needs the task's snippet only to choose a plausible score.
const snippetOfTask = new Map<number, number>();
let envRef: TestEnv;
async function lookupSnippet(taskId: number): Promise<number> {
  const [row] = await envRef.ds.query('SELECT snippet_id FROM marking_task WHERE id = ?', [taskId]);
  const id = Number(row?.snippet_id ?? 0);
  snippetOfTask.set(taskId, id);
  return id;
}

/**
 * CPU time spent during a phase, machine-load independent (the box is shared): this process (the API thread and
 * the simulated markers) and the MariaDB server (from /proc when it runs here), and how busy the API thread was.
 */
function mariadbPid(): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (
        readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'mariadbd' ||
        readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'mysqld'
      )
        return Number(d);
    } catch {
      /* gone */
    }
  }
  return null;
}
const DB_PID = mariadbPid();
function dbCpuMs(): number {
  if (DB_PID === null) return NaN;
  const f = readFileSync(`/proc/${DB_PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}
/** CPU time of one thread of this process (the API's worker thread), from /proc; NaN when unknown. */
const apiTids: (number | null)[] = [];
function apiThreadCpuMs(): number {
  let ms = 0;
  for (const tid of apiTids) {
    if (tid === null) return NaN;
    try {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      return NaN;
    }
  }
  return apiTids.length ? ms : NaN;
}
function cpuMeter(workers: Worker[]) {
  const node0 = process.cpuUsage();
  const db0 = dbCpuMs();
  const api0 = workers.length ? apiThreadCpuMs() : NaN;
  const elu0 = workers.map((w) => w.performance.eventLoopUtilization());
  const t0 = performance.now();
  return (marks: number, label: string) => {
    const node = process.cpuUsage(node0);
    const nodeMs = (node.user + node.system) / 1000;
    const dbMs = dbCpuMs() - db0;
    const apiMs = apiThreadCpuMs() - api0;
    const wall = (performance.now() - t0) / 1000;
    const elus = workers.map(
      (w, i) => w.performance.eventLoopUtilization(w.performance.eventLoopUtilization(), elu0[i]).utilization,
    );
    const elu = elus.length ? Math.max(...elus) : NaN;
    console.log(
      `  cpu (${label}): bench process (API thread + simulated markers) ${(nodeMs / Math.max(1, marks)).toFixed(2)} ms/mark, MariaDB ${(dbMs / Math.max(1, marks)).toFixed(2)} ms/mark` +
        ` (${(nodeMs / 1000 / wall).toFixed(2)} + ${(dbMs / 1000 / wall).toFixed(2)} cores of ${cpus().length} over ${wall.toFixed(0)} s); API thread${workers.length > 1 ? 's' : ''} busy ${workers.length > 1 ? elus.map((e) => (e * 100).toFixed(0)).join(' / ') : (elu * 100).toFixed(0)} %` +
        `; 500 marks/s would need ${(((nodeMs + dbMs) / Math.max(1, marks)) * 0.5).toFixed(2)} cores` +
        (Number.isNaN(apiMs)
          ? ''
          : `; of the bench process: API thread${workers.length > 1 ? 's' : ''} ${(apiMs / Math.max(1, marks)).toFixed(2)} ms/mark, the rest (simulated markers, GC threads) ${((nodeMs - apiMs) / Math.max(1, marks)).toFixed(2)} ms/mark`),
    );
  };
}

/** True while the exam has a live task not done (pending, or leased by someone still working). */
async function anyOpen(examId: number): Promise<boolean> {
  const rows = await envRef.ds.query(
    `SELECT 1 FROM marking_task WHERE exam_id = ? AND kind = 'live' AND status IN ('pending', 'leased') LIMIT 1`,
    [examId],
  );
  return rows.length > 0;
}

/**
 * Closed loop over `markers` until the deadline passes or, with `drain`, until no task of the pool is open: a marker
 * with nothing to do waits while others still hold tasks (their submits may create third rounds it can take).
 */
async function closedLoop(
  bases: string[],
  markers: { id: number; token: string }[],
  pool: Pool,
  t: Tally,
  until: number,
  record: boolean,
  drain = false,
) {
  await Promise.all(
    markers.map(async (m) => {
      while (performance.now() < until) {
        if (await httpStep(baseOf(bases, m.id), m.token, m.id, pool, t, 0, record ? Infinity : -Infinity)) continue;
        if (drain && !(await anyOpen(pool.examId))) return;
        await sleep(200);
      }
    }),
  );
}

/** The end-of-phase checks: tasks never doubly held, marks never lost or duplicated, every task final. */
async function check(env: TestEnv, pool: Pool, t: Tally) {
  const [dup] = await env.ds.query(
    `SELECT COUNT(*) AS n FROM (SELECT task_id FROM mark_event WHERE exam_id = ? AND kind = 'live' GROUP BY task_id HAVING COUNT(*) > 1) d`,
    [pool.examId],
  );
  const [lostDone] = await env.ds.query(
    `SELECT COUNT(*) AS n FROM marking_task t WHERE t.exam_id = ? AND t.status = 'done' AND t.round < 9 AND NOT EXISTS (SELECT 1 FROM mark_event e WHERE e.task_id = t.id)`,
    [pool.examId],
  );
  const ids = [...t.acknowledged];
  let found = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const [r] = await env.ds.query('SELECT COUNT(*) AS n FROM mark_event WHERE id IN (?)', [ids.slice(i, i + 5000)]);
    found += Number(r.n);
  }
  const [open] = await env.ds.query(
    `SELECT COUNT(*) AS n FROM marking_task WHERE exam_id = ? AND kind = 'live' AND status IN ('pending', 'leased')`,
    [pool.examId],
  );
  const [unresolved] = await env.ds.query(
    `SELECT COUNT(*) AS n FROM answer_snippet s WHERE s.exam_id = ? AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)`,
    [pool.examId],
  );
  return {
    doubleAssigned: t.doubleAssigned,
    duplicated: Number(dup.n),
    lost: Number(lostDone.n) + (ids.length - found),
    openTasks: Number(open.n),
    unresolved: Number(unresolved.n),
    errors: t.errors,
  };
}

/**
 * Statements and time of one next and one submit, measured sequentially (no contention): every query of TypeORM's and SqlPool's
 * query runner is counted, BEGIN and COMMIT included. The request's own auth query (one) is not in it.
 */
async function profile(ds: DataSource, svc: MarkingLeaseService, actors: Actor[], pool: Pool, n: number) {
  const runner = ds.createQueryRunner();
  type Query = (...args: unknown[]) => Promise<unknown>;
  // TypeORM's query runner, and SqlPool's connections (the marking hot path).
  const protos = [
    Object.getPrototypeOf(runner) as { query: Query },
    SqlConnection.prototype as unknown as { query: Query },
  ];
  await runner.release();
  const originals = protos.map((p) => p.query);
  let statements = 0;
  let sqlMs = 0;
  protos.forEach(
    (p, i) =>
      (p.query = async function (this: unknown, ...args: unknown[]) {
        statements++;
        const t0 = performance.now();
        try {
          return await originals[i].apply(this, args);
        } finally {
          sqlMs += performance.now() - t0;
        }
      }),
  );
  const acc = { next: { n: 0, statements: 0, sqlMs: 0, ms: 0 }, submit: { n: 0, statements: 0, sqlMs: 0, ms: 0 } };
  const measure = async <T>(
    slot: { n: number; statements: number; sqlMs: number; ms: number },
    f: () => Promise<T>,
  ): Promise<T> => {
    const s0 = statements;
    const q0 = sqlMs;
    const t0 = performance.now();
    const out = await f();
    slot.ms += performance.now() - t0;
    slot.statements += statements - s0;
    slot.sqlMs += sqlMs - q0;
    slot.n++;
    return out;
  };
  try {
    for (let i = 0; i < n; i++) {
      const actor = actors[i % actors.length];
      const task = await measure(acc.next, () => svc.next(actor, { examId: pool.examId }));
      if (!task) break;
      const snippetId = await lookupSnippet(task.taskId);
      const score = Math.min(10, Math.max(0, (pool.base.get(snippetId) ?? 5) + randomInt(-1, 2)));
      await measure(acc.submit, () =>
        svc.submit(actor, task.taskId, {
          score,
          clientId: `p${actor.userId}-${randomBytes(8).toString('hex')}`,
          secondsSpent: 0,
        }),
      );
    }
  } finally {
    protos.forEach((p, i) => (p.query = originals[i]));
  }
  for (const [name, a] of Object.entries(acc)) {
    if (!a.n) continue;
    console.log(
      `profile ${name}: ${(a.statements / a.n).toFixed(1)} SQL statements, ${(a.ms / a.n).toFixed(2)} ms per call (${(a.sqlMs / a.n).toFixed(2)} ms waiting on SQL), ${a.n} sequential calls`,
    );
  }
}

/**
 * MariaDB through its Unix socket when it runs on this machine (DB_SOCKET, as the README recommends for a server that
 * holds both): what a one-box deployment uses. BENCH_DB_TCP=1 keeps TCP (the figures of earlier sessions).
 */
async function chooseDbTransport(): Promise<string> {
  if (process.env.DB_SOCKET) return `Unix socket ${process.env.DB_SOCKET} (DB_SOCKET)`;
  if (process.env.BENCH_DB_TCP === '1') return 'TCP (BENCH_DB_TCP=1)';
  const probe = await createTestEnv('bench_marking_probe');
  try {
    const [{ socket }] = (await probe.ds.query('SELECT @@socket AS socket')) as { socket: string }[];
    if (!socket || !existsSync(socket)) return 'TCP (no server socket on this machine)';
    process.env.DB_SOCKET = socket;
    return `Unix socket ${socket} (found; BENCH_DB_TCP=1 for TCP)`;
  } finally {
    await probe.cleanup();
  }
}

async function main() {
  const transport = await chooseDbTransport();
  const env = await createTestEnv('bench_marking');
  console.log(`MariaDB: ${transport}`);
  envRef = env;
  let app: INestApplication | undefined;
  const apiWorkers: Worker[] = [];
  try {
    const a = await createAlliance(env.ds, '压测教联体');
    const school = await createSchool(env.ds, a.id, '压测中学', 'B1');
    const hash = await AuthService.hashPassword('bench-pass');
    const total = MARKERS + SAT_CONCURRENCY;
    const users: { id: number; token: string }[] = [];
    const secret = env.config.jwtSecret;
    for (let from = 0; from < total; from += 1000) {
      const n = Math.min(1000, total - from);
      const ins = await env.ds.query(
        `INSERT INTO user (username, display_name, password_hash, alliance_id) VALUES ${Array(n).fill('(?, ?, ?, ?)').join(',')}`,
        Array.from({ length: n }, (_, k) => [`bench${from + k}`, `阅卷教师${from + k}`, hash, a.id]).flat(),
      );
      const first = Number(ins.insertId);
      await env.ds.query(
        `INSERT INTO user_role (user_id, role, alliance_id, subject) VALUES ${Array(n).fill('(?, ?, ?, ?)').join(',')}`,
        Array.from({ length: n }, (_, k) => [first + k, Role.Marker, a.id, SUBJECT]).flat(),
      );
      for (let k = 0; k < n; k++)
        users.push({
          id: first + k,
          token: jwt.sign({ sub: first + k, u: `bench${from + k}` }, secret, {
            expiresIn: 3600 * 4,
            algorithm: 'HS256',
          }),
        });
    }
    const uploader = users[0].id;
    // Pools sized to what each phase can offer (city: ~MARKERS/10 marks/s; saturation: a generous guess), in snippets per item.
    const cityStudents = Math.max(50, Math.ceil(((MARKERS / 10) * (CITY_WARMUP_SECONDS + CITY_SECONDS)) / 2 / ITEMS));
    const satStudents = Math.max(50, Math.ceil((SAT_RATE_GUESS * SAT_SECONDS) / 2 / ITEMS));
    const baseStudents = Math.max(50, Math.ceil((800 * Math.min(SAT_SECONDS, 30)) / 2 / ITEMS));
    const t0 = Date.now();
    const city = await seedPool(env, a.id, school.id, uploader, cityStudents, 'C');
    const sat = await seedPool(env, a.id, school.id, uploader, satStudents, 'S');
    const raw = await seedPool(env, a.id, school.id, uploader, baseStudents, 'R');
    // 题块: every marker is assigned every item of the three pools.
    const allItems = [...city.itemIds, ...sat.itemIds, ...raw.itemIds];
    for (let from = 0; from < users.length; from += 500) {
      const chunk = users.slice(from, from + 500);
      await env.ds.query(
        `INSERT INTO marker_assignment (item_id, marker_id) VALUES ${Array(chunk.length * allItems.length)
          .fill('(?, ?)')
          .join(',')}`,
        chunk.flatMap((u) => allItems.flatMap((itemId) => [itemId, u.id])),
      );
    }
    // The simulated markers know which answer each seeded task shows (to choose a plausible score) from one read here,
    // not one query per mark (that was MariaDB work of the load generator, counted as the API's); third rounds created
    // later are still looked up.
    for (const p of [city, sat, raw]) {
      for (const r of await env.ds.query('SELECT id, snippet_id FROM marking_task WHERE exam_id = ?', [p.examId]))
        snippetOfTask.set(Number(r.id), Number(r.snippet_id));
    }
    console.log(
      `seeded ${total} markers, ${(cityStudents + satStudents + baseStudents) * ITEMS} answers in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    // The baseline's (and the profile's) service, in this thread; the API under load in its own thread unless asked.
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    const bases: string[] = [];
    if (API_IN_PROCESS) {
      await app.listen(0, '127.0.0.1');
      app.getHttpServer().keepAliveTimeout = 120_000;
      bases.push(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
    } else {
      for (let i = 0; i < API_THREADS; i++) {
        const w = new Worker(new URL('./marking-api-worker.js', import.meta.url), {
          workerData: { config: observedApiConfig(env.config) },
        });
        apiWorkers.push(w);
        const port = await new Promise<number>((resolve, reject) => {
          w.once('message', (msg: { port: number; tid: number | null }) => {
            apiTids.push(msg.tid);
            resolve(msg.port);
          });
          w.once('error', reject);
        });
        bases.push(`http://127.0.0.1:${port}`);
      }
    }
    console.log(OBSERVABILITY);
    console.log(
      `API ${API_IN_PROCESS ? 'in the bench thread' : `in ${API_THREADS} worker thread${API_THREADS > 1 ? 's' : ''} of its own`} at ${bases.join(', ')}`,
    );
    const svc = app.get(MarkingLeaseService);

    // ── city load ──
    const benchLoop = monitorEventLoopDelay({ resolution: 10 });
    benchLoop.enable();
    for (const w of apiWorkers) w.postMessage('loop-delay'); // start the API threads' histograms afresh
    await Promise.all(apiWorkers.map((w) => new Promise((r) => w.once('message', r))));
    const ct = newTally();
    const cityMarkers = users.slice(0, MARKERS);
    const cityCpu = cpuMeter(apiWorkers);
    const sampler = TIMELINE ? startSampler(env.ds, dbCpuMs) : null;
    const cityStart = performance.now() + CITY_WARMUP_SECONDS * 1000;
    const cityEnd = cityStart + CITY_SECONDS * 1000;
    await Promise.all(
      cityMarkers.map(async (m) => {
        await sleep(randomInt(0, 15_000)); // arrivals spread over the first pause
        while (performance.now() < cityEnd) {
          const pause = 5000 + randomInt(0, 10_001);
          const got = await httpStep(baseOf(bases, m.id), m.token, m.id, city, ct, pause, cityEnd, cityStart).catch(
            () => (ct.errors++, false),
          );
          if (!got) await sleep(pause);
        }
      }),
    );
    cityCpu(ct.marks, 'city load');
    await printLoopDelay(apiWorkers, benchLoop, 'city load');
    await printServedLatency(apiWorkers, performance.timeOrigin + cityStart, performance.timeOrigin + cityEnd);
    if (sampler) {
      const samples = sampler.stop();
      const api = await askTimeline(apiWorkers[0]);
      printTimeline(calls, samples, api, TAIL_MS);
    }
    // the rate of the timed window; the answers leased in it and submitted after it are in the CPU figure above
    const cityElapsed = (cityEnd - cityStart) / 1000;
    const cityRate = ct.windowMarks / cityElapsed;
    const cityNext = { p50: pct(ct.nextMs, 50), p95: pct(ct.nextMs, 95), p99: pct(ct.nextMs, 99) };
    const citySubmit = { p50: pct(ct.submitMs, 50), p95: pct(ct.submitMs, 95), p99: pct(ct.submitMs, 99) };
    console.log(
      `city load: ${MARKERS} markers, offered ~${(MARKERS / 10).toFixed(0)} marks/s, achieved ${cityRate.toFixed(1)} marks/s over ${cityElapsed.toFixed(1)} s after a ${CITY_WARMUP_SECONDS} s ramp-up (${ct.windowMarks} marks in the window, ${ct.marks} with the answers finished after it; ${ct.errors} errors)`,
    );
    console.log(
      `  next   p50 ${cityNext.p50} ms  p95 ${cityNext.p95} ms  p99 ${cityNext.p99} ms (${ct.nextMs.length} calls)`,
    );
    console.log(
      `  submit p50 ${citySubmit.p50} ms  p95 ${citySubmit.p95} ms  p99 ${citySubmit.p99} ms (${ct.submitMs.length} calls)`,
    );
    // Leases still held by the stopped markers lapse; the drain releases them now by expiring them.
    await env.ds.query(
      `UPDATE marking_task SET lease_expires_at = NOW() - INTERVAL 1 SECOND WHERE exam_id = ? AND status = 'leased'`,
      [city.examId],
    );
    ct.holding.clear();
    const drainers = users.slice(0, Math.max(SAT_CONCURRENCY, 8) + 2); // a few more than one answer's rounds need
    const cityDrainStart = performance.now();
    await closedLoop(bases, drainers, city, ct, performance.now() + DRAIN_MAX * 1000, false, true);
    console.log(
      `  drained in ${((performance.now() - cityDrainStart) / 1000).toFixed(1)} s by ${drainers.length} markers`,
    );
    const cityCheck = await check(env, city, ct);
    console.log(`  checks after drain: ${JSON.stringify(cityCheck)}`);

    // ── saturation ──
    const st = newTally();
    const satMarkers = users.slice(MARKERS, MARKERS + SAT_CONCURRENCY);
    const satCpu = cpuMeter(apiWorkers);
    const satStart = performance.now();
    await closedLoop(bases, satMarkers, sat, st, satStart + SAT_SECONDS * 1000, true);
    satCpu(st.marks, 'saturation');
    const satElapsed = (performance.now() - satStart) / 1000;
    const satRate = st.marks / satElapsed;
    console.log(
      `saturation: ${SAT_CONCURRENCY} markers, closed loop: ${satRate.toFixed(1)} marks/s over ${satElapsed.toFixed(1)} s; next p99 ${pct(st.nextMs, 99)} ms, submit p99 ${pct(st.submitMs, 99)} ms`,
    );
    if (st.empty > 0)
      console.log(
        `  note: the saturation pool ran dry (${st.empty} answers of 204): the figure is a lower bound; raise BENCH_SAT_RATE_GUESS`,
      );
    const satDrainStart = performance.now();
    await closedLoop(
      bases,
      [...satMarkers, ...users.slice(0, 4)],
      sat,
      st,
      performance.now() + DRAIN_MAX * 1000,
      false,
      true,
    );
    console.log(`  drained in ${((performance.now() - satDrainStart) / 1000).toFixed(1)} s`);
    const satCheck = await check(env, sat, st);
    console.log(`  checks after drain: ${JSON.stringify(satCheck)}`);

    // ── profile: sequential next + submit through the service, statements counted ──
    const actors = satMarkers.map(
      (m) =>
        new Actor(m.id, `bench`, 'bench', [{ role: Role.Marker, allianceId: a.id, schoolId: null, subject: SUBJECT }]),
    );
    if (PROFILE > 0) await profile(app.get(DataSource), svc, actors, raw, PROFILE);

    // ── baseline: the same lease + submit without HTTP ──
    const rt = newTally();
    const rawCpu = cpuMeter([]);
    const rawStart = performance.now();
    const rawEnd = rawStart + Math.min(SAT_SECONDS, 30) * 1000;
    await Promise.all(
      actors.map(async (actor) => {
        while (performance.now() < rawEnd) {
          const task = await svc.next(actor, { examId: raw.examId });
          if (!task) break;
          const snippetId = await lookupSnippet(task.taskId);
          const score = Math.min(10, Math.max(0, (raw.base.get(snippetId) ?? 5) + randomInt(-1, 2)));
          const r = await svc.submit(actor, task.taskId, {
            score,
            clientId: `r${actor.userId}-${randomBytes(8).toString('hex')}`,
            secondsSpent: 0,
          });
          rt.acknowledged.add(r.markEventId);
          rt.marks++;
        }
      }),
    );
    rawCpu(rt.marks, 'baseline, no HTTP');
    const rawRate = rt.marks / ((performance.now() - rawStart) / 1000);
    console.log(
      `baseline: same lease + submit SQL without HTTP, ${SAT_CONCURRENCY} in parallel: ${rawRate.toFixed(1)} marks/s`,
    );

    const ok = [cityCheck, satCheck].every(
      (c) => c.doubleAssigned === 0 && c.duplicated === 0 && c.lost === 0 && c.errors === 0,
    );
    if (!ok) console.log('CHECK FAILED: see the checks above');
    // "Every task final" is checkable only once a pool is drained; a pool sized for the offered load may outlast the drain limit.
    for (const [name, c] of [
      ['city', cityCheck],
      ['saturation', satCheck],
    ] as const) {
      if (c.openTasks === 0 && c.unresolved > 0)
        console.log(`CHECK FAILED: ${name} pool drained but ${c.unresolved} answers without a final score`);
      else if (c.openTasks > 0)
        console.log(
          `note: ${name} pool not drained within BENCH_DRAIN_MAX=${DRAIN_MAX} s (${c.openTasks} tasks open): the "every task final" check was not reached`,
        );
    }
    const finalOk = [cityCheck, satCheck].every((c) => !(c.openTasks === 0 && c.unresolved > 0));
    console.log(
      JSON.stringify({
        bench: 'marking',
        value: Math.round(satRate * 10) / 10,
        unit: 'marks/s',
        baseline: Math.round(rawRate * 10) / 10,
        ratio: Math.round((satRate / rawRate) * 1000) / 1000,
        city_marks_per_s: Math.round(cityRate * 10) / 10,
        city_p99_ms: Math.max(cityNext.p99, citySubmit.p99),
        double_assigned: cityCheck.doubleAssigned + satCheck.doubleAssigned,
        lost: cityCheck.lost + satCheck.lost,
        duplicated: cityCheck.duplicated + satCheck.duplicated,
        db: process.env.DB_SOCKET ? 'socket' : 'tcp',
      }),
    );
    process.exitCode = ok && finalOk ? 0 : 1;
  } finally {
    for (const c of clients.values()) c.destroy();
    for (const w of apiWorkers) {
      w.postMessage('close');
      await new Promise((r) => w.once('message', r));
      await w.terminate();
    }
    await app?.close();
    await env.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
