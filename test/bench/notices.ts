// bench:notices — the student notices of whole classes, rendered as GET /api/exams/:id/classes/:classId/notices.pdf
// renders them (NoticesService.classPdf: the reads, the notices, the reduced sheet JPEGs from the blob store, the
// PDF). Goal of issue 17: at least 100 students/s.
//
// Not timed: generating the cohort, loading it into MariaDB (bench:analysis's loader: one class per school, one read
// page per student and subject), the results job, the sheet layouts and the reduced page copies (one synthetic page
// of each paper, stored once and named by every student's page: a stored copy is read per page all the same).
// Timed: the class PDFs one after the other in this process. Printed as one JSON line.
//
// Env: BENCH_STUDENTS (1000), BENCH_SCHOOLS (20: classes of about 50), BENCH_ITEMS (20 per subject), BENCH_SEED (1).
import { NestFactory } from '@nestjs/core';
import { Actor } from '../../src/common/actor.js';
import { Role } from '../../src/common/role.js';
import { WorkerModule } from '../../src/app.module.js';
import { NoticesService } from '../../src/reports/notices.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { loadCohort } from '../support/synthetic/cohort-loader.js';
import { addSubject, generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { createTestEnv } from '../support/test-env.js';
import { classesOf, prepareNotices } from './notice-setup.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 1000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 20);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 20);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const GOAL = 100;

const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main() {
  const env = await createTestEnv('bench_notices');
  try {
    const avg = STUDENTS / SCHOOLS;
    const cohort = generateCohort({
      seed: SEED,
      schools: SCHOOLS,
      schoolSize: { min: Math.round(avg * 0.8), max: Math.round(avg * 1.2) },
      items: ITEMS,
    });
    const english = addSubject(cohort, { seed: SEED + 1000, items: ITEMS });
    let t = process.hrtime.bigint();
    const db = await loadCohort(env.ds, cohort, { prior: 'results', extraSubjects: [{ subject: '英语', ...english }] });
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    await app.get(ResultsJobService).computeExam(db.currentExamId);
    await prepareNotices(env.ds, app, db);
    const classes = await classesOf(env.ds, db.allianceId);
    log(
      `loaded ${cohort.students.length} students in ${classes.length} classes, 2 subjects × ${ITEMS} items (${secs(t).toFixed(1)} s, not timed)`,
    );

    const admin = new Actor(0, 'bench', 'bench', [
      { role: Role.Admin, allianceId: db.allianceId, schoolId: null, subject: null },
    ]);
    const notices = app.get(NoticesService);
    let bytes = 0;
    let students = 0;
    t = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (const c of classes) {
      const file = await notices.classPdf(admin, db.currentExamId, c.id);
      for await (const chunk of file.getStream()) bytes += (chunk as Buffer).length;
      students += c.n;
    }
    const s = secs(t);
    const rate = students / s;
    // The machine is shared: CPU time of this process (main thread, libuv and sharp threads) says more than wall time.
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    log(
      JSON.stringify({
        bench: 'notices',
        students,
        classes: classes.length,
        seconds: Math.round(s * 10) / 10,
        studentsPerSecond: Math.round(rate * 10) / 10,
        cpuSeconds: Math.round(cpu * 10) / 10,
        studentsPerCpuSecond: Math.round((students / cpu) * 10) / 10,
        loadAverage: (await import('node:os')).loadavg()[0],
        meanPdfKbPerStudent: Math.round(bytes / students / 102.4) / 10,
        goalStudentsPerSecond: GOAL,
        ok: rate >= GOAL,
      }),
    );
    await app.close();
  } finally {
    await env.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
