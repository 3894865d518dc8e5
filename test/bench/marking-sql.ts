// bench:marking-sql — what MariaDB does for one next and one submit, statement by statement (issue #4).
//
// Seeds a pool like bench:marking, lets BENCH_SQL_HOLDERS other markers hold a lease each (as thousands of markers
// reading an answer do at city load), then runs BENCH_SQL_PAIRS sequential auth + next + submit through the services
// and prints, per distinct statement: calls per mark, rows the handlers read (Handler_read_* of the session, from
// SHOW SESSION STATUS around each statement, its own cost subtracted) and time. Loads only 127.0.0.1.
// Env: BENCH_SQL_STUDENTS (3000 per item), BENCH_ITEMS (4), BENCH_SQL_HOLDERS (500), BENCH_SQL_PAIRS (200).
import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2';
import { DataSource } from 'typeorm';
import { mysqlEndpoint } from '../../src/config/config.js';
import { createApiApp } from '../../src/app.factory.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { Role } from '../../src/common/role.js';
import { MarkingLeaseService } from '../../src/marking/marking-lease.service.js';
import { SqlConnection } from '../../src/database/sql-pool.js';
import { createAlliance, createSchool } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedPool, SUBJECT } from './marking-pool.js';

const STUDENTS = Number(process.env.BENCH_SQL_STUDENTS ?? 3000);
const HOLDERS = Number(process.env.BENCH_SQL_HOLDERS ?? 500);
const PAIRS = Number(process.env.BENCH_SQL_PAIRS ?? 200);
const MARKERS = 40;
const REPLAY = Number(process.env.BENCH_SQL_REPLAY ?? 0);
const READS = [
  'Handler_read_key',
  'Handler_read_next',
  'Handler_read_prev',
  'Handler_read_first',
  'Handler_read_last',
  'Handler_read_rnd',
  'Handler_read_rnd_next',
];
const STATUS_SQL = `SHOW SESSION STATUS WHERE Variable_name IN (${[...READS, 'Handler_write', 'Handler_update', 'Handler_delete'].map((v) => `'${v}'`).join(', ')})`;

function mariadbPid(): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(d);
    } catch {
      /* gone */
    }
  }
  return null;
}

/**
 * MariaDB's CPU per execution of each SELECT seen (its last parameters, REPLAY times in a row on one autocommit
 * connection; locking reads lock and release at once), beside `SELECT 1` (the cost of a round trip alone). Measured on
 * the server thread of that connection (its run time in /proc/…/schedstat, in ns), so other clients of a shared server
 * do not count; the figures still move with the machine's load (caches, frequency).
 */
