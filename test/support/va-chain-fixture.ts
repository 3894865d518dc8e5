// The three linked exams of the value-added chain tests (va-chain, the school report page's trend): the synthetic
// cohort's prior exam B and current exam C, and before B an imported exam A (totals only, a noisy measure of the prior
// ability, for everyone present at B), linked A ← B ← C; C released.
import type { DataSource } from 'typeorm';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import { releaseResults } from './release.js';
import { loadCohort, type LoadedCohort } from './synthetic/cohort-loader.js';
import { generateCohort } from './synthetic/synthetic-cohort.js';

export const chainCohort = () =>
  generateCohort({ seed: 7, schools: 12, schoolSize: { min: 20, max: 45 }, items: 12, zeroVaShare: 0 });
export type ChainCohort = ReturnType<typeof chainCohort>;

/** Exam A's total of student `i`: the prior ability, noisier than B's, on 0–100. */
export const chainTotalA = (cohort: ChainCohort, i: number) =>
  Math.max(0, Math.min(100, Math.round(50 + 15 * cohort.students[i].thetaPrior + 6 * Math.sin(i * 12.9898))));

/** Loads the cohort, imports exam A and links it before B; releases C. */
export async function loadVaChain(ds: DataSource, cohort: ChainCohort): Promise<{ db: LoadedCohort; examA: number }> {
  const db = await loadCohort(ds, cohort);
  const a = await ds
    .getRepository(Exam)
    .save({ allianceId: db.allianceId, name: '去年期末（导入）', grade: '六年级', status: ExamStatus.Imported });
  const paper = await ds
    .getRepository(Paper)
    .save({ examId: a.id, subject: '数学', title: '去年期末（数学）', fullMarks: 100, status: PaperStatus.Locked });
  await ds.getRepository(StudentResult).insert(
    cohort.students.map((s) => ({
      examId: a.id,
      paperId: paper.id,
      studentId: db.studentIds[s.index],
      schoolId: db.schoolIds[s.school],
      total: s.absentPrior ? null : chainTotalA(cohort, s.index),
      absent: s.absentPrior,
    })),
  );
  await ds.getRepository(Exam).update({ id: db.priorExamId }, { priorExamId: a.id });
  await releaseResults(ds, db.currentExamId);
  return { db, examA: a.id };
}
