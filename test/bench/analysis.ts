// bench:analysis — the results job at scale: 100,000 students × 30 items across 200 schools, with a prior exam
// of the same cohort (value-added). A generated cohort is loaded into MariaDB with batched multi-row INSERTs
// (not timed): 0/1 items as OMR readings (objective_response), polytomous items as marked final scores, the
// prior exam as computed results. Then ResultsJobService.computeExam is timed end to end (read OMR and marking
// final scores from MySQL, compute, write; the first run is the reported figure, a recompute is printed too), and the pure part alone (resolveOutcomes + analysePaper + longitudinal + serialising the stored JSON) on the same data.
//
// Two cases, each in its own child process so that each peak memory is its own:
//   today: 100,000 students × 30 items in one subject (the figures above);
//   city:  the city 联考 — 100,000 students × 9 subjects × 25 items, with a prior exam in the same 9 subjects
//          (goal ≤ 60 s end to end for computeExam: nine papers, 总分, value-added, reports queued).
// Env: BENCH_CASE (both | today | city; default both), BENCH_STUDENTS (default 100000), BENCH_SCHOOLS (200),
// BENCH_ITEMS (30 today, 25 city), BENCH_SUBJECTS (9, city only), BENCH_SEED (1), BENCH_RECOMPUTE=1 to time a
// second computeExam as well, BENCH_KEEP_DB=<database> to load once and reuse (see withLoadedCase).
// The machine is shared: figures are noisy; run it twice before believing a change, and print `uptime` beside them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import { type Connection, createConnection } from 'mysql2/promise';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../../src/app.module.js';
import { analysePaper } from '../../src/results/domain/exam-analysis.js';
import { addSubject, generateCohort, type SyntheticCohort } from '../support/synthetic/synthetic-cohort.js';
import { resolveOutcomes } from '../../src/results/domain/student-outcomes.js';
import { longitudinal } from '../../src/results/domain/value-added.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { type LoadedCohort, loadCohort, type LoadOptions } from '../support/synthetic/cohort-loader.js';
import { createTestEnv } from '../support/test-env.js';

const CASE = process.env.BENCH_CASE ?? 'both';
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? (CASE === 'city' ? 25 : 30));
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 9);
const SEED = Number(process.env.BENCH_SEED ?? 1);
/** The city case's subjects (the cohort's own first); more than nine repeat with a number. */
const CITY_SUBJECTS = ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '道德与法治'];
const CITY_GOAL_S = 60;
/** Clock ticks a second of /proc's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (s: string) => process.stdout.write(`${s}\n`);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The generated cohort of both cases: STUDENTS in SCHOOLS schools of 0.5–1.5 × the average size, ITEMS items. */
function cohortOfCase(): SyntheticCohort {
  const avg = STUDENTS / SCHOOLS;
  return generateCohort({
    seed: SEED,
    schools: SCHOOLS,
    schoolSize: { min: Math.round(avg * 0.5), max: Math.round(avg * 1.5) },
    items: ITEMS,
  });
}

/** What a case's body gets: the cohort as loaded and the worker's results job. */
interface LoadedCase {
  db: LoadedCohort;
  results: ResultsJobService;
  /** The database's name (MariaDB's CPU on its connections is measured). */
  database: string;
}

/**
 * Loads the cohort into a database of its own (not timed; `progress` prints the loader's row counts), starts the
 * worker's module on it, runs `body`, and drops the database whatever happens. With BENCH_KEEP_DB=<name> the
 * database is that one and kept: the first run loads it and notes what it loaded (table bench_loaded), later runs
 * reuse it (the cohort must be the same: same BENCH_* settings) after deleting the current exam's totals, so that
 * computeExam writes them again as on a first run (its analyses stay: the anonymisation key, hence the letters, too).
 */
