// The result page's JSON (GET /api/exams/:id/schools/:schoolId/report, issue 17 item 4): the school report's content
// from the same model as the PDF, for the alliance's admin and the school's own principal, after 成绩发布 only (the
// admin any time), with the PDF and the XLSX exports the reader may have, and "outdated" after a later change.
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Role } from '../../src/common/role.js';
import { NOT_RELEASED } from '../../src/results/release-gate.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { buildResultsFixture, NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import { createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('school report JSON for the result page', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const get = (who: string, schoolId = fx.schools.lead) =>
    http().get(`/api/exams/${fx.examId}/schools/${schoolId}/report`).set('Authorization', `Bearer ${tokens[who]}`);

  beforeAll(async () => {
    env = await createTestEnv('school_report_page');
    fx = await buildResultsFixture(env.ds, 'srp', false);
    await createUser(env.ds, 'teacher_srp', fx.password, [
      { role: Role.Teacher, allianceId: fx.allianceId, schoolId: fx.schools.lead, subject: '数学' },
    ]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ResultsJobService).computeExam(fx.examId);
    for (const id of [fx.schools.lead, fx.schools.member])
      expect((await app.get(ReportRenderService).renderSchoolReport(fx.examId, id)).status).toBe('ready');
    for (const who of [...Object.values(fx.users), 'teacher_srp']) {
      const res = await http().post('/api/auth/login').send({ username: who, password: fx.password });
      expect(res.status).toBe(200);
      tokens[who] = res.body.token;
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('before 成绩发布: the admin reads it (marked unreleased), the principal is refused with the reason', async () => {
    const admin = await get(fx.users.admin).expect(200);
    expect(admin.body.release).toMatchObject({ released: false, outdated: false });
    expect(admin.body.schoolName).toBe(NAMES.lead);
    const p = await get(fx.users.principalA);
    expect(p.status).toBe(403);
    expect(p.body.message).toBe(NOT_RELEASED);
    await releaseResults(env.ds, fx.examId);
  });

  it("gives the principal the own school's report: verdict, sections, charts, the PDF and the exports allowed", async () => {
    const res = await get(fx.users.principalA).expect(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const r = res.body;
    expect(r).toMatchObject({
      examId: fx.examId,
      schoolId: fx.schools.lead,
      schoolName: NAMES.lead,
      release: { released: true, outdated: false },
      pdf: `/api/reports/${fx.examId}/${fx.schools.lead}.pdf`,
    });
    expect(r.verdict.headline).toMatch(/本校/);
    expect(r.verdict.leverKeys).toBeUndefined();
    expect(r.sections).toHaveLength(1);
    const s = r.sections[0];
    expect(s.heading).toBe('数学');
    expect(s.findingList).toBeUndefined();
    expect(s.mainTable.header).toEqual(['指标', '本校', '联盟']);
    // the fixture's lead school: 20 18 14 13 11 6 → mean 13.67; the alliance (lead and member, complete) 11.5
    expect(s.mainTable.rows.find((row: string[]) => row[0] === '平均分')).toEqual(['平均分', '13.67', '11.50']);
    expect(s.charts.map((c: { kind: string }) => c.kind)).toContain('bars');
    // 七年级 学业质量监测: 等级 of the own students, other schools anonymous; no item analysis for a principal
    expect(r.exports).toEqual([
      { label: '本校学生等级（XLSX）', url: `/api/exams/${fx.examId}/exports/students.xlsx` },
      { label: '各校对比（其他学校匿名，XLSX）', url: `/api/exams/${fx.examId}/exports/schools.xlsx` },
    ]);
    // every link given works for this reader
    for (const url of [r.pdf, ...r.exports.map((x: { url: string }) => x.url)])
      expect([
        url,
        (await http().get(url).set('Authorization', `Bearer ${tokens[fx.users.principalA]}`)).status,
      ]).toEqual([url, 200]);
    // nothing of the other school by name
    expect(JSON.stringify(r)).not.toContain(NAMES.member);
    // read like the PDF, recorded like its download
    const views = await env.ds.getRepository(AuditLog).find({ where: { action: 'report.view' } });
    expect(views.at(-1)).toMatchObject({
      entity: 'report',
      detail: { examId: fx.examId, schoolId: fx.schools.lead, asAdmin: false },
    });
  });

  it('the page says what the PDF says: the verdict sentence and the mean', async () => {
    const r = (await get(fx.users.principalA).expect(200)).body;
    const key = `reports/${fx.examId}/${fx.schools.lead}.pdf`;
    const text = execFileSync('pdftotext', ['-layout', app.get(BlobStore).localPath(key)!, '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, '');
    const flat = (x: string) => x.replace(/\s+/g, '');
    expect(text).toContain(flat(r.verdict.headline));
    for (const l of [...r.verdict.standing, ...r.verdict.findings]) expect(text).toContain(flat(l));
    // the PDF prints 核心指标 on its side (a column per figure): 本校's figures in one row, the alliance's in the next
    const main: string[][] = r.sections[0].mainTable.rows;
    expect(main.find((row) => row[0] === '平均分')).toBeDefined();
    expect(text).toContain(flat(main.map((row) => row[0]).join('')));
    expect(text).toContain(flat(['本校', ...main.map((row) => row[1])].join('')));
    expect(text).toContain(flat(['联盟', ...main.map((row) => row[2])].join('')));
    for (const row of r.sections[0].peerTable.rows.slice(1)) expect(text).toContain(flat(row.join('')));
  });

  it("refuses another school's principal, a teacher and a marker; the admin reads any school", async () => {
    const other = await get(fx.users.principalB);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('无权查看其他学校的报告');
    expect((await get(fx.users.principalB, fx.schools.member)).status).toBe(200);
    for (const who of ['teacher_srp', fx.users.marker]) expect((await get(who)).status).toBe(403);
    expect((await http().get(`/api/exams/${fx.examId}/schools/${fx.schools.lead}/report`)).status).toBe(401);
    const admin = await get(fx.users.admin, fx.schools.member).expect(200);
    expect(admin.body.schoolName).toBe(NAMES.member);
    expect(admin.body.exports.map((x: { url: string }) => x.url.split('/').pop())).toEqual([
      'students.xlsx',
      'schools.xlsx',
      'items.xlsx',
    ]);
    const none = await get(fx.users.admin, 999_999);
    expect([none.status, none.body.message]).toEqual([404, '学校不存在']);
  });

  it('says "outdated" once scores change after the release', async () => {
    await env.ds.query(
      'INSERT INTO score_version (exam_id, shard, version, changed_at) VALUES (?, 0, 1, CURRENT_TIMESTAMP(6)) ' +
        'ON DUPLICATE KEY UPDATE version = version + 1',
      [fx.examId],
    );
    expect((await get(fx.users.principalA).expect(200)).body.release).toMatchObject({ released: true, outdated: true });
  });
});
