// A city-sized analysis through the real results job on the real MariaDB (default max_allowed_packet, 16 MB): the
// analysis of one paper, stored as one JSON value, was past the limit and the job failed with "Got a packet bigger than
// 'max_allowed_packet'". Each school's figures and its classes' now sit in exam_school_analysis rows
// (src/results/domain/stored-analysis.ts); the repository reassembles them, so readers see the analysis as before.
// Made cheap by size rather than students: 34 schools × 24 classes × 7 students (5,712) × 100 items ≈ 20 MB as one value.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { WorkerModule } from '../../src/app.module.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import type { ExamAnalysisData } from '../../src/results/domain/exam-analysis.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { loadCohort, type LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const MB = 1024 * 1024;
const SCHOOLS = 34;
const CLASSES = 24;
const PER_CLASS = 7;

describe('a city-sized analysis is stored under max_allowed_packet (MariaDB)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let db: LoadedCohort;
  const size = CLASSES * PER_CLASS;
  const cohort = generateCohort({
    seed: 7,
    schools: SCHOOLS,
    schoolSize: { min: size, max: size },
    items: 100,
    absentRate: 0,
  });

  beforeAll(async () => {
    env = await createTestEnv('analysis_packet');
    db = await loadCohort(env.ds, cohort, { prior: 'results', objective: 'final', classesPerSchool: CLASSES });
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('computes, stores no value near the limit, and reads the same analysis back', async () => {
    const [{ packet }] = await env.ds.query('SELECT @@max_allowed_packet AS packet');
    const summary = await app.get(ResultsJobService).computeExam(db.currentExamId);
    expect(summary.papers.map((p) => p.included)).toEqual([SCHOOLS * size]);

    const [{ paper }] = await env.ds.query('SELECT MAX(LENGTH(data)) AS paper FROM exam_analysis WHERE exam_id = ?', [
      db.currentExamId,
    ]);
    const [{ school, n }] = await env.ds.query(
      'SELECT MAX(LENGTH(school) + COALESCE(LENGTH(classes), 0)) AS school, COUNT(*) AS n FROM exam_school_analysis WHERE exam_id = ?',
      [db.currentExamId],
    );
    expect(Number(n)).toBe(SCHOOLS);
    expect(Number(paper)).toBeLessThan(4 * MB);
    expect(Number(school)).toBeLessThan(4 * MB);

    const analyses = app.get(ExamAnalysisRepository);
    const [stored] = await analyses.ofExam(db.currentExamId);
    const data = stored.data as ExamAnalysisData & { longitudinal?: unknown };
    // The case is really past the limit as one value (else this test would prove nothing).
    expect(JSON.stringify(data).length).toBeGreaterThan(Number(packet));
    expect(data.schools.map((s) => s.schoolId)).toEqual([...db.schoolIds].sort((a, b) => a - b));
    expect(data.schools.every((s) => s.classes?.length === CLASSES && s.classes.every((c) => c.n === PER_CLASS))).toBe(
      true,
    );
    expect(data.alliance.n).toBe(SCHOOLS * size);
    expect(data.longitudinal).toBeTruthy();
    expect('schoolsApart' in data).toBe(false);

    // One school's reading: every school's figures, only its own classes.
    const own = db.schoolIds[3];
    const [one] = await analyses.ofExam(db.currentExamId, { classesOf: [own] });
    const oneData = one.data as ExamAnalysisData;
    expect(oneData.schools.filter((s) => s.classes).map((s) => s.schoolId)).toEqual([own]);
    expect(oneData.schools.find((s) => s.schoolId === own)).toEqual(data.schools.find((s) => s.schoolId === own));
    // A class report's reading: the paper's figures and that one school only, classes and all.
    const [onlyOwn] = (await analyses.dataOfSchool(db.currentExamId, [stored.paperId], own)) as ExamAnalysisData[];
    expect(onlyOwn.schools).toEqual([data.schools.find((s) => s.schoolId === own)]);
    expect({ ...onlyOwn, schools: [] }).toEqual({ ...data, schools: [] });

    // …and the school's report renders from it, its classes in it (PACKET_PDF=path keeps the PDF to look at).
    const out = await app.get(ReportRenderService).renderSchoolReport(db.currentExamId, own);
    expect(out.status).toBe('ready');
    const text = await app.get(BlobStore).withLocalFile(out.blobKey!, (p) => {
      if (process.env.PACKET_PDF) copyFileSync(p, process.env.PACKET_PDF);
      return execFileSync('pdftotext', ['-layout', p, '-'], { encoding: 'utf8' });
    });
    expect(text.replace(/\s+/g, '')).toContain('七年级(24)班');
  }, 180_000);

  it('reads an analysis stored before the split (schools and classes inline in exam_analysis) as it was', async () => {
    const old = {
      version: 1,
      examId: db.priorExamId,
      schools: [
        { schoolId: 1, name: '甲校', classes: [{ classId: 11, name: '1班', n: 9 }] },
        { schoolId: 2, name: '乙校', classes: [{ classId: 21, name: '1班', n: 8 }] },
      ],
      anonymisationKey: 'old-key',
    };
    await env.ds.query('INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?)', [
      db.priorExamId,
      db.priorPaperId,
      JSON.stringify(old),
    ]);
    const analyses = app.get(ExamAnalysisRepository);
    const [row] = await analyses.ofExam(db.priorExamId);
    expect(row.data).toEqual(old);
    const [own] = await analyses.ofExam(db.priorExamId, { classesOf: [2] });
    expect((own.data as typeof old).schools.map((s) => s.classes?.length ?? null)).toEqual([null, 1]);
    expect(await analyses.dataOf(db.priorExamId, [db.priorPaperId])).toEqual([old]);
    const [one] = (await analyses.dataOfSchool(db.priorExamId, [db.priorPaperId], 2)) as (typeof old)[];
    expect(one.schools.map((s) => s.classes?.length ?? null)).toEqual([null, 1]);
  });
});
