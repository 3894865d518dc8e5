// The bureau (教育局教研员/督导) of a county: reads its alliances' released results with every school named, never
// before the release, never another county's; writes nothing (every write route of the application refuses it);
// and compares its alliances side by side (GET /api/counties/:id/comparison).
import { writeFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { PUBLIC_KEY } from '../../src/common/roles.decorator.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ReportRepository } from '../../src/reports/report.repository.js';
import { NOT_RELEASED } from '../../src/results/release-gate.js';
import { binaryBody } from '../support/binary-body.js';
import { releaseResults } from '../support/release.js';
import { buildCountyFixture, COUNTY_PASSWORD, type CountyFixture } from '../support/county-fixture.js';
import { appRoutes, fillPath } from '../support/routes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

/**
 * Writes a bureau user may make, each with the reason. Everything else that is not GET/HEAD must answer 403.
 * (Login and logout are @Public and not listed: they are not the actor's writes.)
 */
const BUREAU_WRITES: Record<string, string> = {};

/** The GET routes that answer a bureau user (ids of its county's alliance, exam, school, paper), with the reason. */
const BUREAU_READS: Record<string, string> = {
  'GET /api/auth/me': 'who is logged in',
  'GET /api/counties': 'its counties and their alliances',
  'GET /api/counties/:id/comparison': '量化考核 of its alliances (released results only)',
  'GET /api/counties/:id/comparison.pdf': 'the same comparison as a PDF, with the trend over released exams',
  'GET /api/exam-rules': 'the rule table in words, for everyone',
  'GET /api/alliances/:id': "its alliances' names",
  'GET /api/alliances/:id/exams': 'the exams list of its alliances',
  'GET /api/alliances/:id/schools': 'the schools of its alliances (named to the bureau anyway)',
  'GET /api/exams/:id/state': "an exam's stage and counts of work left (no scores), as for every member",
  'GET /api/exams/:id/subjects': "an exam's subjects, as for every member",
  'GET /api/papers/:id': "a paper's items without answer keys, as for every member of the alliance",
  'GET /api/exams/:id': 'an exam of its alliances',
  'GET /api/exams/:id/analysis': 'released results, every school named (the rule: school_comparison)',
  'GET /api/exams/:id/schools/:schoolId/analysis': "one school's classes and detail of a released exam, named",
  'GET /api/exams/:id/exports/schools.xlsx': 'released school comparison, named',
  'GET /api/exams/:id/exports/items.xlsx': 'released item analysis (test quality)',
  'GET /api/exams/:id/overview': 'the alliance overview of a released exam, every school named (issue 17 item 1)',
  'GET /api/exams/:id/overview.pdf': 'the same overview as a PDF',
  'GET /api/exams/:id/reports': 'the school reports of a released exam',
  'GET /api/reports/:examId/:schoolId.pdf': 'a school report of a released exam',
};

describe('the bureau of a county: read-only, its own county, released results only', () => {
  let env: TestEnv;
  let app: INestApplication;
  let f: CountyFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const get = (url: string, who = 'bureau1') => http().get(url).set('Authorization', `Bearer ${tokens[who]}`);

  beforeAll(async () => {
    env = await createTestEnv('county_bureau');
    f = await buildCountyFixture(env.ds, 'e2e');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ReportRepository).markQueued(f.a1.examId, [f.a1.schoolIds[0]], 0);
    expect((await app.get(ReportRenderService).renderSchoolReport(f.a1.examId, f.a1.schoolIds[0])).status).toBe(
      'ready',
    );
    for (const u of ['bureau1', 'bureau_xs', 'cg1_admin', 'cg1_principal']) {
      const res = await http().post('/api/auth/login').send({ username: u, password: COUNTY_PASSWORD });
      expect(res.status).toBe(200);
      tokens[u] = res.body.token;
    }
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('lists its county with its alliances; others list none', async () => {
    const mine = (await get('/api/counties').expect(200)).body;
    expect(mine).toEqual([
      {
        id: f.countyA,
        name: '城关区',
        code: 'CGQ-e2e',
        alliances: [
          { id: f.a1.allianceId, name: '城关第一教联体', code: 'cg1-e2e' },
          { id: f.a2.allianceId, name: '城关第二教联体', code: 'cg2-e2e' },
        ],
      },
    ]);
    expect((await get('/api/counties', 'cg1_admin').expect(200)).body).toEqual([]);
    expect((await get('/api/counties', 'cg1_principal').expect(200)).body).toEqual([]);
  });

  it('reads the exams of its alliances, not those of another county', async () => {
    const list = (await get(`/api/alliances/${f.a1.allianceId}/exams`).expect(200)).body;
    expect(JSON.stringify(list)).toContain('2026年秋季七年级学业质量监测');
    expect((await get(`/api/alliances/${f.b1.allianceId}/exams`)).status).toBe(403);
  });

  it('reads a released analysis with every school named (no anonymisation key), nothing before the release', async () => {
    const body = (await get(`/api/exams/${f.a1.examId}/analysis`).expect(200)).body;
    expect(body.view).toBe('bureau');
    expect(body.release.released).toBe(true);
    const p = body.papers[0];
    expect(p.schools.map((s: { name: string }) => s.name)).toEqual(f.a1.schoolNames);
    expect(p.anonymisationKey).toBeUndefined();
    expect(p.longitudinal.schools.length).toBeGreaterThan(0);
    // 学业质量监测: no top-N counts for anyone.
    expect(p.schools.every((s: { topN?: unknown }) => s.topN === null)).toBe(true);
    const before = await get(`/api/exams/${f.unreleasedExamId}/analysis`);
    expect({ status: before.status, message: before.body.message }).toEqual({ status: 403, message: NOT_RELEASED });
    // The admin of the alliance still sees it before the release.
    expect((await get(`/api/exams/${f.unreleasedExamId}/analysis`, 'cg1_admin')).status).toBe(200);
  });

  it('reads nothing of another county, nor pupils by name', async () => {
    expect((await get(`/api/exams/${f.b1.examId}/analysis`)).status).toBe(403);
    expect((await get(`/api/exams/${f.b1.examId}/exports/schools.xlsx`)).status).toBe(403);
    expect((await get(`/api/exams/${f.b1.examId}/reports`)).status).toBe(403);
    expect((await get(`/api/reports/${f.b1.examId}/${f.b1.schoolIds[0]}.pdf`)).status).toBe(403);
    // The rule gives the bureau no score list and no 等级 list.
    expect((await get(`/api/exams/${f.a1.examId}/schools/${f.a1.schoolIds[0]}/students`)).status).toBe(403);
    expect((await get(`/api/exams/${f.a1.examId}/exports/students.xlsx`)).status).toBe(403);
  });

  it('downloads the XLSX the rule allows it: schools (named) and items; the school report PDFs', async () => {
    const x = await get(`/api/exams/${f.a1.examId}/exports/schools.xlsx`).buffer(true).parse(binaryBody).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    const names: string[] = [];
    wb.worksheets[0].eachRow((row) => names.push(String(row.getCell(1).value ?? '')));
    for (const n of f.a1.schoolNames.slice(0, 3)) expect(names).toContain(n);
    expect(names.some((n) => /^学校[A-Z]$/.test(n))).toBe(false);
    await get(`/api/exams/${f.a1.examId}/exports/items.xlsx`).buffer(true).parse(binaryBody).expect(200);
    expect((await get(`/api/exams/${f.unreleasedExamId}/exports/items.xlsx`)).status).toBe(403);
    const reports = (await get(`/api/exams/${f.a1.examId}/reports`).expect(200)).body;
    expect(reports.map((r: { schoolName: string }) => r.schoolName)).toEqual(f.a1.schoolNames.slice(0, 3));
    const pdf = await get(`/api/reports/${f.a1.examId}/${f.a1.schoolIds[0]}.pdf`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect((pdf.body as Buffer).subarray(0, 4).toString()).toBe('%PDF');
    expect((await get(`/api/exams/${f.unreleasedExamId}/reports`)).status).toBe(403);
  });

  it('compares the alliances of its county: each one’s latest released exam, 三率一分, gap, CV and VA shares', async () => {
    const body = (await get(`/api/counties/${f.countyA}/comparison`).expect(200)).body;
    expect(body.county).toEqual({ id: f.countyA, name: '城关区', code: 'CGQ-e2e' });
    expect(body.withoutResults).toEqual([]);
    expect(body.groups.map((g: { grade: string; subject: string }) => [g.grade, g.subject])).toEqual([
      ['七年级', '数学'],
    ]);
    const rows = body.groups[0].alliances;
    expect(rows.map((r: { allianceName: string; examId: number }) => [r.allianceName, r.examId])).toEqual([
      ['城关第一教联体', f.a1.examId], // the later exam is not released: not used
      ['城关第二教联体', f.a2.examId],
    ]);
    expect(rows[0]).toMatchObject({
      students: 225,
      suppressed: false,
      outdated: false,
      balanceSchools: 3,
      vaSchools: 3,
    });
    expect(rows[1]).toMatchObject({ students: 210, balanceSchools: 3, vaSchools: 3 });
    for (const r of rows) {
      for (const k of ['mean', 'excellentRate', 'passRate', 'lowRate', 'urbanRuralGap', 'cvOfMeans'])
        expect(typeof r[k]).toBe('number');
      expect(r.urbanRuralGap).toBeGreaterThan(0); // the urban lead schools are ahead in this fixture
      expect(r.vaAboveShare + r.vaBelowShare).toBeLessThanOrEqual(1);
    }
    // The comparison figures are the analysis's own (the alliance's 三率一分).
    const analysis = (await get(`/api/exams/${f.a1.examId}/analysis`).expect(200)).body.papers[0];
    expect(rows[0].mean).toBeCloseTo(analysis.alliance.summary.mean, 4);
    expect(rows[0].passRate).toBeCloseTo(analysis.alliance.summary.passRate, 4);
  });

  it('refuses another county’s comparison (403), and everyone who is not its bureau; 404 for no county', async () => {
    for (const [who, county] of [
      ['bureau1', f.countyB],
      ['bureau_xs', f.countyA],
      ['cg1_admin', f.countyA],
      ['cg1_principal', f.countyA],
    ] as const) {
      const res = await get(`/api/counties/${county}/comparison`, who);
      expect({ who, status: res.status, message: res.body.message }).toEqual({
        who,
        status: 403,
        message: '无权查看该区县',
      });
    }
    expect((await get(`/api/counties/${f.countyB}/comparison`, 'bureau_xs')).status).toBe(200);
    expect((await get('/api/counties/999999/comparison')).status).toBe(404);
    expect((await http().get(`/api/counties/${f.countyA}/comparison`)).status).toBe(401);
  });

  it('downloads the comparison as a PDF (audited); nobody else does', async () => {
    const pdf = await get(`/api/counties/${f.countyA}/comparison.pdf`).buffer(true).parse(binaryBody).expect(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    for (const [who, county] of [
      ['bureau1', f.countyB],
      ['cg1_admin', f.countyA],
      ['cg1_principal', f.countyA],
    ] as const)
      expect((await get(`/api/counties/${county}/comparison.pdf`, who)).status).toBe(403);
    expect((await get('/api/counties/999999/comparison.pdf')).status).toBe(404);
    expect((await http().get(`/api/counties/${f.countyA}/comparison.pdf`)).status).toBe(401);
    const audit = await env.ds.query('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?', [
      'county_comparison.download',
    ]);
    expect(Number(audit[0].n)).toBe(1);
  });

  it('reads, of everything the API serves, only what is listed here (each with its reason)', async () => {
    const reads = appRoutes(app).filter(
      (r) => r.path.startsWith('/api/') && r.method === 'GET' && !Reflect.getMetadata(PUBLIC_KEY, r.handler),
    );
    const ids = {
      id: f.a1.examId,
      examId: f.a1.examId,
      allianceId: f.a1.allianceId,
      schoolId: f.a1.schoolIds[0],
      paperId: f.a1.paperId,
    };
    const served: string[] = [];
    for (const r of reads) {
      const params = r.path.startsWith('/api/alliances/')
        ? { ...ids, id: f.a1.allianceId }
        : r.path.startsWith('/api/papers/')
          ? { ...ids, id: f.a1.paperId }
          : r.path.startsWith('/api/counties/')
            ? { ...ids, id: f.countyA }
            : ids;
      const res = await get(fillPath(r.path, params));
      if (res.status < 300) served.push(`${r.method} ${r.path}`);
    }
    expect(served.sort()).toEqual(Object.keys(BUREAU_READS).sort());
  }, 120_000);

  it('is read-only: every write route of the application answers 403 to a bureau user', async () => {
    const writes = appRoutes(app).filter(
      (r) =>
        r.path.startsWith('/api/') &&
        !['GET', 'HEAD', 'OPTIONS'].includes(r.method) &&
        !Reflect.getMetadata(PUBLIC_KEY, r.handler) &&
        !(`${r.method} ${r.path}` in BUREAU_WRITES),
    );
    expect(writes.length).toBeGreaterThan(40);
    const ids = {
      id: f.a1.examId,
      examId: f.a1.examId,
      allianceId: f.a1.allianceId,
      schoolId: f.a1.schoolIds[0],
      paperId: f.a1.paperId,
    };
    const answers: { route: string; status: number }[] = [];
    for (const r of writes) {
      // Alliance routes get the alliance's id, the rest the exam's (both in the bureau's county).
      const params = r.path.startsWith('/api/alliances/') ? { ...ids, id: f.a1.allianceId } : ids;
      const res = await http()
        [r.method.toLowerCase() as 'post'](fillPath(r.path, params))
        .set('Authorization', `Bearer ${tokens.bureau1}`)
        .send({});
      answers.push({ route: `${r.method} ${r.path}`, status: res.status });
    }
    expect(answers.filter((a) => a.status !== 403)).toEqual([]);
    // The refusal is the bureau's: the alliance's admin making the same empty request gets past it (400: fields).
    const admin = await http()
      .post(`/api/alliances/${f.a1.allianceId}/schools`)
      .set('Authorization', `Bearer ${tokens.cg1_admin}`)
      .send({});
    expect(admin.status).toBe(400);
  }, 120_000);

  it('shows each alliance’s trend over its released exams once a second one is released, in the JSON and the PDF', async () => {
    let body = (await get(`/api/counties/${f.countyA}/comparison`).expect(200)).body;
    expect(body.groups[0].trend.map((t: { points: unknown[] }) => t.points.length)).toEqual([1, 1]);
    await releaseResults(env.ds, f.unreleasedExamId);
    body = (await get(`/api/counties/${f.countyA}/comparison`).expect(200)).body;
    const [a1, a2] = body.groups[0].trend;
    expect(a1.points.map((p: { examId: number }) => p.examId)).toEqual([f.a1.examId, f.unreleasedExamId]);
    expect(a2.points.map((p: { examId: number }) => p.examId)).toEqual([f.a2.examId]);
    for (const p of a1.points) expect(typeof p.cvOfMeans).toBe('number');
    // the table takes the latest released exam now
    expect(body.groups[0].alliances[0].examId).toBe(f.unreleasedExamId);
    const pdf = await get(`/api/counties/${f.countyA}/comparison.pdf`).buffer(true).parse(binaryBody).expect(200);
    if (process.env.COUNTY_PDF_OUT) writeFileSync(process.env.COUNTY_PDF_OUT, pdf.body as Buffer);
    expect((pdf.body as Buffer).length).toBeGreaterThan(10_000);
  });
});
