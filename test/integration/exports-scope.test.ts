// XLSX exports through the HTTP API: what each role may download, with Chinese headers, read back with exceljs.
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { binaryBody } from '../support/binary-body.js';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, NAMES, ResultsFixture } from './results-fixture.js';

// supertest buffers only text by default: collect the bytes.

async function sheets(buf: Buffer): Promise<Map<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out = new Map<string, string[][]>();
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) {
        const v = row.getCell(c).value;
        cells.push(v === null || v === undefined ? '' : String(v));
      }
      rows.push(cells);
    });
    out.set(ws.name, rows);
  });
  return out;
}

describe('scoped XLSX exports (real MariaDB, exceljs)', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const get = (path: string, who: string) =>
    http()
      .get(`/api/exams/${fx.examId}/exports/${path}`)
      .set({ Authorization: `Bearer ${tokens[who]}` })
      .buffer(true)
      .parse(binaryBody);

  beforeAll(async () => {
    env = await createTestEnv('exports');
    fx = await buildResultsFixture(env.ds, 'x');
    await createUser(env.ds, 'lead_math', fx.password, [
      { role: Role.SubjectLead, allianceId: fx.allianceId, subject: '数学' },
    ]);
    await createUser(env.ds, 'lead_chinese', fx.password, [
      { role: Role.SubjectLead, allianceId: fx.allianceId, subject: '语文' },
    ]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const who of [...Object.values(fx.users), 'lead_math', 'lead_chinese']) {
      tokens[who] = (await http().post('/api/auth/login').send({ username: who, password: fx.password })).body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('answers 404 in Chinese before the results are computed', async () => {
    const res = await http()
      .get(`/api/exams/${fx.examId}/exports/schools.xlsx`)
      .set({ Authorization: `Bearer ${tokens[fx.users.admin]}` });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('该考试的成绩尚未统计，请先计算成绩');
    await app.get(ResultsJobService).computeExam(fx.examId);
  });

  it('gives the admin every roster student, absent and incomplete marked, with item scores and Chinese headers', async () => {
    const res = await get('students.xlsx', fx.users.admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('学生成绩'));
    const rows = (await sheets(res.body)).get('数学')!;
    expect(rows[0].slice(0, 6)).toEqual(['学校', '班级', '考号', '姓名', '状态', '总分（满分20）']);
    expect(rows[0]).toContain('第3题（14分）');
    expect(rows[0].join()).not.toMatch(/名次|排名/);
    const body = rows.slice(1);
    expect(body).toHaveLength(21);
    expect(new Set(body.map((r) => r[0]))).toEqual(new Set([NAMES.lead, NAMES.member, NAMES.comparison]));
    const first = body.find((r) => r[3] === '甲学生1')!;
    expect(first.slice(4, 9)).toEqual(['已完成', '20', '3', '3', '14']);
    expect(rows[0].at(-1)).toBe('等级');
    expect(first.at(-1)).toBe('A');
    expect(body.find((r) => r[3] === '甲缺考')![4]).toBe('缺考');
    expect(body.find((r) => r[3] === '乙学生7')!.slice(4, 6)).toEqual(['未完成评阅', '']);
    // q1 of 丙学生6: OMR read 0, a marking correction says 3; the export shows the final score
    expect(body.find((r) => r[3] === '丙学生6')!.slice(4, 9)).toEqual(['已完成', '12', '3', '0', '9']);
  });

  it("gives a principal the own school's students only, as 等级 (学业质量监测), and audits every student export", async () => {
    const res = await get('students.xlsx', fx.users.principalA);
    expect(res.status).toBe(200);
    const book = await sheets(res.body);
    const [head, ...body] = book.get('数学')!;
    expect(body).toHaveLength(7);
    expect(body.every((r) => r[0] === NAMES.lead)).toBe(true);
    // The fixture's exam is 七年级, so 学业质量监测: the school gets its students' 等级, no totals, no item scores.
    expect(head).toEqual(['学校', '班级', '考号', '姓名', '状态', '等级']);
    expect(body.find((r) => r[3] === '甲学生1')!.slice(4)).toEqual(['已完成', 'A']);
    expect(book.get('说明')![1][0]).toContain('不提供学生分数名单');
    expect(body.find((r) => r[3] === '甲缺考')!.slice(4)).toEqual(['缺考', '']);
    const logs = await env.ds
      .getRepository(AuditLog)
      .find({ where: { action: 'results.export.students', entityId: String(fx.examId) }, order: { id: 'ASC' } });
    expect(logs).toHaveLength(2);
    expect(logs[1].detail).toMatchObject({ schools: [fx.schools.lead], rows: 7, scope: 'school', shows: 'grade_band' });
    expect(logs[0].detail).toMatchObject({ scope: 'alliance', shows: 'score_list' });
    expect((await get('students.xlsx', fx.users.marker)).status).toBe(403);
  });

  it('gives the item analysis to the admin and the subject lead of the subject, not to others', async () => {
    for (const who of [fx.users.admin, 'lead_math']) {
      const res = await get('items.xlsx', who);
      expect(res.status).toBe(200);
      const rows = (await sheets(res.body)).get('数学')!;
      expect(rows[0].slice(0, 5)).toEqual(['题号', '满分', '知识点', '联盟平均分', '得分率/难度P(%)']);
      expect(rows.slice(1, 4).map((r) => r[0])).toEqual(['1', '2', '3']);
      expect(rows[3][2]).toBe('一元一次方程');
      // Item analysis stored by the results job: D of q3 = (12 − 13/3)/14 over the alliance's 12 complete students.
      expect(rows[0][7]).toBe('区分度D');
      expect(Number(rows[3][7])).toBeCloseTo(0.5476, 4);
      expect(rows[3][10]).toContain('D≥0.40');
      expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining(['信度α', '测量标准误SEM']));
    }
    expect((await get('items.xlsx', 'lead_chinese')).status).toBe(403);
    expect((await get('items.xlsx', fx.users.principalA)).status).toBe(403);
  });

  it('names every school for the admin; a principal sees the own school by name and the other only by letter, without its head count', async () => {
    const admin = (await sheets((await get('schools.xlsx', fx.users.admin)).body)).get('数学')!;
    expect(admin[0].slice(0, 7)).toEqual(['学校', '类型', '城乡', '参考人数', '平均分', '标准差(总体)', '得分率(%)']);
    const names = admin.map((r) => r[0]);
    for (const n of [NAMES.lead, NAMES.member, NAMES.comparison, '联盟']) expect(names).toContain(n);
    const lead = admin.find((r) => r[0] === NAMES.lead)!;
    expect(lead[3]).toBe('6');
    expect(Number(lead[4])).toBeCloseTo(82 / 6, 3);

    const res = await get('schools.xlsx', fx.users.principalA);
    expect(res.status).toBe(200);
    const p = (await sheets(res.body)).get('数学')!;
    const text = JSON.stringify(p);
    expect(text).not.toContain(NAMES.member);
    expect(text).not.toContain(NAMES.comparison);
    expect(p.map((r) => r[0])).toContain(`${NAMES.lead}（本校）`);
    // the other school under its letter of the exam (one of two: the other is the own school's)
    const other = p.find((r) => /^学校[AB]$/.test(r[0]))!;
    expect(other[1]).toBe(''); // no type
    expect(other[3]).toBe(''); // no head count
    expect(Number(other[4])).toBe(Math.round((56 / 6) * 10) / 10); // mean to 1 decimal (principal-privacy.ts)
    expect((await get('schools.xlsx', fx.users.marker)).status).toBe(403);
  });
});
