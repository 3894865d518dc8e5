// bench:reports — every school's diagnostic PDF of one large exam, rendered as the product renders them: by the
// report jobs of the real queue, in separate worker processes, from the stored analysis. 200 schools, 100,000
// students, two subjects (数学, 英语: two papers and 总分) and a prior exam of both (value-added, 纵看).
//
// Not timed: generating the cohort, loading it into MariaDB (bench:analysis's loader), the results job (run here,
// in-process, while the reports queue is paused, so the analyses are stored and the 200 report jobs queued).
// Timed: from resuming the reports queue to the last report marked ready, with the worker processes already
// started. Printed: wall time, every PDF's size, the worker processes' peak RSS (VmHWM).
//
// Then (issue 17) the class reports of every class (BENCH_CLASSES per school, 8), asked for over HTTP
// (GET /api/exams/:id/classes/:classId/report.pdf, an admin's session) from API processes as `npm start` runs them,
// BENCH_CLASS_APIS of them (2, as docker-compose.yml deploys api1 and api2 behind the proxy), one request in flight
// each: the route's whole path (session, release gate, audit, reads, model, PDF) with the product's logging on;
// BENCH_CLASS_APIS=0 renders them in this process instead, one after the other (ClassReportService.pdfFile). Then
// the notices of every student as their route renders them (NoticesService.classPdf), one after the other in this
// process. The results are released and a reduced page copy stored per paper first (not timed).
// BENCH_CLASS_SAMPLE=n / BENCH_NOTICE_STUDENTS=n render only n classes / the classes of about n students, spread
// evenly over the schools, and extrapolate the time of all from them; the output then says "sampled" plainly.
// Goals: school reports ≤ 60 s, class reports ≤ 5 min, notices ≥ 100 students/s.
//
// BENCH_SCHOOL_REPORTS=0 skips the school reports (no workers started), for timing the class reports and notices alone.
// Env: BENCH_STUDENTS (100000), BENCH_SCHOOLS (200), BENCH_ITEMS (30 per subject), BENCH_SEED (1),
// BENCH_WORKERS (2 worker processes, as docker-compose.yml deploys: worker1 and worker2; each runs the reports queue
// at concurrency 1),
// BENCH_KEEP_PDFS=dir to copy the school PDFs (and the class reports rendered) there before the clean-up,
// BENCH_CPU_PROF=dir to write each worker's V8 CPU profile there (node --cpu-prof) and print its heaviest functions.
// The machine is shared: figures are noisy; run it twice before believing a change.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { WorkerModule } from '../../src/app.module.js';
import { redisConnection } from '../../src/queue/connection.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { reportBlobKey } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { loadCohort, type LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { addSubject, generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { Actor } from '../../src/common/actor.js';
import { Role } from '../../src/common/role.js';
import { ClassReportService } from '../../src/reports/class-report.service.js';
import { NoticesService } from '../../src/reports/notices.service.js';
import type { StreamableFile } from '@nestjs/common';
import { classesOf, prepareNotices } from './notice-setup.js';
import { createUser } from '../support/fixtures.js';
import { freePort } from '../support/redis-server.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CLASSES = Number(process.env.BENCH_CLASSES ?? 8);
/** API processes the class reports are asked of (0: rendered in this process). */
const CLASS_APIS = Number(process.env.BENCH_CLASS_APIS ?? 2);
/** 0: every class / every student. */
const CLASS_SAMPLE = Number(process.env.BENCH_CLASS_SAMPLE ?? 0);
/** 0: skip the school reports (no worker processes): the class reports and notices only. */
const SCHOOL_REPORTS = process.env.BENCH_SCHOOL_REPORTS !== '0';
const NOTICE_SAMPLE = Number(process.env.BENCH_NOTICE_STUDENTS ?? 0);
/** The goal: every PDF within this many seconds, each at most this many MB. */
const GOAL_S = 60;
const GOAL_MB = 1.5;
const GOAL_CLASS_S = 300;
const GOAL_NOTICES_PER_S = 100;

