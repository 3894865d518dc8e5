// Answer sheets end to end: layout from the paper's items, the printed PDF read back with poppler, and the two routes.
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Actor } from '../../src/common/actor.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import type { GrayImage } from '../../src/scans/domain/gray-image.js';
import { ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { School } from '../../src/org/entities/school.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { SheetsService } from '../../src/sheets/sheets.service.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { readPgm } from '../support/pgm.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

/** Grey at a layout point (PDF points) on a page rasterised at `dpi`. */
const greyAt = (img: GrayImage, dpi: number, x: number, y: number) =>
  img.data[Math.floor((y * dpi) / 72) * img.width + Math.floor((x * dpi) / 72)];

describe('answer sheets', () => {
  let env: TestEnv;
  let app: INestApplication;
  let service: SheetsService;
  let allianceId: number;
  let paper: Paper;
  let emptyPaper: Paper;
  let tmp: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('sheets');
    tmp = mkdtempSync(join(tmpdir(), 'tk-sheets-'));
    const a = await createAlliance(env.ds);
    const other = await createAlliance(env.ds, '另一个教联体', `B${Date.now().toString(36)}`);
    allianceId = a.id;
    const school = await createSchool(env.ds, a.id, '城关一中', 'S001');
    const exam = await env.ds
      .getRepository(Exam)
      .save({ allianceId: a.id, name: '2025年秋季七年级期中联考', grade: '七年级' });
    paper = await env.ds
      .getRepository(Paper)
      .save({ examId: exam.id, subject: '数学', title: '七年级数学期中联考', fullMarks: 100 });
    emptyPaper = await env.ds
      .getRepository(Paper)
      .save({ examId: exam.id, subject: '语文', title: '七年级语文期中联考', fullMarks: 100 });
    const items: Partial<Item>[] = [];
    for (let k = 1; k <= 10; k++) {
      const type = k === 9 ? ItemType.MultipleChoice : k === 10 ? ItemType.TrueFalse : ItemType.SingleChoice;
      items.push({
        paperId: paper.id,
        seq: k,
        label: String(k),
        type,
        maxScore: 3,
        answerKey: k === 9 ? 'AC' : k === 10 ? 'T' : 'ABCD'[k % 4],
        optionCount: 4,
      });
    }
    items.push({ paperId: paper.id, seq: 11, label: '11', type: ItemType.FillIn, maxScore: 4, boxHeightMm: 15 });
    items.push({
      paperId: paper.id,
      seq: 12,
      label: '12',
      type: ItemType.Subjective,
      maxScore: 12,
      scoreStep: 0.5,
      boxHeightMm: 60,
    });
    items.push({ paperId: paper.id, seq: 13, label: '13', type: ItemType.Subjective, maxScore: 14, boxHeightMm: 60 });
    items.push({ paperId: paper.id, seq: 14, label: '14', type: ItemType.Subjective, maxScore: 16, boxHeightMm: 80 });
    // saved out of order: the sheet must follow seq, not insertion order
    await env.ds.getRepository(Item).save(items.reverse());

    const pw = 'pass-1234';
    await createUser(env.ds, 'admin', pw, [{ role: Role.Admin, allianceId: a.id }]);
    await createUser(env.ds, 'mathlead', pw, [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]);
    await createUser(env.ds, 'cnlead', pw, [{ role: Role.SubjectLead, allianceId: a.id, subject: '语文' }]);
    await createUser(env.ds, 'marker', pw, [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]);
    await createUser(env.ds, 'scanner', pw, [{ role: Role.Scanner, allianceId: a.id, schoolId: school.id }]);
    await createUser(env.ds, 'outsider', pw, [
      {
        role: Role.Principal,
        allianceId: other.id,
        schoolId: (await createSchool(env.ds, other.id, '外校', 'X001')).id,
      },
    ]);

    app = await createApiApp(env.config, { logger: false });
    await app.init();
    service = app.get(SheetsService);
    for (const u of ['admin', 'mathlead', 'cnlead', 'marker', 'scanner', 'outsider']) {
      const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username: u, password: pw });
      tokens[u] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const adminActor = () =>
    new Actor(1, 'admin', 'admin', [{ role: Role.Admin, allianceId, schoolId: null, subject: null }]);

  it('lays out the paper in seq order, stores the layout, and prints a PDF that agrees with it', async () => {
    const layout = await service.generateSheet(adminActor(), paper.id, {});
    expect(layout.examNoDigits).toBe(8);
    expect(layout.pages).toHaveLength(2);
    expect(layout.pages[0].objective.map((o) => o.label)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(layout.pages[0].objective[9].options).toEqual(['T', 'F']);
    expect(layout.pages.flatMap((p) => p.subjective.map((s) => s.label))).toEqual(['11', '12', '13', '14']);
    const stored = await env.ds.getRepository(Paper).findOneByOrFail({ id: paper.id });
    expect(stored.layout).toEqual(layout);

    const { data } = await service.sheetPdf(adminActor(), paper.id);
    expect(data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfPath = join(tmp, 'sheet.pdf');
    writeFileSync(pdfPath, data);

    // pdftotext spaces CJK text as it likes; compare without whitespace
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const s of [
      '七年级数学期中联考',
      '数学答题卡',
      '第11题（4分）',
      '第12题（12分）',
      '第14题（16分）',
      '姓名',
      '班级',
      '考号',
      '填涂说明',
      '2B铅笔',
      '第1页/共2页',
      '第2页/共2页',
    ])
      expect(text).toContain(s);
    expect(execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' })).toMatch(/NotoSansSC.*yes\s+yes/); // embedded, subset

    const dpi = 100;
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', pdfPath, join(tmp, 'page')]);
    for (const page of layout.pages) {
      const img = readPgm(readFileSync(join(tmp, `page-${page.pageNo}.pgm`)));
      expect(img.width).toBe(Math.round((layout.page.width * dpi) / 72));
      for (const f of page.fiducials) expect(greyAt(img, dpi, f.cx, f.cy)).toBeLessThan(60);
      // the page code read off the print at the layout's cells is paperId·16 + pageNo
      const bits = page.pageCode.cells
        .map((c) => (greyAt(img, dpi, c.x + c.w / 2, c.y + c.h / 2) < 100 ? '1' : '0'))
        .join('');
      expect(parseInt(bits, 2)).toBe(paper.id * 16 + page.pageNo);
      // inside each answer box, well away from its label, the paper is blank
      for (const s of page.subjective)
        expect(greyAt(img, dpi, s.box.x + s.box.w / 2, s.box.y + s.box.h / 2)).toBeGreaterThan(230);
    }
    const p1 = readPgm(readFileSync(join(tmp, 'page-1.pgm')));
    for (const o of layout.pages[0].objective) {
      for (const b of o.bubbles) {
        expect(greyAt(p1, dpi, b.cx, b.cy)).toBeGreaterThan(140); // empty bubble centre: at most the light printed letter
        // the printed ring passes through the bubble's rim: darker than the paper on at least one side
        const rim = Math.min(
          greyAt(p1, dpi, b.cx - b.r, b.cy),
          greyAt(p1, dpi, b.cx + b.r, b.cy),
          greyAt(p1, dpi, b.cx, b.cy - b.r),
          greyAt(p1, dpi, b.cx, b.cy + b.r),
        );
        expect(rim).toBeLessThan(235);
      }
    }
    for (const col of layout.pages[0].examNo!)
      for (const b of col) expect(greyAt(p1, dpi, b.cx, b.cy)).toBeGreaterThan(140);
  });

  it('refuses a paper without items, a bad digit count, and a layout change once pages are scanned', async () => {
    await expect(service.generateSheet(adminActor(), emptyPaper.id, {})).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('还没有题目'),
    });
    await expect(service.generateSheet(adminActor(), paper.id, { examNoDigits: 3 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('考号位数'),
    });
    const a3 = await service.generateSheet(adminActor(), paper.id, { paperSize: 'A3' });
    expect([a3.paperSize, a3.page.width > a3.page.height, a3.columns?.length, a3.pages.length]).toEqual([
      'A3',
      true,
      2,
      1,
    ]);
    await expect(service.generateSheet(adminActor(), paper.id, { paperSize: 'B5' as never })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('A4 或 A3'),
    });
    await service.generateSheet(adminActor(), paper.id, {});

    const before = (await env.ds.getRepository(Paper).findOneByOrFail({ id: paper.id })).layout as SheetLayout;
    const exam = await env.ds.getRepository(Exam).findOneByOrFail({ id: paper.examId });
    const school = await createSchool(env.ds, exam.allianceId, '扫描校', 'S900');
    const admin = await env.ds.query('SELECT id FROM `user` WHERE username = ?', ['admin']);
    const batch = await env.ds
      .getRepository(ScanBatch)
      .save({ examId: exam.id, schoolId: school.id, uploadedBy: admin[0].id });
    await env.ds.getRepository(ScannedPage).save({
      examId: exam.id,
      batchId: batch.id,
      schoolId: school.id,
      paperId: paper.id,
      contentHash: 'a'.repeat(64),
      blobKey: 'scans/x.png',
    });
    // the same layout again is harmless; a different one would misread the scanned pages
    await expect(service.generateSheet(adminActor(), paper.id, { examNoDigits: before.examNoDigits })).resolves.toEqual(
      before,
    );
    await expect(service.generateSheet(adminActor(), paper.id, { examNoDigits: 10 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('已有 1 张答题卡扫描入库'),
    });
    expect((await env.ds.getRepository(Paper).findOneByOrFail({ id: paper.id })).layout).toEqual(before);
  });

  describe('HTTP', () => {
    const http = () => request(app.getHttpServer());
    const as = (u: string) => ({ Authorization: `Bearer ${tokens[u]}` });

    it('POST /api/papers/:id/sheet: subject lead of that subject or admin; others 403', async () => {
      const ok = await http().post(`/api/papers/${emptyPaper.id}/sheet`).set(as('cnlead')).send({});
      expect(ok.status).toBe(400); // in scope, but the paper has no items
      expect(ok.body.message).toContain('还没有题目');
      const wrongSubject = await http().post(`/api/papers/${paper.id}/sheet`).set(as('cnlead')).send({});
      expect(wrongSubject.status).toBe(403);
      expect(wrongSubject.body.message).toMatch(/[\u4e00-\u9fa5]/);
      expect((await http().post(`/api/papers/${paper.id}/sheet`).set(as('marker')).send({})).status).toBe(403);
      expect((await http().post(`/api/papers/${paper.id}/sheet`).set(as('scanner')).send({})).status).toBe(403);
      expect((await http().post(`/api/papers/${paper.id}/sheet`)).status).toBe(401);
      const res = await http().post(`/api/papers/${paper.id}/sheet`).set(as('mathlead')).send({ examNoDigits: 8 });
      expect(res.status).toBe(201);
      expect(res.body.paperId).toBe(paper.id);
      expect(res.body.pages[0].examNo).toHaveLength(8);
      expect((await http().post('/api/papers/abc/sheet').set(as('admin')).send({})).status).toBe(400);
      expect((await http().post('/api/papers/999999/sheet').set(as('admin')).send({})).body.message).toBe('试卷不存在');
    });

    it('GET /api/papers/:id/sheet.pdf: admin, leads, scanners, principals of the alliance; 404 before a layout', async () => {
      const pdf = await http()
        .get(`/api/papers/${paper.id}/sheet.pdf`)
        .set(as('scanner'))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((await http().get(`/api/papers/${paper.id}/sheet.pdf`).set(as('cnlead'))).status).toBe(200);
      expect((await http().get(`/api/papers/${paper.id}/sheet.pdf`).set(as('marker'))).status).toBe(403);
      expect((await http().get(`/api/papers/${paper.id}/sheet.pdf`).set(as('outsider'))).status).toBe(403);
      const none = await http().get(`/api/papers/${emptyPaper.id}/sheet.pdf`).set(as('admin'));
      expect(none.status).toBe(404);
      expect(none.body.message).toBe('该试卷尚未生成答题卡');
    });
    it("GET /api/papers/:id/sheet.pdf?schoolId=&classId=: one personalised sheet per student, for the admin or that school's scanner", async () => {
      const school = await env.ds.getRepository(School).findOneByOrFail({ code: 'S001' });
      const other = await createSchool(env.ds, allianceId, '河口中学', 'S002');
      const c1 = await env.ds
        .getRepository(SchoolClass)
        .save({ schoolId: school.id, name: '七(1)班', grade: '七年级' });
      const c2 = await env.ds
        .getRepository(SchoolClass)
        .save({ schoolId: school.id, name: '七(2)班', grade: '七年级' });
      const c9 = await env.ds
        .getRepository(SchoolClass)
        .save({ schoolId: school.id, name: '九(1)班', grade: '九年级' });
      const oc = await env.ds.getRepository(SchoolClass).save({ schoolId: other.id, name: '七(1)班', grade: '七年级' });
      const st = (classId: number, schoolId: number, examNo: string, name: string) =>
        env.ds.getRepository(Student).save({ allianceId, schoolId, classId, examNo, name });
      await st(c2.id, school.id, '20250201', '王二丫');
      await st(c1.id, school.id, '20250102', '欧阳小雨');
      await st(c1.id, school.id, '20250101', '张小明');
      await st(c9.id, school.id, '20230101', '九年级学生');
      await st(oc.id, other.id, '20259901', '外校学生');
      const binary = (req: request.Test) =>
        req.buffer(true).parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      const pagesPerSheet = (
        (await env.ds.getRepository(Paper).findOneByOrFail({ id: paper.id })).layout as SheetLayout
      ).pages.length;

      const all = await binary(
        http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${school.id}`).set(as('scanner')),
      );
      expect(all.status).toBe(200);
      expect(all.headers['content-type']).toBe('application/pdf');
      const allPath = join(tmp, 'personal-all.pdf');
      writeFileSync(allPath, all.body as Buffer);
      expect(execFileSync('pdfinfo', [allPath], { encoding: 'utf8' })).toMatch(
        new RegExp(`Pages:\\s+${3 * pagesPerSheet}\\b`),
      );
      // class by class, then by exam number; the ninth-grade class is not printed for a seventh-grade exam
      const text = execFileSync('pdftotext', ['-layout', allPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      const order = ['张小明', '欧阳小雨', '王二丫'].map((n) => text.indexOf(n));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      for (const s of ['七(1)班', '七(2)班', '考号20250101', '已印制']) expect(text).toContain(s);
      expect(text).not.toContain('九年级学生');
      expect(text).not.toContain('外校学生');

      const one = await binary(
        http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${school.id}&classId=${c2.id}`).set(as('admin')),
      );
      expect(one.status).toBe(200);
      const onePath = join(tmp, 'personal-one.pdf');
      writeFileSync(onePath, one.body as Buffer);
      expect(execFileSync('pdfinfo', [onePath], { encoding: 'utf8' })).toMatch(
        new RegExp(`Pages:\\s+${pagesPerSheet}\\b`),
      );
      expect(execFileSync('pdftotext', [onePath, '-'], { encoding: 'utf8' })).toContain('王二丫');

      // a scanner of this school may not print another school's; leads, markers and principals elsewhere may not at all
      expect(
        (await http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${other.id}`).set(as('scanner'))).status,
      ).toBe(403);
      expect(
        (await http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${school.id}`).set(as('mathlead'))).status,
      ).toBe(403);
      expect(
        (await http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${school.id}`).set(as('outsider'))).status,
      ).toBe(403);
      expect((await http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=abc`).set(as('admin'))).body.message).toBe(
        '学校编号无效',
      );
      expect(
        (await http().get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${school.id}&classId=${oc.id}`).set(as('admin')))
          .body.message,
      ).toBe('该校没有这个班级');
      const empty = await env.ds
        .getRepository(SchoolClass)
        .save({ schoolId: other.id, name: '七(9)班', grade: '七年级' });
      expect(
        (
          await http()
            .get(`/api/papers/${paper.id}/sheet.pdf?schoolId=${other.id}&classId=${empty.id}`)
            .set(as('admin'))
        ).body.message,
      ).toContain('没有学生名单');
      // children's names left the system on paper: each print is in the audit log
      const audit = await env.ds
        .getRepository(AuditLog)
        .find({ where: { action: 'print_personalised_sheets' }, order: { id: 'ASC' } });
      expect(audit.map((a) => [a.entityId, (a.detail as { students: number }).students])).toEqual([
        [String(paper.id), 3],
        [String(paper.id), 1],
      ]);
    });
  });
});