async function withLoadedCase(
  envLabel: string,
  cohort: SyntheticCohort,
  options: LoadOptions,
  loaded: (db: LoadedCohort, seconds: number) => string,
  body: (c: LoadedCase) => Promise<void>,
): Promise<void> {
  const keep = process.env.BENCH_KEEP_DB ? `${process.env.BENCH_KEEP_DB}_${CASE}` : undefined;
  const env = await createTestEnv(envLabel, { keep });
  try {
    const db = (keep && (await keptCohort(env.ds))) || (await loadTimed(env.ds, cohort, options, loaded, !!keep));
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    try {
      await body({ db, results: app.get(ResultsJobService), database: env.config.db.name });
    } finally {
      await app.close();
    }
  } finally {
    await env.cleanup();
  }
}

async function loadTimed(
  ds: DataSource,
  cohort: SyntheticCohort,
  options: LoadOptions,
  loaded: (db: LoadedCohort, seconds: number) => string,
  keep: boolean,
): Promise<LoadedCohort> {
  const t = process.hrtime.bigint();
  const db = await loadCohort(ds, cohort, { prior: 'results', batchRows: 10_000, ...options });
  log(loaded(db, secs(t)));
  if (keep) {
    await ds.query('CREATE TABLE bench_loaded (id INT PRIMARY KEY, data LONGTEXT NOT NULL)');
    await ds.query('INSERT INTO bench_loaded (id, data) VALUES (1, ?)', [JSON.stringify(db)]);
  }
  return db;
}

/** The cohort a kept database holds (null: none yet), its current exam's totals deleted. */
async function keptCohort(ds: DataSource): Promise<LoadedCohort | null> {
  const [table] = await ds.query(
    "SELECT 1 AS x FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'bench_loaded'",
  );
  if (!table) return null;
  const [row]: { data: string }[] = await ds.query('SELECT data FROM bench_loaded WHERE id = 1');
  const db = JSON.parse(row.data) as LoadedCohort;
  await ds.query('DELETE FROM student_result WHERE exam_id = ?', [db.currentExamId]);
  log(
    `reusing the cohort kept in ${ds.options.database} (current exam's totals deleted: written again as on a first run)`,
  );
  return db;
}

/**
 * MariaDB's CPU time spent on one database's connections, sampled every 100 ms: the server's threads serving them
 * (information_schema.PROCESSLIST's TID, one thread a connection) read from /proc/<mysqld>/task/<tid>/stat, and the
 * whole server's (other helpers' work included). Each sample's growth is put on the phase the job was in then.
 */
class MariaDbCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly samples: { at: number; ms: number }[] = [];
  private timer?: NodeJS.Timeout;
  private server0 = 0;
  private busy = false;

  private constructor(
    private readonly conn: Connection,
    private readonly pid: string,
    private readonly database: string,
  ) {}

  static async start(database: string): Promise<MariaDbCpu | null> {
    const pid = readdirSync('/proc').find((d) => /^\d+$/.test(d) && /^(mariadbd|mysqld)$/.test(commOf(d)));
    if (!pid) return null;
    const conn = await createConnection({ socketPath: '/run/mysqld/mysqld.sock', user: 'root' });
    const probe = new MariaDbCpu(conn, pid, database);
    probe.server0 = cpuMsOf(`/proc/${pid}/stat`);
    await probe.sample();
    probe.timer = setInterval(() => void probe.sample(), 100);
    return probe;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [rows] = await this.conn.query('SELECT TID AS tid FROM information_schema.PROCESSLIST WHERE DB = ?', [
        this.database,
      ]);
      for (const { tid } of rows as { tid: number }[]) {
        const ms = cpuMsOf(`/proc/${this.pid}/task/${tid}/stat`);
        if (!this.first.has(tid)) this.first.set(tid, ms);
        this.last.set(tid, ms);
      }
      let total = 0;
      for (const [tid, ms] of this.last) total += ms - this.first.get(tid)!;
      this.samples.push({ at: Date.now(), ms: total });
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling: this database's connections' CPU ms, per phase of `laps`, and the whole server's. */
  async stop(
    laps: [string, number][],
  ): Promise<{ totalMs: number; serverMs: number; byPhase: Record<string, number> }> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await this.sample();
    await this.conn.end();
    const byPhase: Record<string, number> = {};
    for (let k = 1; k < this.samples.length; k++) {
      const { at, ms } = this.samples[k];
      const phase = laps.find(([, end]) => end >= at)?.[0] ?? 'after';
      byPhase[phase] = (byPhase[phase] ?? 0) + ms - this.samples[k - 1].ms;
    }
    const totalMs = this.samples.at(-1)?.ms ?? 0;
    return { totalMs, serverMs: cpuMsOf(`/proc/${this.pid}/stat`) - this.server0, byPhase };
  }
}

function commOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** utime + stime of a /proc stat file, in ms (0 when the thread is gone). */
function cpuMsOf(path: string): number {
  try {
    const f = readFileSync(path, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
  } catch {
    return 0;
  }
}

/** One computeExam timed: wall seconds, this process's CPU seconds, MariaDB's CPU on its connections, its summary. */
async function timedCompute(results: ResultsJobService, examId: number, database: string) {
  const profile = await startProfile();
  const db = await MariaDbCpu.start(database);
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const summary = await results.computeExam(examId);
  const wall = secs(t);
  const cpu = process.cpuUsage(cpu0);
  const mariadb = db ? await db.stop(summary.laps ?? []) : null;
  await profile?.();
  return { wall, cpuS: (cpu.user + cpu.system) / 1e6, summary, mariadb };
}

/**
 * With BENCH_CPU_PROF=<file>, a CPU profile of computeExam alone (Chrome's .cpuprofile format) written there; returns
 * what stops it.
 */
async function startProfile(): Promise<(() => Promise<void>) | null> {
  const file = process.env.BENCH_CPU_PROF;
  if (!file) return null;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((ok, fail) => session.post(method, (err, res) => (err ? fail(err) : ok(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile of computeExam written to ${file}`);
  };
}

/** The phases' wall ms, Node CPU ms and MariaDB CPU ms, one line. */
function phaseLine(r: Awaited<ReturnType<typeof timedCompute>>): string {
  const db = r.mariadb;
  return (
    `wall ${JSON.stringify(r.summary.timingsMs)}; Node CPU ${JSON.stringify(r.summary.cpuMs)}` +
    (db
      ? `; MariaDB CPU on this database's connections ${Math.round(db.totalMs)} ms ${JSON.stringify(
          Object.fromEntries(Object.entries(db.byPhase).map(([k, v]) => [k, Math.round(v)])),
        )}, whole server ${Math.round(db.serverMs)} ms (other helpers' included)`
      : '')
  );
}

/** With BENCH_RECOMPUTE=1, a second computeExam (as after an appeal), printed by `line`. */
async function recomputeIfAsked(
  c: LoadedCase,
  line: (seconds: number, cpuS: number, phases: string) => string,
): Promise<void> {
  if (process.env.BENCH_RECOMPUTE !== '1') return;
  const again = await timedCompute(c.results, c.db.currentExamId, c.database);
  log(line(again.wall, again.cpuS, phaseLine(again)));
}

/** The peak RSS sampled so far, in MB; stops the sampler. */
function peakMb(): number {
  clearInterval(sampler);
  return Math.round(Math.max(peak, process.memoryUsage.rss()) / 1048576);
}

/** A loader progress callback printing every `step` rows (the counter restarts at each paper). */
function loadProgress(step: number, line: (rows: number, seconds: number) => string): (rows: number) => void {
  const t = process.hrtime.bigint();
  let last = 0;
  return (n) => {
    if (n < last) last = 0; // the next paper
    if (n - last < step) return;
    last = n;
    log(line(n, secs(t)));
  };
}

/** The city 联考: nine subjects of the same cohort, loaded as nine papers of both exams; computeExam timed. */
async function city() {
  const t = process.hrtime.bigint();
  const cohort = cohortOfCase();
  const names = Array.from({ length: SUBJECTS }, (_, i) => CITY_SUBJECTS[i] ?? `科目${i + 1}`);
  const extraSubjects = names.slice(1).map((subject, i) => ({
    subject,
    ...addSubject(cohort, { seed: SEED * 1000 + i + 1, items: ITEMS }),
  }));
  log(
    `[city] generated ${cohort.students.length} students × ${SUBJECTS} subjects × ${ITEMS} items in ${SCHOOLS} schools in ${secs(t).toFixed(1)} s`,
  );
  const options: LoadOptions = {
    subject: names[0],
    extraSubjects,
    progress: loadProgress(1_000_000, (n, s) => `  loaded ${n} item scores of a paper (${s.toFixed(0)} s)`),
  };
  const loaded = (db: LoadedCohort, s: number) =>
    `[city] loaded ${db.papers.length} papers into MariaDB in ${s.toFixed(1)} s (not part of the figure)`;
  await withLoadedCase('bench_analysis_city', cohort, options, loaded, async (c) => {
    peak = process.memoryUsage.rss();
    const startMb = Math.round(peak / 1048576);
    const first = await timedCompute(c.results, c.db.currentExamId, c.database);
    const { wall: endToEnd, cpuS, summary, mariadb } = first;
    const dbS = (mariadb?.totalMs ?? 0) / 1000;
    // On a shared machine wall time follows the other load; Node's CPU + MariaDB's bound a quiet run's wall time.
    log(
      `[city] computeExam (first run): ${endToEnd.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU of this process + ${dbS.toFixed(2)} s of MariaDB's on its connections; load ${load()}`,
    );
    log(`[city] phases (ms, summed over the papers): ${phaseLine(first)}`);
    log(`[city] papers: ${summary.papers.map((p) => JSON.stringify(p)).join(' ')}`);
    await recomputeIfAsked(
      c,
      (s, cpu, phases) => `[city] computeExam (recompute): ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU; ${phases}`,
    );
    const peakRss = peakMb();
    log(
      `[city] peak RSS during computeExam: ${peakRss} MB (${startMb} MB at its start: the cohort and what loading left)`,
    );
    log(
      JSON.stringify({
        bench: 'analysis-city',
        value: Number(endToEnd.toFixed(3)),
        unit: 's',
        goal: CITY_GOAL_S,
        met: endToEnd <= CITY_GOAL_S,
        students: cohort.students.length,
        subjects: SUBJECTS,
        items: ITEMS,
        cpu_s: Number(cpuS.toFixed(2)),
        mariadb_cpu_s: Number(dbS.toFixed(2)),
        peak_rss_mb: peakRss,
        start_rss_mb: startMb,
        load: load(),
      }),
    );
  });
}

/** Both cases, one child process each (a clean heap and its own peak memory), today's first. */
function both(): void {
  let failed = false;
  for (const c of ['today', 'city']) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]], {
      env: { ...process.env, BENCH_CASE: c },
      stdio: 'inherit',
    });
    if (r.status !== 0) failed = true;
  }
  clearInterval(sampler);
  if (failed) process.exit(1);
}