async function replay(env: TestEnv, samples: Map<string, { sql: string; params?: unknown[] }>) {
  const pid = mariadbPid();
  if (pid === null) return console.log('replay: MariaDB does not run on this machine');
  const c = mysql.createConnection({
    ...mysqlEndpoint(env.config.db),
    user: env.config.db.user,
    password: env.config.db.password,
    database: env.config.db.name,
    timezone: 'Z',
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const q = (sql: string, params?: unknown[]) =>
    new Promise<any>((resolve, reject) => c.query(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
  await q(`SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED`);
  // The server thread of this connection (one thread per connection; MariaDB ≥ 10.5 names it in PROCESSLIST.TID).
  const [{ TID: tid }] = await q('SELECT TID FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()');
  const threadMs = () => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  console.log(`replay: MariaDB CPU per execution (µs, its server thread), ${REPLAY} executions each`);
  const run = async (label: string, sql: string, params?: unknown[]) => {
    await q(sql, params);
    const c0 = threadMs();
    for (let i = 0; i < REPLAY; i++) await q(sql, params);
    console.log(`${(((threadMs() - c0) * 1000) / REPLAY).toFixed(0).padStart(6)}   ${label}`);
  };
  await run('SELECT 1 (a round trip alone)', 'SELECT 1');
  for (const [key, s] of samples) if (/^\s*SELECT/i.test(s.sql)) await run(key, s.sql, s.params);
  c.end();
}

async function main() {
  const env = await createTestEnv('bench_marking_sql');
  try {
    const a = await createAlliance(env.ds, '压测教联体');
    const school = await createSchool(env.ds, a.id, '压测中学', 'B1');
    const hash = await AuthService.hashPassword('bench-pass');
    const total = MARKERS + HOLDERS;
    const ins = await env.ds.query(
      `INSERT INTO user (username, display_name, password_hash, alliance_id) VALUES ${Array(total).fill('(?, ?, ?, ?)').join(',')}`,
      Array.from({ length: total }, (_, k) => [`bench${k}`, `阅卷教师${k}`, hash, a.id]).flat(),
    );
    const first = Number(ins.insertId);
    const ids = Array.from({ length: total }, (_, k) => first + k);
    await env.ds.query(
      `INSERT INTO user_role (user_id, role, alliance_id, subject) VALUES ${Array(total).fill('(?, ?, ?, ?)').join(',')}`,
      ids.flatMap((id) => [id, Role.Marker, a.id, SUBJECT]),
    );
    const pool = await seedPool(env, a.id, school.id, ids[0], STUDENTS, 'Q');
    await env.ds.query(
      `INSERT INTO marker_assignment (item_id, marker_id) VALUES ${Array(total * pool.itemIds.length)
        .fill('(?, ?)')
        .join(',')}`,
      ids.flatMap((id) => pool.itemIds.flatMap((it) => [it, id])),
    );
    const tokens = new Map(
      ids.map((id) => [
        id,
        jwt.sign({ sub: id, u: `bench${id}` }, env.config.jwtSecret, { expiresIn: 3600, algorithm: 'HS256' }),
      ]),
    );

    const app = await createApiApp(env.config, { logger: false });
    await app.init();
    const svc = app.get(MarkingLeaseService);
    const auth = app.get(AuthService);
    const actorOf = (id: number) => auth.actorFromToken(tokens.get(id)!);
    // Leases held by markers who are reading (as at city load).
    for (const id of ids.slice(MARKERS)) await svc.next(await actorOf(id), { examId: pool.examId });

    const ds = app.get(DataSource);
    const runner = ds.createQueryRunner();
    type Query = (...args: unknown[]) => Promise<unknown>;
    // Statements go through TypeORM's query runner, or (the marking hot path) through SqlPool's connections.
    const protos = [
      Object.getPrototypeOf(runner) as { query: Query },
      SqlConnection.prototype as unknown as { query: Query },
    ];
    await runner.release();
    const originals = protos.map((p) => p.query);
    const original = originals[0];
    const status = async (self: unknown, q: Query = original) => {
      // On a SqlConnection, past its `query` (which would send the statements it defers along with SHOW STATUS).
      const rows = (
        self instanceof SqlConnection
          ? await new Promise<unknown>((resolve, reject) =>
              self.raw.query(STATUS_SQL, (err, r) => (err ? reject(err) : resolve(r))),
            )
          : await q.apply(self, [STATUS_SQL])
      ) as { Variable_name: string; Value: string }[];
      return new Map(rows.map((r) => [r.Variable_name, Number(r.Value)]));
    };
    // What SHOW STATUS itself adds to the counters between two of its calls.
    let own = new Map<string, number>();
    {
      const r = ds.createQueryRunner();
      await r.connect();
      const s0 = await status(r);
      const s1 = await status(r);
      own = new Map([...s1].map(([k, v]) => [k, v - s0.get(k)!]));
      await r.release();
    }
    type Acc = { calls: number; reads: number; writes: number; ms: number; phase: string };
    const stats = new Map<string, Acc>();
    /** The last statement and parameters seen per key (replayed below when BENCH_SQL_REPLAY is set). */
    const samples = new Map<string, { sql: string; params?: unknown[] }>();
    let phase = 'auth';
    const counting = (original: Query) =>
      async function (this: unknown, ...args: unknown[]) {
        const sql = String(args[0]).replace(/\s+/g, ' ').trim();
        const s0 = await status(this, original);
        const t0 = performance.now();
        const out = await original.apply(this, args);
        const ms = performance.now() - t0;
        const s1 = await status(this, original);
        const d = (k: string) => s1.get(k)! - s0.get(k)! - own.get(k)!;
        const key = `${phase}: ${sql.slice(0, 150)}`;
        const acc = stats.get(key) ?? { calls: 0, reads: 0, writes: 0, ms: 0, phase };
        acc.calls++;
        acc.reads += READS.reduce((s, k) => s + d(k), 0);
        acc.writes += d('Handler_write') + d('Handler_update') + d('Handler_delete');
        acc.ms += ms;
        stats.set(key, acc);
        samples.set(key, { sql: String(args[0]), params: args[1] as unknown[] | undefined });
        return out;
      };
    protos.forEach((p, i) => (p.query = counting(originals[i])));
    let marks = 0;
    try {
      for (let i = 0; i < PAIRS; i++) {
        const id = ids[i % MARKERS];
        phase = 'auth';
        let actor = await actorOf(id);
        phase = 'next';
        const task = await svc.next(actor, { examId: pool.examId });
        if (!task) break;
        phase = 'auth';
        actor = await actorOf(id);
        phase = 'submit';
        await svc.submit(actor, task.taskId, {
          score: randomInt(3, 6),
          clientId: `q${id}-${randomBytes(8).toString('hex')}`,
          secondsSpent: 0,
        });
        marks++;
      }
    } finally {
      protos.forEach((p, i) => (p.query = originals[i]));
    }
    console.log(
      `${marks} sequential marks (auth + next + auth + submit), ${HOLDERS} leases held by others, ${STUDENTS * pool.itemIds.length * 2} tasks`,
    );
    console.log('per mark: calls  rows read  rows written  ms   statement');
    const byPhase = new Map<string, { calls: number; reads: number }>();
    for (const [sql, s] of stats) {
      console.log(
        `${(s.calls / marks).toFixed(2).padStart(6)} ${(s.reads / marks).toFixed(1).padStart(9)} ${(s.writes / marks).toFixed(1).padStart(8)} ${(s.ms / s.calls).toFixed(2).padStart(6)}   ${sql}`,
      );
      const p = byPhase.get(s.phase) ?? { calls: 0, reads: 0 };
      p.calls += s.calls;
      p.reads += s.reads;
      byPhase.set(s.phase, p);
    }
    for (const [p, s] of byPhase)
      console.log(
        `${p}: ${(s.calls / marks).toFixed(1)} statements, ${(s.reads / marks).toFixed(1)} rows read per mark`,
      );
    if (REPLAY > 0) await replay(env, samples);
    await app.close();
  } finally {
    // BENCH_SQL_KEEP=1 leaves the database for EXPLAIN (drop it afterwards).
    if (process.env.BENCH_SQL_KEEP === '1') {
      console.log(`kept database ${env.config.db.name}`);
      await env.ds.destroy();
    } else await env.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
