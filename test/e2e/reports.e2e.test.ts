import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { binaryBody } from '../support/binary-body.js';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { ExamKind } from '../../src/exams/domain/exam-disclosure.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, NAMES, ResultsFixture } from '../integration/results-fixture.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('results and reports over HTTP with a real worker', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: keyof ResultsFixture['users']) => ({ Authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    env = await createTestEnv('reports_e2e');
    fx = await buildResultsFixture(env.ds, 'e');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    worker = await startWorkers(env.config, { logger: false, processors: [resultsProcessor, reportProcessor] });
    for (const who of Object.keys(fx.users) as (keyof ResultsFixture['users'])[]) {
      const res = await http().post('/api/auth/login').send({ username: fx.users[who], password: fx.password });
      expect(res.status).toBe(200);
      tokens[who] = res.body.token;
    }
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('only an admin may start the computation', async () => {
    const res = await http().post(`/api/exams/${fx.examId}/results/compute`).set(as('principalA'));
    expect(res.status).toBe(403);
    expect((await http().post(`/api/exams/abc/results/compute`).set(as('admin'))).body.message).toBe(
      '编号格式不正确，应为正整数',
    );
  });

  it('computes results and renders every school report through the queue', async () => {
    const res = await http().post(`/api/exams/${fx.examId}/results/compute`).set(as('admin'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ examId: fx.examId, status: 'queued' });

    let list: { schoolId: number; schoolName: string; status: string; url: string | null }[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      list = (await http().get(`/api/exams/${fx.examId}/reports`).set(as('admin'))).body;
      if (list.length && list.every((r) => r.status === 'ready')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(list.map((r) => [r.schoolName, r.status, r.url])).toEqual([
      [NAMES.lead, 'ready', `/api/reports/${fx.examId}/${fx.schools.lead}.pdf`],
      [NAMES.member, 'ready', `/api/reports/${fx.examId}/${fx.schools.member}.pdf`],
    ]);
  });

  it("lets school A's principal list and download only A's report, and audits the download", async () => {
    const mine = await http().get(`/api/exams/${fx.examId}/reports`).set(as('principalA'));
    expect(mine.status).toBe(200);
    expect(mine.body.map((r: { schoolId: number }) => r.schoolId)).toEqual([fx.schools.lead]);

    const pdf = await http().get(mine.body[0].url).set(as('principalA')).buffer(true).parse(binaryBody);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const audit = await env.ds.getRepository(AuditLog).find({ where: { action: 'report.download' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      entity: 'report',
      detail: { examId: fx.examId, schoolId: fx.schools.lead, asAdmin: false },
    });
    const me = await http().get('/api/auth/me').set(as('principalA'));
    expect(audit[0].userId).toBe(me.body.id);
  });

  it("refuses school B's principal and a marker A's report with 403 in Chinese, and records nothing", async () => {
    const url = `/api/reports/${fx.examId}/${fx.schools.lead}.pdf`;
    const refused = {
      principalB: '无权查看其他学校的报告',
      // a marker sees no results of any exam (the rule of exams/domain/exam-disclosure.ts)
      marker: '按本次考试（学业质量监测·七年级）的成绩使用规定，当前账号不能查看本校统计',
    };
    for (const who of ['principalB', 'marker'] as const) {
      const res = await http().get(url).set(as(who));
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(refused[who]);
    }
    expect((await http().get(url)).status).toBe(401);
    expect(await env.ds.getRepository(AuditLog).count({ where: { action: 'report.download' } })).toBe(1);
    // B's own report is fine
    const own = await http()
      .get(`/api/reports/${fx.examId}/${fx.schools.member}.pdf`)
      .set(as('principalB'))
      .buffer(true)
      .parse(binaryBody);
    expect(own.status).toBe(200);
  });

  it('shows a principal the analysis with other schools anonymised, and the admin everything', async () => {
    const p = await http().get(`/api/exams/${fx.examId}/analysis`).set(as('principalB'));
    expect(p.status).toBe(200);
    expect(p.body.view).toBe('principal');
    expect(p.body.papers[0].ownSchools[0].name).toBe(NAMES.member);
    // One letter per school per exam, dealt over both schools by a keyed hash: the other school is A or B, never
    // the own school's letter.
    const [other] = p.body.papers[0].otherSchools.map((s: { label: string }) => s.label);
    expect(other).toMatch(/^学校[AB]$/);
    expect(other).not.toBe(p.body.papers[0].ownSchools[0].label);
    expect(JSON.stringify(p.body)).not.toContain(NAMES.lead);
    const a = await http().get(`/api/exams/${fx.examId}/analysis`).set(as('admin'));
    expect(a.body.papers[0].alliance.summary.mean).toBe(11.5);
    expect(a.body.papers[0].schools).toHaveLength(3);
    expect((await http().get(`/api/exams/${fx.examId}/analysis`).set(as('marker'))).status).toBe(403);
  });

  it("sends each school's summary only; a school's classes come on their own route, for that school's principal", async () => {
    const all = (await http().get(`/api/exams/${fx.examId}/analysis`).set(as('admin')).expect(200)).body;
    expect(JSON.stringify(all)).not.toMatch(/"classes"|"classId"/);
    const url = (school: number) => `/api/exams/${fx.examId}/schools/${school}/analysis`;
    const lead = (await http().get(url(fx.schools.lead)).set(as('admin')).expect(200)).body;
    expect(lead.papers[0].school.classes.map((c: { name: string }) => c.name)).toEqual(['七(1)班']);
    expect(lead.papers[0].school.summary).toEqual(
      all.papers[0].schools.find((s: { schoolId: number }) => s.schoolId === fx.schools.lead).summary,
    );
    expect((await http().get(url(fx.schools.lead)).set(as('principalA'))).status).toBe(200);
    const refused = await http().get(url(fx.schools.lead)).set(as('principalB'));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('无权查看其他学校的成绩分析');
    expect(JSON.stringify(refused.body)).not.toContain(NAMES.lead);
    expect((await http().get(url(fx.schools.lead)).set(as('marker'))).status).toBe(403);
  });

  it("gives a school's students to its principal only: 等级 for a 学业质量监测, totals for a 九年级 联考", async () => {
    const url = `/api/exams/${fx.examId}/schools/${fx.schools.lead}/students`;
    const first = (body: { studentId: number }[]) => body.find((s) => s.studentId === fx.studentIds.lead[0]);
    const ok = await http().get(url).set(as('principalA'));
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(7);
    // the fixture's exam is 七年级: 学业质量监测, no score list for the school (20 of 20 → A)
    expect(first(ok.body)).toMatchObject({ examNo: expect.any(String), total: null, band: 'A', absent: false });
    expect(ok.body.every((s: { total: number | null }) => s.total === null)).toBe(true);
    expect(first((await http().get(url).set(as('admin'))).body)).toMatchObject({ total: 20, band: 'A' });
    // the same students in a 九年级 校际联考: the principal reads their totals
    const topN = async () =>
      (await http().get(`/api/exams/${fx.examId}/analysis`).set(as('admin'))).body.papers[0].schools.map(
        (s: { topN: unknown }) => s.topN,
      );
    // 学业质量监测: no top-N counts for anyone
    expect((await topN()).every((t: unknown) => t === null)).toBe(true);
    await env.ds.getRepository(Exam).update({ id: fx.examId }, { gradeYear: 9, kind: ExamKind.Joint });
    try {
      expect(first((await http().get(url).set(as('principalA'))).body)).toMatchObject({ total: 20, band: 'A' });
      expect((await topN()).some((t: unknown) => Array.isArray(t))).toBe(true);
    } finally {
      await env.ds.getRepository(Exam).update({ id: fx.examId }, { gradeYear: 7, kind: ExamKind.QualityMonitoring });
    }
    const no = await http().get(`/api/exams/${fx.examId}/schools/${fx.schools.lead}/students`).set(as('principalB'));
    expect(no.status).toBe(403);
    expect(no.body.message).toBe('无权查看其他学校的学生成绩');
  });
});
