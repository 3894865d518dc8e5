// 纵看 and value-added through the real stack: a generated cohort loaded into MariaDB, the prior exam linked
// through PATCH /api/exams/:id/longitudinal, both exams computed by ResultsJobService, the stored longitudinal section
// checked against the pure engine on the generator's own totals, and the principal's scoped view.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { analyseItems } from '../../src/results/domain/item-analysis.js';
import { longitudinal, spearman, vaStatement } from '../../src/results/domain/value-added.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import type { StoredLongitudinal } from '../../src/results/domain/stored-longitudinal.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { loadCohort, LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { releaseResults } from '../support/release.js';

describe('value-added on a generated cohort (MariaDB, API)', () => {
  let env: TestEnv;
  let app: INestApplication;
  let db: LoadedCohort;
  let otherAllianceExam: number;
  const cohort = generateCohort({ seed: 42, schools: 12, schoolSize: { min: 35, max: 70 }, items: 12, zeroVaShare: 0 });
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const stored = async (examId: number) =>
    (
      (await env.ds.getRepository(ExamAnalysis).findOneByOrFail({ examId })).data as {
        longitudinal: StoredLongitudinal | null;
      }
    ).longitudinal;

  beforeAll(async () => {
    env = await createTestEnv('va_link');
    db = await loadCohort(env.ds, cohort);
    // The loader links the exams at creation; this test links them through the API instead.
    await env.ds.getRepository(Exam).update({ id: db.currentExamId }, { priorExamId: null });
    const other = await createAlliance(env.ds, '别的教联体', 'OTHER1');
    otherAllianceExam = (await env.ds.getRepository(Exam).save({ allianceId: other.id, name: '别的考试' })).id;
    await createUser(env.ds, 'va_admin', 'pw-123456', [{ role: Role.Admin, allianceId: db.allianceId }]);
    await createUser(env.ds, 'va_principal', 'pw-123456', [
      { role: Role.Principal, allianceId: db.allianceId, schoolId: db.schoolIds[3] },
    ]);
    await releaseResults(env.ds, db.currentExamId);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const who of ['va_admin', 'va_principal']) {
      const res = await http().post('/api/auth/login').send({ username: who, password: 'pw-123456' });
      tokens[who] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('links the prior exam through PATCH, admin only, refusing self, other alliances and cycles in Chinese', async () => {
    const url = `/api/exams/${db.currentExamId}/longitudinal`;
    expect((await http().patch(url).set(as('va_principal')).send({ priorExamId: db.priorExamId })).status).toBe(403);
    const self = await http().patch(url).set(as('va_admin')).send({ priorExamId: db.currentExamId });
    expect(self.status).toBe(400);
    expect(self.body.message).toBe('上次考试不能是本次考试自身');
    const foreign = await http().patch(url).set(as('va_admin')).send({ priorExamId: otherAllianceExam });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe('上次考试不存在或不属于本联盟');
    const badFormula = await http().patch(url).set(as('va_admin')).send({ improvementFormula: 'magic' });
    expect(badFormula.status).toBe(400);
    expect(badFormula.body.message).toContain('提升系数公式');
    expect((await http().patch(url).set(as('va_admin')).send({})).status).toBe(400);

    const ok = await http().patch(url).set(as('va_admin')).send({ priorExamId: db.priorExamId });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: db.currentExamId,
      priorExamId: db.priorExamId,
      improvementFormula: 'va_over_se',
    });
    // The prior exam now may not point back at the current one.
    const cycle = await http()
      .patch(`/api/exams/${db.priorExamId}/longitudinal`)
      .set(as('va_admin'))
      .send({ priorExamId: db.currentExamId });
    expect(cycle.status).toBe(400);
    expect(cycle.body.message).toContain('循环');
    expect(
      await env.ds
        .getRepository(AuditLog)
        .countBy({ action: 'update', entity: 'exam', entityId: String(db.currentExamId) }),
    ).toBe(1);
  });

  it('says so in the stored analysis when the prior exam has no results yet', async () => {
    const results = app.get(ResultsJobService);
    await results.computeExam(db.currentExamId);
    const l = await stored(db.currentExamId);
    expect(l).toMatchObject({
      priorExamId: db.priorExamId,
      unavailable: '上次考试尚未统计成绩，请先计算上次考试的成绩',
    });
  });

  it('stores the same value-added as the pure engine on the generator totals, and recovers the planted order', async () => {
    const results = app.get(ResultsJobService);
    await results.computeExam(db.priorExamId);
    await results.computeExam(db.currentExamId);
    const first = JSON.stringify(await stored(db.currentExamId));
    await results.computeExam(db.currentExamId);
    expect(JSON.stringify(await stored(db.currentExamId))).toBe(first); // idempotent

    const l = (await stored(db.currentExamId)) as Exclude<StoredLongitudinal, { unavailable: string }>;
    const schoolIdx = new Map(db.schoolIds.map((id, i) => [id, i]));
    // The prior paper's α over the alliance, recomputed from the generator's item scores, is reported with the method.
    const k = cohort.prior.items.length;
    const alpha = analyseItems({
      items: cohort.prior.items.map((it, j) => ({ itemId: j + 1, maxScore: it.maxScore })),
      scores: cohort.students
        .filter((s) => !s.absentPrior)
        .map((s) => Array.from(cohort.prior.scores.subarray(s.index * k, (s.index + 1) * k))),
    }).alpha!;
    expect(l.version).toBe(2);
    expect(l.model).toMatchObject({
      kind: 'multilevel_reml',
      contextual: true,
      priorReliability: Math.round(alpha * 1e4) / 1e4,
    });
    const expected = longitudinal({
      priorReliability: Math.round(alpha * 1e4) / 1e4, // as stored with the prior exam's analysis
      schools: db.schoolIds.map((schoolId) => ({ schoolId })),
      current: cohort.students
        .filter((s) => !s.absentNow)
        .map((s) => ({
          studentId: db.studentIds[s.index],
          schoolId: db.schoolIds[s.school],
          total: cohort.current.totals[s.index],
        })),
      prior: new Map(
        cohort.students
          .filter((s) => !s.absentPrior)
          .map((s) => [db.studentIds[s.index], cohort.prior.totals[s.index]]),
      ),
    });
    expect(l.priorPaperId).toBe(db.priorPaperId);
    expect(l.matched).toBe(expected.matched);
    expect(l.matched).toBeLessThan(l.nCurrent); // absent from the prior exam: not matched
    expect(l.model).toEqual(expected.model);
    expect(l.method).toEqual(expected.method);
    expect(l.schools).toEqual(expected.schools);
    for (const s of l.schools) expect(s.verdict).toMatch(/^(above|indistinguishable|below)$/);
    const rho = spearman(
      l.schools.map((s) => cohort.schools[schoolIdx.get(s.schoolId)!].plantedVa),
      l.schools.map((s) => s.va!),
    );
    expect(rho).toBeGreaterThan(0.8);
    // The exam's setting is still the old default 'va_over_se', which now means the size-neutral formula.
    expect(l.improvementFormula.name).toBe('shrunk_over_sd');
  });

  it('switches 提升系数 to 比均率ₜ/比均率ₜ₋₁ when the exam asks for it, and the output names the formula', async () => {
    await http()
      .patch(`/api/exams/${db.currentExamId}/longitudinal`)
      .set(as('va_admin'))
      .send({ improvementFormula: 'ratio_change' })
      .expect(200);
    await app.get(ResultsJobService).computeExam(db.currentExamId);
    const l = (await stored(db.currentExamId)) as Exclude<StoredLongitudinal, { unavailable: string }>;
    expect(l.improvementFormula).toEqual({
      name: 'ratio_change',
      description: '提升系数 = 本次比均率 ÷ 上次比均率（比均率ₜ/比均率ₜ₋₁）',
    });
    for (const s of l.schools) expect(s.improvement!).toBeCloseTo(s.ratioNow! / s.ratioPrior!, 3);
    await http()
      .patch(`/api/exams/${db.currentExamId}/longitudinal`)
      .set(as('va_admin'))
      .send({ improvementFormula: 'va_over_se' })
      .expect(200);
    await app.get(ResultsJobService).computeExam(db.currentExamId);
  });

  it('gives the admin every school and the principal only the own school by name, others by letter', async () => {
    const admin = await http().get(`/api/exams/${db.currentExamId}/analysis`).set(as('va_admin')).expect(200);
    expect(admin.body.papers[0].longitudinal.schools).toHaveLength(db.schoolIds.length);
    const p = await http().get(`/api/exams/${db.currentExamId}/analysis`).set(as('va_principal')).expect(200);
    const l = p.body.papers[0].longitudinal;
    expect(l.schools).toBeUndefined();
    expect(l.ownSchools.map((s: { schoolId: number }) => s.schoolId)).toEqual([db.schoolIds[3]]);
    expect(l.otherSchools).toHaveLength(db.schoolIds.length - 1);
    const labels = p.body.papers[0].otherSchools.map((s: { label: string }) => s.label).sort();
    expect(l.otherSchools.map((s: { label: string }) => s.label).sort()).toEqual(labels);
    const text = JSON.stringify(l.otherSchools);
    expect(text).not.toMatch(/schoolId|matched|nCurrent|模拟学校/);
    // The letters carry the same VA as the admin sees for that school, to whole points (principal-privacy.ts).
    const adminVa = new Set(
      admin.body.papers[0].longitudinal.schools.map((s: { va: number | null }) =>
        s.va === null ? null : Math.round(s.va),
      ),
    );
    for (const o of l.otherSchools) expect(adminVa.has(o.va)).toBe(true);
  });

  it("prints the school's value-added in its PDF: VA with 95% CI, shrunken VA, match rate, 提升系数 with its formula", async () => {
    const schoolId = db.schoolIds[3];
    const out = await app.get(ReportRenderService).renderSchoolReport(db.currentExamId, schoolId);
    expect(out.status).toBe('ready');
    const raw = await app
      .get(BlobStore)
      .withLocalFile(out.blobKey!, (p) => execFileSync('pdftotext', ['-layout', p, '-'], { encoding: 'utf8' }));
    const text = raw.replace(/\s+/g, '');
    const l = (await stored(db.currentExamId)) as Exclude<StoredLongitudinal, { unavailable: string }>;
    const own = l.schools.find((s) => s.schoolId === schoolId)!;
    const sign = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(2)}`;
    expect(text).toContain('进退步（增值评价）');
    expect(text).toContain('上次考试：上学期期末统考（模拟）');
    expect(text).toContain(`增值（分）${sign(own.va!)}`);
    expect(text).toContain(`增值95%置信区间[${sign(own.ciLow!)},${sign(own.ciHigh!)}]`);
    expect(text).toContain(`收缩后增值（分）${sign(own.vaShrunk!)}`);
    expect(text).toContain(`匹配人数/本次参考人数${own.matched}/${own.nCurrent}`);
    expect(text).toContain(`提升系数${own.improvement!.toFixed(2)}`);
    expect(text).toContain('提升系数：提升系数=收缩后增值÷校内残差标准差σ');
    expect(text).toContain(`联盟模型：学生上次成绩每高1分，本次成绩预期高${l.model!.slopes[0].toFixed(4)}分`);
    expect(text).toContain(`本校增值${vaStatement(own.verdict!)}：95%置信区间`);
    expect(text).toContain(`结论${vaStatement(own.verdict!)}`);
    expect(text).toContain('增值的含义：增值回答的问题是：上次成绩相同、生源整体水平也相同的学校相比');
    // other schools only by letter: every other school has one (the own school's letter is dealt too, so which
    // letters appear depends on the keyed deal, not on the school's index)
    // (read in the text with its spaces: the forest plot's labels stand beside the value-added table, whose
    // "T指数" would run into a letter once the spaces are gone)
    const lettersSeen = new Set(raw.match(/学校[A-Z]+(?![A-Za-z])/g) ?? []);
    expect(lettersSeen.size).toBe(db.schoolIds.length - 1);
    const names: { name: string }[] = await env.ds.query('SELECT name FROM school WHERE alliance_id = ? AND id <> ?', [
      db.allianceId,
      schoolId,
    ]);
    for (const n of names) expect(text).not.toContain(n.name);
  });
});
