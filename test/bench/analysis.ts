// bench:analysis — the results job at scale: 100,000 students × 30 items across 200 schools, with a prior exam
// of the same cohort (value-added). A generated cohort is loaded into MariaDB with batched multi-row INSERTs
// (not timed): 0/1 items as OMR readings (objective_response), polytomous items as marked final scores, the
// prior exam as computed results. Then ResultsJobService.computeExam is timed end to end (read OMR and marking
// final scores from MySQL, compute, write; the first run is the reported figure, a recompute is printed too), and the pure part alone (resolveOutcomes + analysePaper + longitudinal + serialising the stored JSON) on the same data.
//
// Env: BENCH_STUDENTS (default 100000), BENCH_SCHOOLS (200), BENCH_ITEMS (30), BENCH_SEED (1), BENCH_RECOMPUTE=1 to
// time a second computeExam as well.
// The machine is shared: figures are noisy; run it twice before believing a change.
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../../src/app.module.js';
import { analysePaper } from '../../src/results/domain/exam-analysis.js';
import { generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { resolveOutcomes } from '../../src/results/domain/student-outcomes.js';
import { longitudinal } from '../../src/results/domain/value-added.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { loadCohort } from '../support/synthetic/cohort-loader.js';
import { createTestEnv } from '../support/test-env.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 1);

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main() {
  const avg = STUDENTS / SCHOOLS;
  let t = process.hrtime.bigint();
  const cohort = generateCohort({
    seed: SEED,
    schools: SCHOOLS,
    schoolSize: { min: Math.round(avg * 0.5), max: Math.round(avg * 1.5) },
    items: ITEMS,
  });
  log(`generated ${cohort.students.length} students × ${ITEMS} items in ${SCHOOLS} schools in ${secs(t).toFixed(1)} s`);

  const env = await createTestEnv('bench_analysis');
  try {
    t = process.hrtime.bigint();
    let last = 0;
    const db = await loadCohort(env.ds, cohort, {
      prior: 'results',
      batchRows: 10_000,
      progress: (n) => {
        if (n - last >= 500_000) {
          last = n;
          log(`  loaded ${n} item scores (${secs(t).toFixed(0)} s)`);
        }
      },
    });
    log(`loaded into MariaDB in ${secs(t).toFixed(1)} s (not part of the figure)`);

    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    try {
      const results = app.get(ResultsJobService);
      t = process.hrtime.bigint();
      const summary = await results.computeExam(db.currentExamId);
      const endToEnd = secs(t);
      log(
        `computeExam (first run): ${endToEnd.toFixed(2)} s; ${JSON.stringify(summary.papers)}; phases (ms): ${JSON.stringify(summary.timingsMs)}`,
      );
      if (process.env.BENCH_RECOMPUTE === '1') {
        t = process.hrtime.bigint();
        const again = await results.computeExam(db.currentExamId);
        log(
          `computeExam (recompute, e.g. after an appeal): ${secs(t).toFixed(2)} s; phases (ms): ${JSON.stringify(again.timingsMs)}`,
        );
      }

      // Pure part on the same data, shaped as the service shapes it after reading.
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
        cohort.students
          .filter((s) => !s.absentPrior)
          .map((s) => [db.studentIds[s.index], cohort.prior.totals[s.index]]),
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
      t = process.hrtime.bigint();
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
      log(`compute only: ${computeOnly.toFixed(2)} s (stored JSON ${(json.length / 1024).toFixed(0)} KiB)`);
      clearInterval(sampler);
      const peakMb = Math.round(Math.max(peak, process.memoryUsage.rss()) / 1048576);
      log(
        JSON.stringify({
          bench: 'analysis',
          value: Number(endToEnd.toFixed(3)),
          unit: 's',
          baseline: Number(computeOnly.toFixed(3)),
          ratio: Number((endToEnd / computeOnly).toFixed(2)),
          peak_rss_mb: peakMb,
        }),
      );
    } finally {
      await app.close();
    }
  } finally {
    await env.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
