import type { INestApplicationContext } from '@nestjs/common';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { In } from 'typeorm';
import { execFileSync } from 'node:child_process';
import { Role } from '../../src/common/role.js';
import { WorkerModule } from '../../src/app.module.js';
import { Actor } from '../../src/common/actor.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { Report, ReportStatus } from '../../src/reports/entities/report.entity.js';
import { loadSeedLibrary } from '../../src/suggestions/seed-library.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { SCHOOL_DETAIL_PARTS, type AnalysisSummary } from '../../src/results/domain/analysis-summary.js';
import type { ExamAnalysisData, SchoolAnalysis } from '../../src/results/domain/exam-analysis.js';
import type { PrincipalAnalysisView } from '../../src/results/domain/principal-view.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { FinalItemScore, ScoreSource } from '../../src/marking/entities/final-item-score.entity.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsQueriesService } from '../../src/results/results-queries.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, NAMES, ResultsFixture } from './results-fixture.js';

describe('results job and school reports (real MariaDB, Redis, pdfkit)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let fx: ResultsFixture;
  let job: ResultsJobService;
  let results: ResultsQueriesService;

  const counts = async () => ({
    studentResults: await env.ds.getRepository(StudentResult).count({ where: { examId: fx.examId } }),
    finalScores: await env.ds.getRepository(FinalItemScore).count({ where: { examId: fx.examId } }),
    objective: await env.ds
      .getRepository(FinalItemScore)
      .count({ where: { examId: fx.examId, source: ScoreSource.Objective } }),
    analyses: await env.ds.getRepository(ExamAnalysis).count({ where: { examId: fx.examId } }),
    reports: await env.ds.getRepository(Report).count({ where: { examId: fx.examId } }),
  });
  // Through the repository: each school's part is stored in a row of its own (exam_school_analysis).
  const analysis = async () =>
    (await new ExamAnalysisRepository(env.ds).dataOf(fx.examId, [fx.paperId]))[0] as ExamAnalysisData;
  const principal = (schoolId: number) =>
    new Actor(900, 'p', 'p', [{ role: Role.Principal, allianceId: fx.allianceId, schoolId, subject: null }]);
  const admin = () =>
    new Actor(901, 'a', 'a', [{ role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null }]);

  beforeAll(async () => {
    env = await createTestEnv('results');
    fx = await buildResultsFixture(env.ds);
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    job = app.get(ResultsJobService);
    results = app.get(ResultsQueriesService);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  describe('computeExam', () => {
    let summary: Awaited<ReturnType<ResultsJobService['computeExam']>>;
    beforeAll(async () => {
      summary = await job.computeExam(fx.examId);
    });

    it('writes one result row per roster student of the exam grade, absent and incomplete included', async () => {
      // lead: 6 + absent; member: 7 + the one whose sheet is in the exceptions queue; comparison: 6. Not the 八年级 student.
      expect(summary.papers).toEqual([
        { paperId: fx.paperId, subject: '数学', roster: 21, absent: 1, unscanned: 0, incomplete: 2, included: 18 },
      ]);
      const rows = await env.ds.getRepository(StudentResult).find({ where: { examId: fx.examId } });
      expect(rows).toHaveLength(21);
      expect(rows.find((r) => r.studentId === fx.studentIds.otherGrade)).toBeUndefined();
      expect(rows.find((r) => r.studentId === fx.studentIds.absent)).toMatchObject({
        absent: true,
        total: null,
        schoolId: fx.schools.lead,
      });
      expect(rows.find((r) => r.studentId === fx.studentIds.pendingException)).toMatchObject({
        absent: false,
        total: null,
      });
      expect(rows.find((r) => r.studentId === fx.studentIds.member[6])).toMatchObject({ absent: false, total: null }); // subjective not marked
      const totalOf = (ids: number[]) => ids.map((id) => rows.find((r) => r.studentId === id)!.total);
      expect(totalOf(fx.studentIds.lead)).toEqual([20, 18, 14, 13, 11, 6]);
      expect(totalOf(fx.studentIds.member.slice(0, 6))).toEqual([16, 12, 10, 8, 7, 3]);
      expect(totalOf(fx.studentIds.comparison)).toEqual([16, 13, 13, 14, 10, 12]);
    });

    it('takes objective final scores from OMR by the key without copying them, and lets a marking correction win', async () => {
      // OMR scores are read where ingestion wrote them (objective_response, rule key-v1): the job copies nothing.
      expect(
        await env.ds
          .getRepository(FinalItemScore)
          .count({ where: { examId: fx.examId, source: ScoreSource.Objective } }),
      ).toBe(0);
      const fix = await env.ds
        .getRepository(FinalItemScore)
        .findOneByOrFail({ studentId: fx.studentIds.comparison[5], itemId: fx.itemIds[0] });
      expect(fix).toMatchObject({ score: 3, source: ScoreSource.Marking, ruleVersion: 'arbitration-v1' });
      const [omrFix] = await env.ds.query('SELECT score FROM objective_response WHERE student_id = ? AND item_id = ?', [
        fx.studentIds.comparison[5],
        fx.itemIds[0],
      ]);
      expect(Number(omrFix.score)).not.toBe(3); // the OMR reading differs: the total below counts the correction
      const rows = await env.ds.getRepository(StudentResult).find({ where: { examId: fx.examId } });
      expect(rows.find((r) => r.studentId === fx.studentIds.comparison[5])!.total).toBe(12);
      const [omr] = await env.ds.query('SELECT score FROM objective_response WHERE student_id = ? AND item_id = ?', [
        fx.studentIds.lead[0],
        fx.itemIds[1],
      ]);
      expect(Number(omr.score)).toBe(3);
    });

    it('stores the analysis with hand-computed alliance figures (lead + member only)', async () => {
      const d = await analysis();
      // alliance totals: 20 18 14 13 11 6 | 16 12 10 8 7 3 → sum 138, mean 11.5;
      // squared deviations from 11.5 sum to 281 → SD √(281/12) = 4.8391; median (11+12)/2 = 11.5
      expect(d.alliance).toMatchObject({
        roster: 15,
        absent: 1,
        incomplete: 2,
        n: 12,
        suppressed: false,
        unreliable: true,
      });
      expect(d.alliance.summary).toEqual({
        n: 12,
        mean: 11.5,
        sd: 4.8391,
        median: 11.5,
        min: 3,
        max: 20,
        scoreRate: 0.575,
        excellentRate: 0.1667, // ≥ 17: 20, 18
        passRate: 0.5, // ≥ 12: 20 18 14 13 16 12
        lowRate: 0.25, // < 8: 6 7 3
      });
      // item P: q1 21/12/3 = 0.5833, q2 15/12/3 = 0.4167, q3 102/12/14 = 0.6071
      expect(d.alliance.items!.map((i) => i.scoreRate)).toEqual([0.5833, 0.4167, 0.6071]);
      expect(d.alliance.items!.map((i) => i.mean)).toEqual([1.75, 1.25, 8.5]);
    });

    it('gives each school and the comparison group hand-computed figures against the alliance', async () => {
      const d = await analysis();
      const school = (id: number) => d.schools.find((s) => s.schoolId === id)!;
      const a = school(fx.schools.lead);
      // lead: mean 82/6 = 13.6667; 超均率 2.1667/11.5 = 0.1884; 比均率 118.8406; T = 50 + 21.667/4.8391 = 54.4774
      expect(a.summary).toMatchObject({
        n: 6,
        mean: 13.6667,
        sd: 4.5704,
        median: 13.5,
        excellentRate: 0.3333,
        passRate: 0.6667,
        lowRate: 0.1667,
      });
      expect(a.relative).toEqual({ aboveMeanRate: 0.1884, ratioToMean: 118.8406, tIndex: 54.4774 });
      expect(a.items!.map((i) => i.scoreRate)).toEqual([0.6667, 0.5, 0.7262]);
      const b = school(fx.schools.member);
      // member: mean 56/6 = 9.3333; T = 50 − 21.667/4.8391 = 45.5226
      expect(b).toMatchObject({ roster: 8, incomplete: 2, n: 6 });
      expect(b.summary).toMatchObject({
        mean: 9.3333,
        sd: 4.0689,
        median: 9,
        excellentRate: 0,
        passRate: 0.3333,
        lowRate: 0.3333,
      });
      expect(b.relative).toEqual({ aboveMeanRate: -0.1884, ratioToMean: 81.1594, tIndex: 45.5226 });
      // comparison: 16 13 13 14 10 12 → 78/6 = 13 (the corrected 12 included); T = 50 + 15/4.8391 = 53.0998
      expect(d.comparison.summary).toMatchObject({ n: 6, mean: 13, sd: 1.8257 });
      expect(d.comparison.relative).toEqual({ aboveMeanRate: 0.1304, ratioToMean: 113.0435, tIndex: 53.0998 });
      expect(d.urban.summary!.mean).toBe(13.6667);
      expect(d.rural.summary!.mean).toBe(9.3333);
    });

    it('queues one report per alliance school, none for the comparison school', async () => {
      expect(summary.reportsQueued).toEqual([fx.schools.lead, fx.schools.member]);
      const reports = await env.ds.getRepository(Report).find({ where: { examId: fx.examId } });
      expect(reports.map((r) => [r.schoolId, r.status]).sort()).toEqual([
        [fx.schools.lead, ReportStatus.Queued],
        [fx.schools.member, ReportStatus.Queued],
      ]);
      const jobs = await app.get(JobProducer).queue(QUEUES.reports).getJobs(['waiting', 'delayed', 'prioritized']);
      expect(jobs.map((j) => j.data.schoolId).sort()).toEqual([fx.schools.lead, fx.schools.member].sort());
    });

    it('is idempotent: a second run gives the same rows and the same figures', async () => {
      const before = await counts();
      const dataBefore = await analysis();
      const again = await job.computeExam(fx.examId);
      expect(await counts()).toEqual(before);
      expect(before).toMatchObject({ studentResults: 21, objective: 0, analyses: 1, reports: 2 });
      expect(await analysis()).toEqual(dataBefore);
      expect(again.papers).toEqual(summary.papers);
    });
  });

  describe('reading the analysis', () => {
    it('gives the admin every school by name', async () => {
      const r = await results.analysisFor(admin(), fx.examId);
      expect(r.view).toBe('admin');
      const d = r.papers[0] as AnalysisSummary;
      expect(d.schools.map((s) => s.name).sort()).toEqual(Object.values(NAMES).sort());
    });

    it("gives the admin each school's summary only: classes and per-item figures come per school", async () => {
      const r = await results.analysisFor(admin(), fx.examId);
      const d = r.papers[0] as AnalysisSummary;
      for (const part of SCHOOL_DETAIL_PARTS) expect(d.schools.filter((s) => part in s)).toEqual([]);
      expect(JSON.stringify(r)).not.toContain('"classId"');
      expect(d.schools.find((s) => s.schoolId === fx.schools.lead)?.summary?.mean).toEqual(expect.any(Number));
      const one = await results.schoolAnalysis(admin(), fx.examId, fx.schools.lead);
      const school = one.papers[0].school as SchoolAnalysis;
      expect(school.classes?.map((c) => c.name)).toEqual(['七(1)班']);
      expect(school.items).toHaveLength(one.papers[0].items.length);
      // the summary is the same school's figures
      expect(school.summary).toEqual(d.schools.find((s) => s.schoolId === fx.schools.lead)?.summary);
    });

    it("gives a principal the own school's classes and refuses another school's", async () => {
      const own = await results.schoolAnalysis(principal(fx.schools.member), fx.examId, fx.schools.member);
      expect(own.view).toBe('principal');
      expect(own.papers[0].school?.name).toBe(NAMES.member);
      expect(own.papers[0].school).not.toHaveProperty('schoolIds');
      expect(JSON.stringify(own)).not.toContain(NAMES.lead);
      await expect(
        results.schoolAnalysis(principal(fx.schools.member), fx.examId, fx.schools.lead),
      ).rejects.toBeInstanceOf(ForbiddenException);
    });

    it('gives a principal the own school, the alliance, and other schools only by letter', async () => {
      const r = await results.analysisFor(principal(fx.schools.member), fx.examId);
      expect(r.view).toBe('principal');
      const v = r.papers[0] as PrincipalAnalysisView;
      expect(v.ownSchools.map((s) => s.name)).toEqual([NAMES.member]);
      expect(v.otherSchools).toHaveLength(1);
      // one letter per school of the exam: the other school's and the own school's are A and B in some order
      expect([v.otherSchools[0].label, v.ownSchools[0].label].sort()).toEqual(['学校A', '学校B']);
      expect(v.otherSchools[0].summary!.mean).toBe(13.7); // 13.6667 to 1 decimal (principal-privacy.ts)
      expect(v.alliance.summary!.mean).toBe(11.5);
      const json = JSON.stringify(r);
      expect(json).not.toContain(NAMES.lead);
      expect(json).not.toContain(NAMES.comparison);
      expect(json).not.toContain(`"schoolId":${fx.schools.lead},`);
      expect(json).not.toContain('甲学生'); // never student names
      // urban = the lead school alone, comparison = one school: both would identify it
      expect(v.urban).toBeNull();
      expect(v.comparison).toBeNull();
    });

    it('refuses a principal of another alliance', async () => {
      const stranger = new Actor(902, 's', 's', [
        { role: Role.Principal, allianceId: fx.allianceId + 999, schoolId: 1, subject: null },
      ]);
      await expect(results.analysisFor(stranger, fx.examId)).rejects.toBeInstanceOf(ForbiddenException);
    });

    it("lists a school's students for its principal (as 等级: a 七年级 exam is 学业质量监测) and with totals for the admin, audited; refuses another school's principal", async () => {
      const rows = await results.schoolStudents(principal(fx.schools.lead), fx.examId, fx.schools.lead);
      expect(rows.every((r) => r.total === null)).toBe(true);
      expect(rows.find((r) => r.studentId === fx.studentIds.lead[0])).toMatchObject({ band: 'A', status: 'complete' });
      const admin = new Actor(903, 'a', 'a', [
        { role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null },
      ]);
      const full = await results.schoolStudents(admin, fx.examId, fx.schools.lead);
      expect(rows).toHaveLength(7); // 七年级 only, one paper: the 八年级 student did not sit this exam
      const byId = new Map(full.map((r) => [r.studentId, r]));
      expect(byId.get(fx.studentIds.lead[0])).toMatchObject({
        paperId: fx.paperId,
        subject: '数学',
        status: 'complete',
        absent: false,
        total: 20,
        name: '甲学生1',
        className: '七(1)班',
      });
      expect(byId.get(fx.studentIds.absent)).toMatchObject({ status: 'absent', absent: true, total: null });
      expect(byId.has(fx.studentIds.otherGrade)).toBe(false);
      expect(Object.keys(rows[0])).not.toContain('rank');
      const audit = await env.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ action: 'results.students.view', entityId: String(fx.schools.lead) });
      expect(audit).toMatchObject({
        userId: 900,
        entity: 'school',
        detail: { examId: fx.examId, students: 7, shown: 'grade_band' },
      });
      await expect(results.schoolStudents(principal(fx.schools.member), fx.examId, fx.schools.lead)).rejects.toThrow(
        '无权查看其他学校的学生成绩',
      );
    });
  });

  describe('recomputing after the roster changed', () => {
    it('drops the row of a student who left the exam grade and keeps everything else', async () => {
      const fx2 = await buildResultsFixture(env.ds, 'moved');
      await job.computeExam(fx2.examId);
      const repo = env.ds.getRepository(StudentResult);
      expect(await repo.count({ where: { examId: fx2.examId } })).toBe(21);
      const moved = fx2.studentIds.lead[5];
      const other = await env.ds.query('SELECT class_id AS classId FROM student WHERE id = ?', [
        fx2.studentIds.otherGrade,
      ]);
      await env.ds.query('UPDATE student SET class_id = ? WHERE id = ?', [other[0].classId, moved]);
      const again = await job.computeExam(fx2.examId);
      expect(await repo.count({ where: { examId: fx2.examId } })).toBe(20);
      expect(await repo.findOneBy({ paperId: fx2.paperId, studentId: moved })).toBeNull();
      expect(again.papers[0]).toMatchObject({ roster: 20, included: 17 });
      // lead without its 6: 20 18 14 13 11 → mean 15.2
      const [{ data: d }] = (await new ExamAnalysisRepository(env.ds).ofExam(fx2.examId)) as {
        data: ExamAnalysisData;
      }[];
      expect(d.schools.find((s) => s.schoolId === fx2.schools.lead)).toMatchObject({
        n: 5,
        suppressed: true,
        summary: null,
      });
      // the other exam is untouched
      expect(await repo.count({ where: { examId: fx.examId } })).toBe(21);
    });
  });

  describe('recomputing after an OMR reading was withdrawn', () => {
    it('makes the student incomplete when a re-read sends an objective item to review (no stale copy stays final)', async () => {
      const fx3 = await buildResultsFixture(env.ds, 'reread');
      await job.computeExam(fx3.examId);
      const repo = env.ds.getRepository(StudentResult);
      const student = fx3.studentIds.lead[0];
      expect((await repo.findOneByOrFail({ paperId: fx3.paperId, studentId: student })).total).toBe(20);
      // what ingestion does when a page read again needs a person to decide an item: the response is removed
      await env.ds.query('DELETE FROM objective_response WHERE student_id = ? AND item_id = ?', [
        student,
        fx3.itemIds[1],
      ]);
      const again = await job.computeExam(fx3.examId);
      expect(await repo.findOneByOrFail({ paperId: fx3.paperId, studentId: student })).toMatchObject({
        absent: false,
        total: null,
      });
      expect(again.papers[0]).toMatchObject({ incomplete: 3, included: 17 });
    });
  });

  describe('renderSchoolReport', () => {
    const pdfText = (path: string) => execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });

    it("renders the lead school's PDF from the stored analysis, with its name, 平均分, and no other school's name", async () => {
      const out = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
      expect(out).toEqual({
        status: ReportStatus.Ready,
        blobKey: `reports/${fx.examId}/${fx.schools.lead}.pdf`,
        error: null,
      });
      const blobs = app.get(BlobStore);
      const bytes = await blobs.get(out.blobKey!);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = await blobs.withLocalFile(out.blobKey!, pdfText);
      expect(text).toContain(NAMES.lead);
      expect(text).toContain('平均分');
      expect(text).toContain('2025学年第一学期期中统考 学校质量诊断报告');
      expect(text).toContain('T指数');
      expect(text).toContain('13.67'); // own mean
      expect(text).toContain('11.50'); // alliance mean
      expect(text).toMatch(/学校[AB]/); // the other school's letter (one per school per exam, dealt by a keyed hash)
      expect(text).not.toContain(NAMES.member);
      expect(text).not.toContain(NAMES.comparison);
      // the font is embedded and subsetted
      const fonts = await blobs.withLocalFile(out.blobKey!, (p) => execFileSync('pdffonts', [p], { encoding: 'utf8' }));
      expect(fonts).toMatch(/[A-Z]{6}\+NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes yes/);
      expect(fonts).toMatch(/NotoSansSC-Bold/);
      expect(bytes.length).toBeLessThan(400_000);
      expect(
        await env.ds.getRepository(Report).findOneByOrFail({ examId: fx.examId, schoolId: fx.schools.lead }),
      ).toMatchObject({ status: ReportStatus.Ready, error: null });
    });

    it("judges the member school's items against its own level: six students and a 12-point gap are no finding", async () => {
      const out = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.member);
      const text = (await app.get(BlobStore).withLocalFile(out.blobKey!, pdfText)).replace(/\s+/g, '');
      expect(text).toContain(NAMES.member.replace(/\s+/g, ''));
      // q3: 41/84 = 48.8% vs 60.7% (11.9 points below the alliance) but 50% expected at the school's own level, n = 6
      expect(text).toContain('一元一次方程（3题）1449%50%61%−0.1相称');
      expect(text).toContain('没有超出偶然波动的短板或长项');
      expect(text).not.toContain('是短板');
      expect(text).not.toContain(NAMES.lead);
    });

    it("prints the subject group's suggestions under page 1's levers and records the versions it printed", async () => {
      const [admin] = await env.ds.query('SELECT id FROM `user` WHERE username = ?', [fx.users.admin]);
      await loadSeedLibrary(app, fx.allianceId, admin.id);
      const out = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
      const text = (await app.get(BlobStore).withLocalFile(out.blobKey!, pdfText)).replace(/\s+/g, '');
      expect(text).toContain('五、学科组建议的做法（来自联盟补短板建议库）');
      const row = await env.ds.getRepository(Report).findOneByOrFail({ examId: fx.examId, schoolId: fx.schools.lead });
      expect(row.suggestionVersions!.length).toBeGreaterThan(0);
      const printed: { text: string }[] = await env.ds.query(
        `SELECT text FROM suggestion_version WHERE id IN (${row.suggestionVersions!.map(() => '?').join(',')})`,
        row.suggestionVersions!,
      );
      for (const p of printed) expect(text).toContain(p.text.replace(/\s+/g, '').slice(0, 30));
    });

    it("draws each school's report from a worker's one read of the analyses, and from the new one after a recompute", async () => {
      const render = app.get(ReportRenderService);
      const date = new Date('2026-01-05T00:00:00Z');
      // A worker with no earlier read: what every report must equal.
      const fresh = async (schoolId: number) => {
        const other = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
        try {
          return await other.get(ReportRenderService).model(fx.examId, schoolId, date);
        } finally {
          await other.close();
        }
      };
      const lead = await render.model(fx.examId, fx.schools.lead, date);
      const member = await render.model(fx.examId, fx.schools.member, date); // the lead's read, the member's classes
      expect(member).toEqual(await fresh(fx.schools.member));
      // A marking correction of a lead student, and the results job again.
      const scores = env.ds.getRepository(FinalItemScore);
      const mark = await scores.findOneOrFail({ where: { studentId: In(fx.studentIds.lead), itemId: fx.itemIds[2] } });
      const was = mark.score;
      await scores.update({ id: mark.id }, { score: was > 0 ? 0 : 1 });
      try {
        await job.computeExam(fx.examId);
        const after = await render.model(fx.examId, fx.schools.lead, date);
        expect(after.sections[0].mainTable).not.toEqual(lead.sections[0].mainTable);
        expect(after).toEqual(await fresh(fx.schools.lead));
      } finally {
        await scores.update({ id: mark.id }, { score: was });
        await job.computeExam(fx.examId);
      }
    });

    it('marks the report failed with a Chinese reason when the exam has no analysis yet', async () => {
      const exam2 = await env.ds.getRepository(Exam).save({ allianceId: fx.allianceId, name: '未统计的考试' });
      const out = await app.get(ReportRenderService).renderSchoolReport(exam2.id, fx.schools.lead);
      expect(out).toEqual({ status: ReportStatus.Failed, blobKey: null, error: '该考试的成绩尚未统计，无法生成报告' });
      expect(
        await env.ds.getRepository(Report).findOneByOrFail({ examId: exam2.id, schoolId: fx.schools.lead }),
      ).toMatchObject({ status: 'failed', error: '该考试的成绩尚未统计，无法生成报告', blobKey: null });
      await expect(results.analysisFor(admin(), exam2.id)).rejects.toBeInstanceOf(NotFoundException);
    });
  });
});
