// Student and parent notices over HTTP (issue 17 item 3): the class PDF and its codes for the admin and the class's
// principal only, nothing before 成绩发布, and the private page's API: a code opens one student's notice (等级 only for
// a 学业质量监测, the own score for a senior joint exam), a wrong or revoked code is refused in Chinese, and the
// throttle answers 429 per address and per code. Every open is audited.
import { writeFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { NO_NOTICE_SCOPE, NOTICE_NOT_RELEASED, REVOKED_CODE, WRONG_CODE } from '../../src/reports/notices.service.js';
import { NOT_RELEASED } from '../../src/results/release-gate.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { Role } from '../../src/common/role.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { createUser } from '../support/fixtures.js';
import { binaryBody } from '../support/binary-body.js';
import { layOutPaper, sheetImages } from '../support/notice-sheets.js';
import { releaseResults } from '../support/release.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

// [q1, q2, q3] of the lead school's students (results-fixture.ts A_ROWS)
const A_ROWS = [
  [3, 3, 14],
  [3, 3, 12],
  [3, 0, 11],
  [0, 3, 10],
  [3, 0, 8],
  [0, 0, 6],
];

describe('student notices: class PDF, codes and the private page', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  let classId: number;
  let otherClassId: number;
  const tokens: Record<string, string> = {};
  const teacherTokens: Record<string, string> = {};
  const asTeacher = (who: 'head' | 'math' | 'otherHead') => ({ Authorization: `Bearer ${teacherTokens[who]}` });
  let codes: { studentId: number; name: string; code: string }[] = [];
  let ip = 10;
  const http = () => request(app.getHttpServer());
  const as = (who: keyof ResultsFixture['users']) => ({ Authorization: `Bearer ${tokens[who]}` });
  const pdfUrl = (cls = classId) => `/api/exams/${fx.examId}/classes/${cls}/notices.pdf`;
  const codesUrl = (cls = classId) => `/api/exams/${fx.examId}/classes/${cls}/notice-codes`;
  /** Each test its own address (trust proxy 1), so one test's failures do not throttle another's. */
  const open = (code: string, from = `203.0.113.${ip}`) =>
    http().post('/api/notice').set('X-Forwarded-For', from).send({ code });

  beforeAll(async () => {
    env = await createTestEnv('notices_e2e');
    fx = await buildResultsFixture(env.ds, 'nt', false);
    app = await createApiApp({ ...env.config, trustProxyHops: 1 }, { logger: false });
    await app.init();
    await app.get(ResultsJobService).computeExam(fx.examId);
    const layout = await layOutPaper(env.ds, fx.paperId);
    const lead = await env.ds.query('SELECT id, exam_no AS examNo, class_id AS classId FROM student WHERE id IN (?)', [
      fx.studentIds.lead,
    ]);
    classId = Number(lead[0].classId);
    otherClassId = Number(
      (await env.ds.query('SELECT class_id AS c FROM student WHERE id = ?', [fx.studentIds.member[0]]))[0].c,
    );
    const [q1, q2, q3] = fx.itemIds;
    await sheetImages(
      env.ds,
      app.get(BlobStore),
      layout,
      fx.studentIds.lead.map((id, n) => ({
        id,
        examNo: lead.find((r: { id: number }) => Number(r.id) === id).examNo,
        choices: { [q1]: A_ROWS[n][0] ? 'B' : 'A', [q2]: A_ROWS[n][1] ? 'C' : '' },
        subjective: { [q3]: A_ROWS[n][2] },
      })),
      (id) => id !== fx.studentIds.lead[5], // the last one's page predates reduced copies
    );
    for (const who of Object.keys(fx.users) as (keyof ResultsFixture['users'])[]) {
      const res = await http().post('/api/auth/login').send({ username: fx.users[who], password: fx.password });
      tokens[who] = res.body.token;
    }
    // 班主任 of the class, 任课教师 (数学) of it, and the 班主任 of the member school's class
    const teachers: [string, { schoolId: number; classId: number; subject?: string }][] = [
      ['head', { schoolId: fx.schools.lead, classId }],
      ['math', { schoolId: fx.schools.lead, classId, subject: '数学' }],
      ['otherHead', { schoolId: fx.schools.member, classId: otherClassId }],
    ];
    for (const [who, g] of teachers) {
      await createUser(env.ds, `t_${who}_nt`, fx.password, [{ role: Role.Teacher, allianceId: fx.allianceId, ...g }]);
      const res = await http()
        .post('/api/auth/login')
        .send({ username: `t_${who}_nt`, password: fx.password });
      teacherTokens[who] = res.body.token;
    }
  });
  beforeEach(() => {
    ip++;
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('before 成绩发布: the admin may print and make codes; the principal and a code see nothing', async () => {
    const res = await http().get(pdfUrl()).set(as('principalA')).expect(403);
    expect(res.body.message).toBe(NOT_RELEASED);
    await http().post(codesUrl()).set(as('principalA')).send({}).expect(403);

    const pdf = await http().get(pdfUrl()).set(as('admin')).buffer(true).parse(binaryBody).expect(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    const made = await http().post(codesUrl()).set(as('admin')).send({}).expect(201);
    codes = made.body;
    expect(codes).toHaveLength(7); // six students and the absent one
    expect(codes.every((c) => /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/.test(c.code))).toBe(true);
    const refused = await open(codes[0].code).expect(403);
    expect(refused.body.message).toBe(NOTICE_NOT_RELEASED);
  });

  it('the class’s 班主任 downloads its notices after release only; a 任课教师 and another class’s 班主任 may not', async () => {
    // still before release (the test above ran first)
    const held = await http().get(pdfUrl()).set(asTeacher('head')).expect(403);
    expect(held.body.message).toBe(NOT_RELEASED);
    await releaseResults(env.ds, fx.examId);
    const pdf = await http().get(pdfUrl()).set(asTeacher('head')).buffer(true).parse(binaryBody).expect(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // the codes stay with the admin and the principal
    await http().get(codesUrl()).set(asTeacher('head')).expect(403);
    await http().post(codesUrl()).set(asTeacher('head')).send({}).expect(403);
    await http().post(`${codesUrl()}/revoke`).set(asTeacher('head')).send({}).expect(403);
    // a subject teacher of the class, and the 班主任 of another school's class
    const subject = await http().get(pdfUrl()).set(asTeacher('math')).expect(403);
    expect(subject.body.message).toBe(NO_NOTICE_SCOPE);
    await http().get(pdfUrl()).set(asTeacher('otherHead')).expect(403);
    // the other 班主任 gets their own class, and the first one not that class
    await http().get(pdfUrl(otherClassId)).set(asTeacher('otherHead')).expect(200);
    await http().get(pdfUrl(otherClassId)).set(asTeacher('head')).expect(403);
    const audited = await env.ds.getRepository(AuditLog).find({ where: { action: 'notices_downloaded' } });
    expect(audited.some((r) => r.entityId === String(classId))).toBe(true);
  });

  it('after release: the class principal prints it (codes on it); other principals and roles are refused', async () => {
    await releaseResults(env.ds, fx.examId);
    const pdf = await http().get(pdfUrl()).set(as('principalA')).buffer(true).parse(binaryBody).expect(200);
    writeFileSync(`${env.config.dataDir}/notices-class.pdf`, pdf.body as Buffer);
    if (process.env.NOTICE_PDF_OUT) writeFileSync(process.env.NOTICE_PDF_OUT, pdf.body as Buffer);
    const text = (pdf.body as Buffer).toString('latin1');
    // one summary page and one sheet page per student with a sheet (the absent one has none)
    expect((text.match(/\/Type \/Page\b/g) ?? []).length).toBe(7 + 6);
    // the JPEGs are embedded as they are (DCT), not re-encoded
    expect((text.match(/\/Filter \/DCTDecode/g) ?? []).length).toBe(6);

    for (const who of ['principalB', 'marker'] as const) {
      await http().get(pdfUrl()).set(as(who)).expect(403);
      await http().post(codesUrl()).set(as(who)).send({}).expect(403);
      await http().get(codesUrl()).set(as(who)).expect(403);
    }
    // the member school's principal prints their own class, not the lead school's
    await http().get(pdfUrl(otherClassId)).set(as('principalB')).expect(200);
    await http().get(pdfUrl(otherClassId)).set(as('principalA')).expect(403);
    // a class of another alliance's numbering does not exist for this exam
    await http().get(pdfUrl(999999)).set(as('admin')).expect(404);

    const list = (await http().get(codesUrl()).set(as('principalA')).expect(200)).body;
    expect(list).toHaveLength(7);
    expect(list.every((s: { status: string }) => s.status === 'active')).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/); // codes are printed, not listed
  });

  it('a code opens one student only: 等级 and marks in words for a 学业质量监测, nothing of other students', async () => {
    const mine = codes.find((c) => c.studentId === fx.studentIds.lead[2])!;
    const res = await open(mine.code.toLowerCase().replace('-', ' ')).expect(200);
    const n = res.body.notice;
    expect(n.student).toEqual({ name: mine.name, schoolName: '城关第一中学', className: '七(1)班' });
    expect(n.showsScore).toBe(false);
    // 14 of 20 = 70 %: B (良好); no score, no full marks, no points
    expect(n.subjects[0]).toMatchObject({ subject: '数学', band: { letter: 'B', name: '良好' }, score: null });
    expect(n.subjects[0].marks.map((m: { text: string }) => m.text)).toEqual(['对', '错', '部分得分']);
    expect(res.body.sheets).toHaveLength(1);
    expect(res.body.sheets[0].image).toMatch(/^data:image\/jpeg;base64,/);
    expect(res.body.sheets[0].marks).toHaveLength(3);
    const body = JSON.stringify(res.body);
    for (const id of [...fx.studentIds.lead, ...fx.studentIds.member]) {
      if (id === mine.studentId) continue;
      const other = codes.find((c) => c.studentId === id);
      if (other) expect(body).not.toContain(other.name);
    }
    expect(body).not.toMatch(/乙学生|丙学生|rank|排名第|平均分/);

    const audit = await env.ds
      .getRepository(AuditLog)
      .findBy({ action: 'notice_viewed', entityId: String(mine.studentId) });
    expect(audit).toHaveLength(1);
    expect(audit[0].userId).toBeNull();
  });

  it('renders the sheet of a page read before reduced copies existed from its original, and keeps the copy', async () => {
    const last = codes.find((c) => c.studentId === fx.studentIds.lead[5])!;
    const res = await open(last.code).expect(200);
    expect(res.body.sheets).toHaveLength(1);
    const [row] = await env.ds.query('SELECT reduced_blob_key AS k FROM scanned_page WHERE student_id = ?', [
      last.studentId,
    ]);
    expect(row.k).toMatch(/^pages-reduced\//);
  });

  it('wrong and revoked codes are refused in Chinese', async () => {
    expect((await open('ABCDE-FGHJK').expect(404)).body.message).toBe(WRONG_CODE);
    expect((await open('not a code').expect(404)).body.message).toBe(WRONG_CODE);
    const first = codes.find((c) => c.studentId === fx.studentIds.lead[0])!;
    await open(first.code).expect(200);
    await http()
      .post(`${codesUrl()}/revoke`)
      .set(as('principalA'))
      .send({ studentIds: [first.studentId] })
      .expect(200, { revoked: 1 });
    expect((await open(first.code).expect(403)).body.message).toBe(REVOKED_CODE);
    // a new code for the student works; the old one stays revoked
    const [fresh] = (
      await http()
        .post(codesUrl())
        .set(as('principalA'))
        .send({ studentIds: [first.studentId] })
        .expect(201)
    ).body;
    await open(fresh.code).expect(200);
    await open(first.code).expect(403);
    codes = codes.map((c) => (c.studentId === first.studentId ? fresh : c));
  });

  it('a senior joint exam shows the own score and each item’s points (still no rank)', async () => {
    await env.ds.query("UPDATE exam SET kind = 'joint', grade = '高二', grade_year = 11 WHERE id = ?", [fx.examId]);
    try {
      const mine = codes.find((c) => c.studentId === fx.studentIds.lead[1])!;
      const n = (await open(mine.code).expect(200)).body.notice;
      expect(n.showsScore).toBe(true);
      expect(n.subjects[0]).toMatchObject({ score: 18, fullMarks: 20, band: { letter: 'A' } });
      expect(n.subjects[0].marks.map((m: { text: string }) => m.text)).toEqual(['3/3', '3/3', '12/14']);
    } finally {
      await env.ds.query("UPDATE exam SET kind = 'quality_monitoring', grade = '七年级', grade_year = 7 WHERE id = ?", [
        fx.examId,
      ]);
    }
  });

  it('throttles wrong codes per address (429 in Chinese) without stopping other addresses', async () => {
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await open('ABCDE-FGHJK')).status;
    expect(status).toBe(429);
    const res = await open(codes[3].code).expect(429);
    expect(res.body.message).toMatch(/^查询次数过多，请 \d+ 秒后再试$/);
    await open(codes[3].code, '198.51.100.7').expect(200);
  });

  it('throttles a code opened too often, from any address', async () => {
    const c = codes[4].code;
    let status = 0;
    for (let i = 0; i < 32 && status !== 429; i++) status = (await open(c, `192.0.2.${i}`)).status;
    expect(status).toBe(429);
  });
});
