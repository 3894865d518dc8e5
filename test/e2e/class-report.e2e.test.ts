// 班级报告 over HTTP: every role × both routes, own and other class; nothing before release but for the admin;
// scores or 等级 as the exam's kind allows; a 任课教师 sees only their subject; the PDF's text checked with pdftotext.
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { ExamKind } from '../../src/exams/domain/exam-disclosure.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { binaryBody } from '../support/binary-body.js';
import { createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('class reports over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  let own: number; // 城关第一中学 七(1)班
  let sibling: number; // 城关第一中学 七(2)班 (two students moved there)
  let otherSchool: number; // 河口乡中学 七(1)班
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const url = (classId: number, pdf = false) => `/api/exams/${fx.examId}/classes/${classId}/report${pdf ? '.pdf' : ''}`;

  beforeAll(async () => {
    env = await createTestEnv('class_report_e2e');
    fx = await buildResultsFixture(env.ds, 'cr', false);
    const classes = env.ds.getRepository(SchoolClass);
    own = (await classes.findOneByOrFail({ schoolId: fx.schools.lead, name: '七(1)班' })).id;
    otherSchool = (await classes.findOneByOrFail({ schoolId: fx.schools.member, name: '七(1)班' })).id;
    sibling = (await classes.save({ schoolId: fx.schools.lead, name: '七(2)班', grade: '七年级' })).id;
    // 甲学生5 and 甲学生6 sit in 七(2)班.
    await env.ds.getRepository(Student).update(fx.studentIds.lead.slice(4), { classId: sibling, name: undefined });
    await env.ds.query('UPDATE student SET name = CONCAT(name, ?) WHERE id IN (?)', [
      '（二班）',
      fx.studentIds.lead.slice(4),
    ]);
    const a = fx.allianceId;
    const teachers: [string, { schoolId: number; classId: number; subject?: string }][] = [
      ['head', { schoolId: fx.schools.lead, classId: own }],
      ['math', { schoolId: fx.schools.lead, classId: own, subject: '数学' }],
      ['english', { schoolId: fx.schools.lead, classId: own, subject: '英语' }],
      ['otherHead', { schoolId: fx.schools.member, classId: otherSchool }],
    ];
    for (const [who, g] of teachers)
      await createUser(env.ds, `t_${who}_cr`, fx.password, [{ role: Role.Teacher, allianceId: a, ...g }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ResultsJobService).computeExam(fx.examId);
    const logins: [string, string][] = [
      ...Object.entries(fx.users),
      ...teachers.map(([who]) => [who, `t_${who}_cr`] as [string, string]),
    ];
    for (const [who, username] of logins) {
      const res = await http().post('/api/auth/login').send({ username, password: fx.password });
      expect(res.status).toBe(200);
      tokens[who] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('before 成绩发布: only the admin reads a class report', async () => {
    expect((await http().get(url(own)).set(as('admin'))).status).toBe(200);
    for (const who of ['head', 'principalA']) {
      const res = await http().get(url(own)).set(as(who));
      expect({ who, status: res.status, message: res.body.message }).toEqual({
        who,
        status: 403,
        message: expect.stringContaining('成绩尚未发布'),
      });
    }
    await releaseResults(env.ds, fx.examId);
  });

  // [who, class, status] for both routes; a teacher's message never says whether another class exists.
  const matrix: [string, () => number, number][] = [
    ['admin', () => own, 200],
    ['admin', () => otherSchool, 200],
    ['principalA', () => own, 200],
    ['principalA', () => sibling, 200],
    ['principalA', () => otherSchool, 403],
    ['principalB', () => own, 403],
    ['head', () => own, 200],
    ['head', () => sibling, 403],
    ['head', () => otherSchool, 403],
    ['math', () => own, 200],
    ['math', () => sibling, 403],
    ['english', () => own, 403],
    ['otherHead', () => own, 403],
    ['otherHead', () => otherSchool, 200],
    ['marker', () => own, 403],
  ];
  it.each(matrix)('%s × class → %i (JSON and PDF)', async (who, classOf, status) => {
    for (const pdf of [false, true]) {
      const res = await http().get(url(classOf(), pdf)).set(as(who));
      expect({ who, pdf, status: res.status }).toEqual({ who, pdf, status });
    }
  });

  it('a class that does not exist: 404 for the admin, the same 403 as another class for a teacher', async () => {
    expect((await http().get(url(999999)).set(as('admin'))).status).toBe(404);
    const res = await http().get(url(999999)).set(as('head'));
    expect([res.status, res.body.message]).toEqual([403, '无权查看该班级的报告']);
    expect((await http().get(url(sibling)).set(as('head'))).body.message).toBe('无权查看该班级的报告');
  });

  it('学业质量监测: the teacher gets 等级, never scores or ranks, and only the own class’s students', async () => {
    const res = await http().get(url(own)).set(as('head'));
    expect(res.status).toBe(200);
    expect(res.body.release).toMatchObject({ released: true, outdated: false });
    expect(res.body.noticesAllowed).toBe(true); // 等级 go to students and parents under every regime of the rule
    const r = res.body.report;
    expect(r.showsScores).toBe(false);
    expect(r.students.map((s: { name: string }) => s.name)).toEqual([
      '甲学生1',
      '甲学生2',
      '甲学生3',
      '甲学生4',
      '甲缺考',
    ]);
    expect(r.students.every((s: { papers: { score: unknown }[] }) => s.papers.every((p) => p.score === null))).toBe(
      true,
    );
    expect(r.studentTable.rows[0]).toEqual(['甲学生1', expect.any(String), 'A']);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/二班|乙学生|丙学生|河口乡中学|县实验中学|学校[A-Z]/);
    expect(text).not.toMatch(/"rank/);
    // 城关第一中学 beyond this class: 2 students (七(2)班). Its figures would give theirs away: not shown.
    expect(r.sections[0].mainTable.rows.map((x: string[]) => x[2])).toEqual(['—', '—', '—', '—', '—', '—']);
  });

  it('a 九年级 joint exam (义务教育): the teacher sees the score list; the admin always does', async () => {
    await env.ds.getRepository(Exam).update(fx.examId, { kind: ExamKind.Joint, gradeYear: 9 });
    try {
      const r = (await http().get(url(own)).set(as('head'))).body.report;
      expect(r.showsScores).toBe(true);
      expect(r.studentTable.rows[0]).toEqual(['甲学生1', expect.any(String), '20（A）']);
      expect(r.sections[0].mistakes.rows[1]).toEqual(['甲学生2', '第3题失2分', '一元一次方程']);
    } finally {
      await env.ds.getRepository(Exam).update(fx.examId, { kind: ExamKind.QualityMonitoring, gradeYear: null });
    }
    expect((await http().get(url(own)).set(as('admin'))).body.report.showsScores).toBe(true);
  });

  it('a 任课教师 of 数学 gets the 数学 report with the subject in its scope', async () => {
    const r = (await http().get(url(own)).set(as('math'))).body.report;
    expect(r.scopeText).toBe('数学（任课教师）');
    expect(r.sections.map((s: { subject: string }) => s.subject)).toEqual(['数学']);
    expect((await http().get(url(own)).set(as('english'))).body.message).toBe('本次考试没有您任教学科的试卷');
  });

  it('renders the PDF: the class, its students by name, nobody else', async () => {
    const res = await http().get(url(own, true)).set(as('head')).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'class-report-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), res.body as Buffer);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      for (const s of ['班级报告', '城关第一中学', '七(1)班', '学生等级', '甲学生1', '临界生', '错题'])
        expect(text).toContain(s);
      expect(text).not.toMatch(/二班|乙学生|丙学生|河口乡中学|县实验中学/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