async function today() {
  const t = process.hrtime.bigint();
  const cohort = cohortOfCase();
  log(
    `[today] generated ${cohort.students.length} students × ${ITEMS} items in ${SCHOOLS} schools in ${secs(t).toFixed(1)} s`,
  );
  const options: LoadOptions = {
    progress: loadProgress(500_000, (n, s) => `  loaded ${n} item scores (${s.toFixed(0)} s)`),
  };
  const loaded = (_db: LoadedCohort, s: number) =>
    `[today] loaded into MariaDB in ${s.toFixed(1)} s (not part of the figure)`;
  await withLoadedCase('bench_analysis', cohort, options, loaded, async (c) => {
    const { db } = c;
    const first = await timedCompute(c.results, db.currentExamId, c.database);
    const { wall: endToEnd, cpuS, summary } = first;
    log(
      `[today] computeExam (first run): ${endToEnd.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU of this process; load ${load()}; ${JSON.stringify(summary.papers)}; phases (ms): ${phaseLine(first)}`,
    );
    await recomputeIfAsked(
      c,
      (s, cpu, phases) =>
        `computeExam (recompute, e.g. after an appeal): ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU; ${phases}`,
    );
    const computeOnly = pureCompute(cohort, db);
    const peakRss = peakMb();
    log(
      JSON.stringify({
        bench: 'analysis',
        value: Number(endToEnd.toFixed(3)),
        unit: 's',
        baseline: Number(computeOnly.toFixed(3)),
        ratio: Number((endToEnd / computeOnly).toFixed(2)),
        peak_rss_mb: peakRss,
      }),
    );
  });
}