const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Generates and loads the cohort: two subjects, prior results of both. */
async function loadExam(env: TestEnv) {
  const avg = STUDENTS / SCHOOLS;
  let t = process.hrtime.bigint();
  const cohort = generateCohort({
    seed: SEED,
    schools: SCHOOLS,
    schoolSize: { min: Math.round(avg * 0.5), max: Math.round(avg * 1.5) },
    items: ITEMS,
  });
  const english = addSubject(cohort, { seed: SEED + 1000, items: ITEMS });
  log(
    `generated ${cohort.students.length} students × 2 subjects × ${ITEMS} items in ${SCHOOLS} schools (${secs(t).toFixed(1)} s)`,
  );
  t = process.hrtime.bigint();
  const db = await loadCohort(env.ds, cohort, {
    prior: 'results',
    batchRows: 10_000,
    classesPerSchool: CLASSES,
    extraSubjects: [{ subject: '英语', ...english }],
  });
  log(`loaded into MariaDB in ${secs(t).toFixed(1)} s (not timed)`);
  return db;
}

/** A worker process as `npm run start:worker` runs it (this build's workers/main.js), on the bench's database. */
function startWorker(env: TestEnv): Promise<ChildProcess> {
  const entry = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../workers/main.js');
  const prof = process.env.BENCH_CPU_PROF;
  const args = prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`, entry] : [entry];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DB_NAME: env.config.db.name,
      QUEUE_PREFIX: env.config.redis.prefix,
      DATA_DIR: env.config.dataDir,
      // No operators' port: several workers on one machine would all want the default one (9465).
      WORKER_OPS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(`[worker ${child.pid}] ${b}`));
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('worker started')) ok(child);
    });
    child.once('exit', (code) => fail(new Error(`worker exited with ${code} before starting`)));
  });
}

/** Peak resident set of a live process, in MB (Linux: VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU time (user + system) a live process has used so far, in seconds (Linux: /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Polls the report rows until every school's report is ready or failed. */
async function waitForReports(env: TestEnv, examId: number, count: number): Promise<Map<string, number>> {
  for (;;) {
    const rows: { status: string; n: number }[] = await env.ds.query(
      'SELECT status, COUNT(*) AS n FROM report WHERE exam_id = ? GROUP BY status',
      [examId],
    );
    const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
    if ((by.get('ready') ?? 0) + (by.get('failed') ?? 0) >= count) return by;
    await sleep(200);
  }
}

/** Self time by function (top 15) of the CPU profiles in a folder: where a report's time goes. */
function printProfiles(dir: string): void {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byNode = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    p.samples.forEach((id, i) => {
      const f = byNode.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    log(`CPU profile ${name}: ${(total / 1000).toFixed(1)} s sampled; heaviest self time:`);
    for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
      log(`  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${(ms / 1000).toFixed(1).padStart(6)} s  ${k}`);
  }
}

/** Every k-th of `all`, about `n` of them spread evenly (all of them when n is 0 or not less). */
function spread<T>(all: T[], n: number): T[] {
  if (!n || n >= all.length) return all;
  const step = all.length / n;
  return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]);
}

/** The file's size in bytes; kept in `copyTo` as well when given (BENCH_KEEP_PDFS). */
async function sizeOf(file: StreamableFile, copyTo?: string | ''): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.getStream()) chunks.push(chunk as Buffer);
  if (copyTo) writeFileSync(copyTo, Buffer.concat(chunks));
  return chunks.reduce((a, c) => a + c.length, 0);
}

type ClassRow = Awaited<ReturnType<typeof classesOf>>[number];

/** The class reports rendered in this process, one after the other, as the route's service renders them. */
async function classReportsHere(service: ClassReportService, admin: Actor, db: LoadedCohort, classes: ClassRow[]) {
  const cpu0 = process.cpuUsage();
  let maxKb = 0;
  const keep = process.env.BENCH_KEEP_PDFS;
  for (const c of classes) {
    const file = await service.pdfFile(admin, db.currentExamId, c.id);
    maxKb = Math.max(maxKb, (await sizeOf(file, keep && join(keep, `class-${c.id}.pdf`))) / 1024);
  }
  const cpu = process.cpuUsage(cpu0);
  return { by: 'this process', cpuMs: (cpu.user + cpu.system) / 1000, maxKb };
}

/** An API process as `npm start` runs it (this build's src/main.js) on the bench's database, logging as in production. */
async function startApi(env: TestEnv): Promise<{ child: ChildProcess; base: string }> {
  const entry = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../src/main.js');
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      JWT_SECRET: process.env.JWT_SECRET ?? 'bench-reports-jwt-secret-0123456789',
      DB_NAME: env.config.db.name,
      QUEUE_PREFIX: env.config.redis.prefix,
      DATA_DIR: env.config.dataDir,
      PORT: String(port),
      // No operators' port: two APIs on one machine would both want the default one (9464).
      OPS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(`[api ${child.pid}] ${b}`));
  await new Promise<void>((ok, fail) => {
    // its request log lines are read and dropped, as a log collector would take them
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('listening') && ok());
    child.once('exit', (code) => fail(new Error(`API exited with ${code} before listening`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

/**
 * The class reports asked for over HTTP by an admin from CLASS_APIS API processes, one request in flight each (as
 * two API instances behind the proxy answer teachers' downloads); CPU is the API processes' own.
 */
async function classReportsOverHttp(env: TestEnv, db: LoadedCohort, classes: ClassRow[]) {
  await createUser(env.ds, 'bench_class_admin', 'bench-class-pass', [{ role: Role.Admin, allianceId: db.allianceId }]);
  const apis: { child: ChildProcess; base: string }[] = [];
  try {
    for (let i = 0; i < CLASS_APIS; i++) apis.push(await startApi(env));
    const login = await fetch(`${apis[0].base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench_class_admin', password: 'bench-class-pass' }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const keep = process.env.BENCH_KEEP_PDFS;
    const cpu0 = apis.map((a) => cpuSeconds(a.child.pid!));
    let next = 0;
    let maxKb = 0;
    await Promise.all(
      apis.map(async ({ base }) => {
        while (next < classes.length) {
          const c = classes[next++];
          const res = await fetch(`${base}/api/exams/${db.currentExamId}/classes/${c.id}/report.pdf`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const body = Buffer.from(await res.arrayBuffer());
          if (res.status !== 200 || body.subarray(0, 5).toString() !== '%PDF-')
            throw new Error(`class ${c.id}: ${res.status} ${body.subarray(0, 200).toString()}`);
          if (keep) writeFileSync(join(keep, `class-${c.id}.pdf`), body);
          maxKb = Math.max(maxKb, body.length / 1024);
        }
      }),
    );
    const cpuMs = apis.reduce((a, api, i) => a + cpuSeconds(api.child.pid!) - cpu0[i], 0) * 1000;
    return { by: `${CLASS_APIS} API process(es) over HTTP`, cpuMs, maxKb };
  } finally {
    for (const a of apis) a.child.kill('SIGTERM');
  }
}

/** Class reports and notices, timed in this process; figures of all classes / students, extrapolated if sampled. */
async function classesAndNotices(env: TestEnv, db: LoadedCohort) {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
  try {
    await prepareNotices(env.ds, app, db);
    const all = await classesOf(env.ds, db.allianceId);
    const students = all.reduce((a, c) => a + c.n, 0);
    const admin = new Actor(0, 'bench', 'bench', [
      { role: Role.Admin, allianceId: db.allianceId, schoolId: null, subject: null },
    ]);

    const sampleC = spread(all, CLASS_SAMPLE);
    const t0 = process.hrtime.bigint();
    const timed = CLASS_APIS
      ? await classReportsOverHttp(env, db, sampleC)
      : await classReportsHere(app.get(ClassReportService), admin, db, sampleC);
    const classS = secs(t0);
    const classCpuMs = timed.cpuMs / sampleC.length;
    const classAllS = (classS / sampleC.length) * all.length;
    log(
      `class reports: ${sampleC.length} of ${all.length} rendered in ${classS.toFixed(1)} s by ${timed.by} ` +
        `(${((classS / sampleC.length) * 1000).toFixed(0)} ms a class, CPU ${classCpuMs.toFixed(0)} ms a class, ` +
        `load ${loadavg()[0].toFixed(1)}, largest ${Math.round(timed.maxKb)} KB)` +
        (sampleC.length < all.length ? `; all ${all.length} extrapolated: ${classAllS.toFixed(0)} s` : ''),
    );

    const notices = app.get(NoticesService);
    const perClass = students / all.length;
    const sampleN = NOTICE_SAMPLE ? spread(all, Math.max(1, Math.round(NOTICE_SAMPLE / perClass))) : all;
    let noticed = 0;
    let bytes = 0;
    const t = process.hrtime.bigint();
    for (const c of sampleN) {
      bytes += await sizeOf(await notices.classPdf(admin, db.currentExamId, c.id));
      noticed += c.n;
    }
    const noticeS = secs(t);
    const rate = noticed / noticeS;
    log(
      `notices: ${noticed} of ${students} students (${sampleN.length} class PDFs) in ${noticeS.toFixed(1)} s, ` +
        `${rate.toFixed(1)} students/s, ${(bytes / noticed / 1024).toFixed(0)} KB a student` +
        (noticed < students ? `; all ${students} extrapolated: ${(students / rate).toFixed(0)} s` : ''),
    );
    return {
      classes: all.length,
      classesRendered: sampleC.length,
      classAllS,
      classCpuMs,
      students,
      noticed,
      noticeAllS: students / rate,
      rate,
    };
  } finally {
    await app.close();
  }
}

type ClassFigures = Awaited<ReturnType<typeof classesAndNotices>>;
const sampledOf = (cn: ClassFigures) => cn.classesRendered < cn.classes || cn.noticed < cn.students;

function classGoals(cn: ClassFigures): string {
  return (
    `goal: class reports within ${GOAL_CLASS_S} s ${cn.classAllS <= GOAL_CLASS_S ? 'met' : 'NOT met'}; ` +
    `notices at ≥ ${GOAL_NOTICES_PER_S} students/s ${cn.rate >= GOAL_NOTICES_PER_S ? 'met' : 'NOT met'}` +
    (sampledOf(cn) ? ' (from a sample, extrapolated)' : '')
  );
}

/** The JSON line's class-report and notice fields. */
function classJson(cn: ClassFigures) {
  return {
    class_reports_s: Math.round(cn.classAllS),
    class_cpu_ms: Math.round(cn.classCpuMs),
    classes: cn.classes,
    classes_rendered: cn.classesRendered,
    notices_s: Math.round(cn.noticeAllS),
    notice_students: cn.students,
    notice_students_rendered: cn.noticed,
    notices_per_s: Number(cn.rate.toFixed(1)),
    sampled: sampledOf(cn),
    load: Number(loadavg()[0].toFixed(1)),
  };
}

async function main() {
  const env = await createTestEnv('bench_reports');
  const workers: ChildProcess[] = [];
  const reports = new Queue(QUEUES.reports, {
    connection: redisConnection(env.config),
    prefix: env.config.redis.prefix,
  });
  try {
    const db = await loadExam(env);
    // The results job stores the analyses and queues one report job per school; paused, they wait for the timing.
    await reports.pause();
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    let t = process.hrtime.bigint();
    const summary = await app.get(ResultsJobService).computeExam(db.currentExamId);
    await app.close();
    log(`results job: ${secs(t).toFixed(1)} s, ${summary.reportsQueued.length} report jobs queued (not timed)`);
    if (!SCHOOL_REPORTS) {
      // BENCH_SCHOOL_REPORTS=0: the class reports and notices only (the school reports' jobs stay paused).
      const cn = await classesAndNotices(env, db);
      log(classGoals(cn));
      log(JSON.stringify({ bench: 'reports', value: null, unit: 's', schools: 0, ...classJson(cn) }));
      return;
    }
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(env));
    log(`${WORKERS} worker process(es) started: ${workers.map((w) => w.pid).join(', ')}`);

    t = process.hrtime.bigint();
    const cpu0 = workers.map((w) => cpuSeconds(w.pid!));
    await reports.resume();
    const by = await waitForReports(env, db.currentExamId, summary.reportsQueued.length);
    const wall = secs(t);
    const workerCpu = workers.reduce((a, w, i) => a + cpuSeconds(w.pid!) - cpu0[i], 0);
    const rss = workers.map((w) => peakRssMb(w.pid!));

    const failed: { schoolId: number; error: string }[] = await env.ds.query(
      "SELECT school_id AS schoolId, error FROM report WHERE exam_id = ? AND status = 'failed'",
      [db.currentExamId],
    );
    for (const f of failed.slice(0, 5)) log(`FAILED school ${f.schoolId}: ${f.error}`);
    const sizes = summary.reportsQueued
      .filter((id) => !failed.some((f) => Number(f.schoolId) === id))
      .map((id) => statSync(join(env.config.dataDir, reportBlobKey(db.currentExamId, id))).size / 1048576);
    const sorted = [...sizes].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    log(`PDF sizes (KB, every school, in school order): ${sizes.map((s) => Math.round(s * 1024)).join(' ')}`);
    log(`PDF size (MB): min ${q(0).toFixed(3)}, median ${q(0.5).toFixed(3)}, max ${q(1 - 1e-9).toFixed(3)}`);
    log(
      `rendered ${by.get('ready') ?? 0} ready / ${by.get('failed') ?? 0} failed in ${wall.toFixed(1)} s ` +
        `(${((wall / Math.max(1, sizes.length)) * 1000).toFixed(0)} ms a report, ${WORKERS} worker(s)); ` +
        `worker CPU ${workerCpu.toFixed(1)} s (${((workerCpu / Math.max(1, sizes.length)) * 1000).toFixed(0)} ms a report); ` +
        `load ${loadavg()[0].toFixed(1)}; worker peak RSS (MB): ${rss.join(', ')}`,
    );
    const keep = process.env.BENCH_KEEP_PDFS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const id of summary.reportsQueued.filter((id) => !failed.some((f) => Number(f.schoolId) === id)))
        copyFileSync(join(env.config.dataDir, reportBlobKey(db.currentExamId, id)), join(keep, `school-${id}.pdf`));
      log(`school PDFs copied to ${keep}`);
    }
    const maxMb = sorted.length ? sorted[sorted.length - 1] : NaN;
    log(
      `goal: all within ${GOAL_S} s ${wall <= GOAL_S ? 'met' : 'NOT met'}; each ≤ ${GOAL_MB} MB ${maxMb <= GOAL_MB ? 'met' : 'NOT met'}`,
    );
    if (failed.length) process.exitCode = 1;
    const cn = await classesAndNotices(env, db);
    log(classGoals(cn));
    log(
      JSON.stringify({
        bench: 'reports',
        value: Number(wall.toFixed(2)),
        unit: 's',
        schools: sizes.length,
        max_mb: Number(maxMb.toFixed(3)),
        peak_rss_mb: Math.max(...rss),
        workers: WORKERS,
        ...classJson(cn),
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => new Promise((done) => (w.once('exit', done), w.kill('SIGTERM')))));
    if (process.env.BENCH_CPU_PROF) printProfiles(resolve(process.env.BENCH_CPU_PROF));
    await reports.close();
    await env.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
