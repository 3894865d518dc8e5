// The bureau and alliance overview (issue 17 §1) over HTTP on a generated cohort with a linked prior exam: who may
// read it (admin always; the bureau of the alliance after 成绩发布; nobody else), the JSON and the PDF.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { School } from '../../src/org/entities/school.entity.js';
import { NOT_RELEASED } from '../../src/results/release-gate.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { binaryBody } from '../support/binary-body.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';
import { generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { loadCohort, type LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('alliance overview over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let db: LoadedCohort;
  let names: string[];
  const cohort = generateCohort({ seed: 7, schools: 8, schoolSize: { min: 30, max: 60 }, items: 12 });
  const password = 'pw-123456';
  const who = ['ov_admin', 'ov_bureau', 'ov_bureau_other', 'ov_principal', 'ov_teacher'] as const;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (u: (typeof who)[number]) => ({ Authorization: `Bearer ${tokens[u]}` });
  const url = () => `/api/exams/${db.currentExamId}/overview`;

  beforeAll(async () => {
    env = await createTestEnv('overview_e2e');
    db = await loadCohort(env.ds, cohort);
    const other = await createAlliance(env.ds, '邻县教联体', `OVO${Date.now().toString(36)}`);
    await createUser(env.ds, 'ov_admin', password, [{ role: Role.Admin, allianceId: db.allianceId }]);
    // The county's bureau: a grant per alliance of the county (schoolId and subject null).
    await createUser(env.ds, 'ov_bureau', password, [{ role: Role.Bureau, allianceId: db.allianceId }]);
    await createUser(env.ds, 'ov_bureau_other', password, [{ role: Role.Bureau, allianceId: other.id }]);
    await createUser(env.ds, 'ov_principal', password, [
      { role: Role.Principal, allianceId: db.allianceId, schoolId: db.schoolIds[0] },
    ]);
    await createUser(env.ds, 'ov_teacher', password, [
      { role: Role.Teacher, allianceId: db.allianceId, schoolId: db.schoolIds[0], subject: '数学' },
    ]);
    names = (await env.ds.getRepository(School).findBy({ allianceId: db.allianceId })).map((s) => s.name);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    const results = app.get(ResultsJobService);
    await results.computeExam(db.priorExamId);
    await results.computeExam(db.currentExamId);
    for (const u of who) {
      const res = await http().post('/api/auth/login').send({ username: u, password });
      expect(res.status).toBe(200);
      tokens[u] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('shows the admin every school by name before release, and the bureau nothing until then', async () => {
    const res = await http().get(url()).set(as('ov_admin'));
    expect(res.status).toBe(200);
    expect(res.body.release).toMatchObject({ released: false, outdated: false });
    expect(res.body.pdfUrl).toBe(`/api/exams/${db.currentExamId}/overview.pdf`);
    const s = res.body.overview.subjects[0];
    expect(s.subject).toBe('数学');
    expect(s.schools.map((r: { name: string }) => r.name).sort()).toEqual([...names].sort());
    // Value-added against the linked prior exam, with intervals and the statement in words.
    expect(s.forest.rows.length).toBe(names.length);
    expect(s.schools.every((r: { statement: string | null }) => typeof r.statement === 'string')).toBe(true);
    expect(s.heatmap.schools).toHaveLength(names.length);
    expect(s.balance.trend.length).toBe(2);
    expect(s.quality.alpha).toBeGreaterThan(0);

    const bureau = await http().get(url()).set(as('ov_bureau'));
    expect(bureau.status).toBe(403);
    expect(bureau.body.message).toBe(NOT_RELEASED);
    expect((await http().get(`${url()}.pdf`).set(as('ov_bureau'))).status).toBe(403);
  });

  it('refuses a bureau of another alliance, a principal and a teacher, before and after release', async () => {
    await releaseResults(env.ds, db.currentExamId);
    for (const u of ['ov_bureau_other', 'ov_principal', 'ov_teacher'] as const) {
      const json = await http().get(url()).set(as(u));
      expect([u, json.status]).toEqual([u, 403]);
      expect(json.body.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(JSON.stringify(json.body)).not.toContain(names[1]);
      const pdf = await http().get(`${url()}.pdf`).set(as(u));
      expect([u, pdf.status]).toEqual([u, 403]);
    }
    expect((await http().get(url())).status).toBe(401);
  });

  it('shows the bureau of the alliance the same overview after release, and serves the PDF (audited)', async () => {
    const admin = await http().get(url()).set(as('ov_admin'));
    const bureau = await http().get(url()).set(as('ov_bureau'));
    expect(bureau.status).toBe(200);
    expect(bureau.body.release).toMatchObject({ released: true, outdated: false });
    expect(bureau.body.overview).toEqual(admin.body.overview);

    const pdf = await http().get(`${url()}.pdf`).set(as('ov_bureau')).buffer(true).parse(binaryBody);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain("filename*=UTF-8''");
    // A folder of its own: /tmp/ov does not exist on a fresh machine.
    const file = join(mkdtempSync(join(tmpdir(), 'overview-e2e-')), 'overview.pdf');
    writeFileSync(file, pdf.body as Buffer);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('联盟质量分析总览');
    for (const n of names) expect(text).toContain(n);
    expect(text).toContain('增值森林图');
    expect(text).toContain('学校 × 知识点热力图');
    expect(text).toContain('试题质量');
    const audit = await env.ds.getRepository(AuditLog).find({ where: { action: 'overview.download' } });
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({ examId: db.currentExamId, asAdmin: false });
  });

  it('answers 404 in Chinese before the results are computed, and for an unknown exam', async () => {
    const fresh = await env.ds.getRepository(Exam).save({ allianceId: db.allianceId, name: '未统计的考试' });
    const res = await http().get(`/api/exams/${fresh.id}/overview`).set(as('ov_admin'));
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('该考试的成绩尚未统计，暂无联盟总览');
    expect((await http().get('/api/exams/999999/overview').set(as('ov_admin'))).status).toBe(404);
  });
});
