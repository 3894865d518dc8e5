// 历史成绩导入 over HTTP: an earlier exam's totals imported from CSV/XLSX (all-or-nothing, scoped, audited), then
// an exam linked to it gets 纵看 (value-added) from the results job, and its school PDF prints the section.
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { binaryBody } from '../support/binary-body.js';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, ResultsFixture } from '../integration/results-fixture.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('import of an earlier exam and 纵看 against it (HTTP, worker, PDF)', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let fx: ResultsFixture;
  let students: Student[];
  let importedExamId: number;
  let correctedExamId: number;
  let correctedCsv: string;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const url = () => `/api/alliances/${fx.allianceId}/exams/import-results`;
  const counts = async () => ({
    exams: await env.ds.getRepository(Exam).count(),
    papers: await env.ds.getRepository(Paper).count(),
    results: await env.ds.getRepository(StudentResult).count(),
  });
  const byName = (name: string) => students.find((s) => s.name === name)!;

  // Last term: the lead school's students scored high, the member school's low; this term the member school closed
  // much of the gap (fixture totals out of 20: lead 20 18 14 13 11 6, member 16 12 10 8 7 3).
  const PRIOR: Record<string, string> = {
    甲学生1: '95',
    甲学生2: '92',
    甲学生3: '78',
    甲学生4: '70',
    甲学生5: '66',
    甲学生6: '38',
    甲缺考: '',
    乙学生1: '62',
    乙学生2: '45',
    乙学生3: '40',
    乙学生4: '31',
    乙学生5: '28',
    乙学生6: '9',
    乙学生7: '50',
    乙待处理: '缺考',
    丙学生1: '80',
    丙学生2: '70',
  };

  beforeAll(async () => {
    env = await createTestEnv('results_import');
    fx = await buildResultsFixture(env.ds, 'h');
    students = await env.ds.getRepository(Student).find({ where: { allianceId: fx.allianceId } });
    const other = await createAlliance(env.ds, '别的教联体', 'OTHERH');
    await createUser(env.ds, 'other_admin', fx.password, [{ role: Role.Admin, allianceId: other.id }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    worker = await startWorkers(env.config, { logger: false, processors: [resultsProcessor, reportProcessor] });
    for (const who of [fx.users.admin, fx.users.principalA, 'other_admin']) {
      const res = await http().post('/api/auth/login').send({ username: who, password: fx.password });
      expect(res.status).toBe(200);
      tokens[who] = res.body.token;
    }
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('refuses a file with bad rows, listing each in Chinese, and stores nothing', async () => {
    const before = await counts();
    const csv = [
      '考号,姓名,数学(100)',
      `${byName('甲学生1').examNo},甲学生1,101`,
      '20259999,查无此人,50',
      `${byName('甲学生2').examNo},张冠李戴,50`,
      `${byName('甲学生3').examNo},甲学生3,abc`,
    ].join('\n');
    const res = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '上学期期末')
      .field('grade', '六年级')
      .attach('file', Buffer.from(csv), '成绩.csv');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('成绩导入失败，共4处错误');
    expect(res.body.errors).toEqual([
      '第2行：数学成绩 101 超过满分 100',
      '第3行：考号 20259999 不在本联盟学生名单中',
      `第4行：考号 ${byName('甲学生2').examNo} 的姓名“张冠李戴”与名单不符（名单为“甲学生2”）`,
      '第5行：数学成绩“abc”不是有效分数（应为不小于 0 的数，最多两位小数；缺考请留空或填“缺考”）',
    ]);
    const noName = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('grade', '六年级')
      .attach('file', Buffer.from('考号,数学(100)\n'), 'a.csv');
    expect(noName.status).toBe(400);
    expect(noName.body.errors).toEqual(['考试名称不能为空']);
    const noFile = await http().post(url()).set(as(fx.users.admin)).field('name', '上学期期末');
    expect(noFile.body.errors).toEqual(['请选择要上传的成绩文件（表单字段 file，.csv 或 .xlsx）']);
    // a stated reliability out of range, or without its source, is refused in Chinese with the other field errors
    const badReliability = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '上学期期末')
      .field('reliability', '1.5')
      .attach('file', Buffer.from(csv), '成绩.csv');
    expect(badReliability.status).toBe(400);
    expect(badReliability.body.errors).toEqual([
      '信度“1.5”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82',
      '请填写信度的来源，如“原考试系统报告 α”',
    ]);
    // a reliability per subject must name a subject of the file and be a figure like the exam's (issue 15)
    const badSubject = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '上学期期末')
      .field(
        'subjectReliabilities',
        JSON.stringify([
          { subject: '物理', reliability: '0.8', source: '教研室' },
          { subject: '数学', reliability: '2', source: '教研室' },
        ]),
      )
      .attach('file', Buffer.from(`考号,数学(100)\n${byName('甲学生1').examNo},90\n`), '成绩.csv');
    expect(badSubject.status).toBe(400);
    expect(badSubject.body.errors).toEqual([
      '各科信度中的科目“物理”不在成绩文件中（文件中的科目：数学）',
      '数学：信度“2”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82',
    ]);
    expect(await counts()).toEqual(before);
    expect(await env.ds.getRepository(AuditLog).countBy({ entity: 'exam_results' })).toBe(0);
  });

  it('refuses a principal and the admin of another alliance', async () => {
    const csv = `考号,数学(100)\n${byName('甲学生1').examNo},90\n`;
    for (const who of [fx.users.principalA, 'other_admin']) {
      const res = await http()
        .post(url())
        .set(as(who))
        .field('name', '上学期期末')
        .attach('file', Buffer.from(csv), 'a.csv');
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await http().post(url()).field('name', 'x').attach('file', Buffer.from(csv), 'a.csv')).status).toBe(401);
  });

  it('imports a good XLSX (title row, 姓名 checked, blank and 缺考 = absent), audited', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('成绩');
    ws.addRow(['2025年春季六年级期末成绩']);
    ws.addRow(['考号', '姓名', '数学（满分100）']);
    for (const [name, score] of Object.entries(PRIOR))
      ws.addRow([byName(name).examNo, name, score === '' ? null : /^\d+$/.test(score) ? Number(score) : score]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '2025年春季六年级数学期末（历史成绩导入）')
      .field('grade', '六年级')
      .field('examDate', '2025-06-26')
      .field('reliability', '0.82')
      .field('reliabilitySource', '原考试系统报告 α')
      // 数学 has its own figure: it, not the exam's default, stands for the subject (issue 15)
      .field('subjectReliabilities', JSON.stringify([{ subject: '数学', reliability: '0.85', source: '教研室统计' }]))
      .attach('file', xlsx, '六年级期末.xlsx');
    expect(res.status).toBe(201);
    importedExamId = res.body.examId;
    expect(res.body).toMatchObject({
      status: 'imported',
      students: Object.keys(PRIOR).length,
      absent: 2,
      papers: [{ subject: '数学', fullMarks: 100, reliability: 0.85, reliabilitySource: '教研室统计' }],
      reliability: 0.82,
      reliabilitySource: '原考试系统报告 α',
    });

    // the import is a change of scores: the new exam's score version is 1
    const [v] = await env.ds.query('SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?', [
      importedExamId,
    ]);
    expect(Number(v.version)).toBe(1);
    const exam = await env.ds.getRepository(Exam).findOneByOrFail({ id: importedExamId });
    expect(exam).toMatchObject({
      status: ExamStatus.Imported,
      grade: '六年级',
      gradeYear: 6,
      kind: 'quality_monitoring', // the only kind a cross-school exam of 六年级 may be
      examDate: '2025-06-26',
      allianceId: fx.allianceId,
      statedReliability: 0.82,
      statedReliabilitySource: '原考试系统报告 α',
    });
    const rows = await env.ds.getRepository(StudentResult).find({ where: { examId: importedExamId } });
    expect(rows).toHaveLength(Object.keys(PRIOR).length);
    expect(rows.find((r) => r.studentId === byName('甲学生1').id)).toMatchObject({
      total: 95,
      absent: false,
      schoolId: fx.schools.lead,
    });
    expect(rows.find((r) => r.studentId === byName('甲缺考').id)).toMatchObject({ total: null, absent: true });
    expect(rows.find((r) => r.studentId === byName('乙待处理').id)).toMatchObject({ total: null, absent: true });
    const audit = await env.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ entity: 'exam_results', entityId: String(importedExamId) });
    expect(audit).toMatchObject({
      action: 'import',
      detail: {
        students: Object.keys(PRIOR).length,
        absent: 2,
        file: '六年级期末.xlsx',
        reliability: 0.82,
        reliabilitySource: '原考试系统报告 α',
        subjectReliabilities: [{ subject: '数学', reliability: 0.85, source: '教研室统计' }],
      },
    });
    expect(await env.ds.getRepository(Paper).findOneByOrFail({ examId: importedExamId })).toMatchObject({
      statedReliability: 0.85,
      statedReliabilitySource: '教研室统计',
    });
  });

  it('refuses the same results a second time (another file format, another name), naming the first import', async () => {
    const before = await counts();
    const csv = [
      '考号,数学(100)',
      ...Object.entries(PRIOR)
        .reverse()
        .map(([name, score]) => `${byName(name).examNo},${score}`),
    ].join('\n');
    const again = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '又一次导入')
      .attach('file', Buffer.from(csv), '期末.csv');
    expect(again.status).toBe(409);
    expect(again.body.message).not.toMatch(/编号|#\d/); // the exam's name, never an internal number
    expect(again.body.message).toContain('已经导入过');
    expect(await counts()).toEqual(before);
    // one score corrected: other results, so they are imported
    const changed = csv.replace(`${byName('甲学生1').examNo},95`, `${byName('甲学生1').examNo},96`);
    expect(changed).not.toBe(csv);
    const other = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '更正后的成绩')
      .attach('file', Buffer.from(changed), '期末.csv');
    expect(other.status).toBe(201);
    expect(other.body.examId).not.toBe(importedExamId);
    [correctedExamId, correctedCsv] = [other.body.examId, changed];
  });

  it('keeps an imported exam out of scanning, papers and the results job', async () => {
    const compute = await http().post(`/api/exams/${importedExamId}/results/compute`).set(as(fx.users.admin));
    expect(compute.status).toBe(400);
    expect(compute.body.message).toContain('历史成绩导入');
    const paper = await http()
      .post(`/api/exams/${importedExamId}/papers`)
      .set(as(fx.users.admin))
      .send({ subject: '语文', title: '语文', items: [{ label: '1', type: 'subjective', maxScore: 10 }] });
    expect(paper.status).toBe(400);
    const upload = await http()
      .post(`/api/exams/${importedExamId}/scans`)
      .set(as(fx.users.admin))
      .field('schoolId', String(fx.schools.lead))
      .attach('files', Buffer.from('x'), 'a.png');
    expect(upload.status).toBe(400);
    expect(upload.body.message).toContain('历史成绩导入');
    // Were the job queued anyway (an older client), it leaves the imported totals alone.
    const before = await env.ds
      .getRepository(StudentResult)
      .find({ where: { examId: importedExamId }, order: { id: 'ASC' } });
    expect((await app.get(ResultsJobService).computeExam(importedExamId)).papers).toEqual([]);
    expect(
      await env.ds.getRepository(StudentResult).find({ where: { examId: importedExamId }, order: { id: 'ASC' } }),
    ).toEqual(before);
    // The school's own list shows the imported results: as 等级 to the principal (学业质量监测), totals to the admin.
    const list = await http()
      .get(`/api/exams/${importedExamId}/schools/${fx.schools.lead}/students`)
      .set(as(fx.users.principalA));
    expect(list.status).toBe(200);
    expect(list.body.find((r: { name: string }) => r.name === '甲学生1')).toMatchObject({
      total: null,
      band: 'A',
      status: 'complete',
    });
    const full = await http()
      .get(`/api/exams/${importedExamId}/schools/${fx.schools.lead}/students`)
      .set(as(fx.users.admin));
    expect(full.body.find((r: { name: string }) => r.name === '甲学生1')).toMatchObject({ total: 95, band: 'A' });
  });

  it('serves as the prior exam: value-added in the analysis and the 纵看 section in the school PDF', async () => {
    // A new exam may name it at creation; the fixture exam is linked through the 纵看 setting.
    const created = await http()
      .post(`/api/alliances/${fx.allianceId}/exams`)
      .set(as(fx.users.admin))
      .send({ name: '下一次统考', grade: '七年级', priorExamId: importedExamId });
    expect(created.status).toBe(201);
    expect(created.body.priorExamId).toBe(importedExamId);
    expect(
      (
        await http()
          .patch(`/api/exams/${fx.examId}/longitudinal`)
          .set(as(fx.users.admin))
          .send({ priorExamId: importedExamId })
      ).status,
    ).toBe(200);

    expect((await http().post(`/api/exams/${fx.examId}/results/compute`).set(as(fx.users.admin))).status).toBe(202);
    let list: { schoolId: number; status: string; url: string | null }[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      list = (await http().get(`/api/exams/${fx.examId}/reports`).set(as(fx.users.admin))).body;
      if (list.length && list.every((r) => r.status === 'ready')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(list.map((r) => r.status)).toEqual(['ready', 'ready']);

    const analysis = await http().get(`/api/exams/${fx.examId}/analysis`).set(as(fx.users.admin));
    const l = analysis.body.papers[0].longitudinal;
    // Matched: complete this term (lead 6, member 6; b7 incomplete) with a prior total (all of them).
    expect(l).toMatchObject({
      priorExamId: importedExamId,
      priorPaperId: expect.any(Number),
      nCurrent: 12,
      matched: 12,
    });
    const va = (schoolId: number) => l.schools.find((s: { schoolId: number }) => s.schoolId === schoolId);
    expect(va(fx.schools.lead)).toMatchObject({ matched: 6, suppressed: false });
    // The reliability stated at import stands in for the α an imported exam cannot have, cited with its source: the
    // subject's own (数学 0.85), not the exam's default.
    expect(l.model).toMatchObject({ priorReliability: 0.85, priorReliabilitySource: '教研室统计' });
    expect(l.method.reliability).toContain('先前考试信度 0.85（来源：教研室统计，导入时填写）');
    expect(va(fx.schools.member).va).toBeGreaterThan(0);
    expect(va(fx.schools.lead).va).toBeLessThan(0);
    // Weighted by matched students, school VAs are residual means over the whole regression: they cancel.
    expect(Math.abs(6 * va(fx.schools.lead).va + 6 * va(fx.schools.member).va)).toBeLessThan(1e-3);

    const pdf = await http()
      .get(`/api/reports/${fx.examId}/${fx.schools.member}.pdf`)
      .set(as(fx.users.admin))
      .buffer(true)
      .parse(binaryBody);
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'import-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), pdf.body as Buffer);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).replace(
        /\s+/g,
        '',
      );
      expect(text).toContain('进退步（增值评价）');
      expect(text).toContain('上次考试：2025年春季六年级数学期末（历史成绩导入）');
      expect(text).toContain('增值95%置信区间');
      expect(text).toContain('提升系数');
      expect(text).toContain('先前考试信度0.85（来源：教研室统计，导入时填写）');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes an imported exam (admin only, audited) but never a scanned exam or one still used as a prior exam', async () => {
    const del = (id: number, who = fx.users.admin) => http().delete(`/api/exams/${id}`).set(as(who));
    expect((await del(correctedExamId, fx.users.principalA)).status).toBe(403);
    expect((await del(correctedExamId, 'other_admin')).status).toBe(403);
    const scanned = await del(fx.examId);
    expect(scanned.status).toBe(400);
    expect(scanned.body.message).toContain('正式考试的数据不能删除');
    // fx.examId names importedExamId as its prior exam (linked above)
    const before = await counts();
    const linked = await del(importedExamId);
    expect(linked.status).toBe(409);
    expect(linked.body.message).toContain('请先在这些考试的纵看设置中改选或取消');
    expect(linked.body.message).not.toMatch(/编号|#\d/);
    expect(await counts()).toEqual(before);

    const ok = await del(correctedExamId);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ examId: correctedExamId, deleted: true, results: Object.keys(PRIOR).length });
    expect(await counts()).toEqual({
      exams: before.exams - 1,
      papers: before.papers - 1,
      results: before.results - Object.keys(PRIOR).length,
    });
    expect(
      await env.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ entity: 'exam_results', action: 'delete', entityId: String(correctedExamId) }),
    ).toMatchObject({ detail: { name: '更正后的成绩', subjects: ['数学'] } });
    expect((await del(correctedExamId)).status).toBe(404);
    // its fingerprint is free again: the same results can be imported anew
    const again = await http()
      .post(url())
      .set(as(fx.users.admin))
      .field('name', '更正后的成绩')
      .attach('file', Buffer.from(correctedCsv), '期末.csv');
    expect(again.status).toBe(201);
  });
});