/** The pure part alone on the same data, shaped as the service shapes it after reading: seconds. */
function pureCompute(cohort: SyntheticCohort, db: LoadedCohort): number {
  const roster = cohort.students.map((s) => ({
    studentId: db.studentIds[s.index],
    schoolId: db.schoolIds[s.school],
  }));
  const present = new Set(cohort.students.filter((s) => !s.absentNow).map((s) => db.studentIds[s.index]));
  const scores: { studentId: number; itemId: number; score: number }[] = [];
  for (const s of cohort.students) {
    if (s.absentNow) continue;
    for (let j = 0; j < ITEMS; j++)
      scores.push({
        studentId: db.studentIds[s.index],
        itemId: db.currentItemIds[j],
        score: cohort.current.scores[s.index * ITEMS + j],
      });
  }
  const prior = new Map(
    cohort.students.filter((s) => !s.absentPrior).map((s) => [db.studentIds[s.index], cohort.prior.totals[s.index]]),
  );
  // 0/1 items are single choice with key A (as the loader writes them), so option shares are computed too.
  const items = cohort.current.items.map((it, j) => ({
    itemId: db.currentItemIds[j],
    seq: it.seq,
    label: String(it.seq),
    maxScore: it.maxScore,
    knowledgePoints: [] as string[],
    choice: it.maxScore === 1 ? { optionCount: 4, key: 'A', multiple: false } : null,
  }));
  const marked = new Map<number, Record<number, string>>();
  for (const s of cohort.students) {
    if (s.absentNow) continue;
    const rec: Record<number, string> = {};
    cohort.current.items.forEach((it, j) => {
      if (it.maxScore === 1) rec[db.currentItemIds[j]] = cohort.current.scores[s.index * ITEMS + j] ? 'A' : 'B';
    });
    marked.set(db.studentIds[s.index], rec);
  }
  const schools = cohort.schools.map((s, i) => ({
    schoolId: db.schoolIds[i],
    name: `S${i}`,
    kind: s.kind,
    locality: s.locality,
  }));
  const t = process.hrtime.bigint();
  const outcomes = resolveOutcomes({
    roster,
    processed: present,
    pending: new Set(),
    itemIds: db.currentItemIds,
    scores,
  });
  const data = analysePaper({
    examId: db.currentExamId,
    paper: { paperId: db.currentPaperId, subject: '数学', fullMarks: cohort.current.fullMarks },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items,
    schools,
    outcomes,
    marked,
  });
  const l = longitudinal({
    schools: schools.map((s) => ({ schoolId: s.schoolId })),
    current: outcomes
      .filter((o) => o.status === 'complete')
      .map((o) => ({ studentId: o.studentId, schoolId: o.schoolId, total: o.total as number })),
    prior,
  });
  const json = JSON.stringify({ ...data, longitudinal: l });
  const computeOnly = secs(t);
  log(`[today] compute only: ${computeOnly.toFixed(2)} s (stored JSON ${(json.length / 1024).toFixed(0)} KiB)`);
  return computeOnly;
}

const run = CASE === 'both' ? async () => both() : CASE === 'city' ? city : today;
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
