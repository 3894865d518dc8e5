// 考务 end to end on the real database, over HTTP and through ingestion: the admin generates exam numbers (Damm
// check digit; again gives the same numbers) and allocates rooms; 准考证, 座位表 and 门贴 are PDFs that carry the
// numbers; a proctor of one school keeps its rooms only and records 缺考 (into exam_absence) and 违纪 (audited);
// the personalised sheet prints the exam's number; a page whose bubbles hold an exam number is read as that
// student, a roster number or an unknown number is an exception; after the first scan numbers are refused.
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type jsQRModule from 'jsqr';
import sharp from 'sharp';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { checkDigit, checkDigitValid } from '../../src/candidates/domain/check-digit.js';
import { sameClassNeighbours } from '../../src/candidates/domain/seating.js';
import { ExamCandidate } from '../../src/candidates/entities/exam-candidate.entity.js';
import { ExamRoom } from '../../src/candidates/entities/exam-room.entity.js';
import { ExamViolation } from '../../src/candidates/entities/exam-violation.entity.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Role } from '../../src/common/role.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { PageStatus } from '../../src/scans/entities/scanned-page.entity.js';
import type { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion, type Ingestion } from '../support/scan-ingestion.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam, storeBatch } from './scans-fixtures.js';

const PASSWORD = 'pass-word-9';

// jsqr is CommonJS with an ES-style default export (as src/scans/qr-reader.ts loads it).
const jsQR = (createRequire(import.meta.url)('jsqr') as { default: typeof jsQRModule.default }).default;

/** The QR codes' text on the first page of the PDF, rendered at 150 dpi and read by jsQR (top half: one ticket). */
async function firstQr(data: Buffer): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'kaowu-qr-'));
  writeFileSync(join(dir, 'x.pdf'), data);
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '150',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    join(dir, 'x.pdf'),
    join(dir, 'p'),
  ]);
  const img = sharp(join(dir, 'p.png'));
  const { width, height } = await img.metadata();
  const { data: rgba, info } = await img
    .extract({ left: 0, top: 0, width: width!, height: Math.floor(height! / 2) })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(rgba), info.width, info.height)?.data ?? null;
}

function pdfText(data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaowu-'));
  writeFileSync(join(dir, 'x.pdf'), data);
  return execFileSync('pdftotext', ['-layout', join(dir, 'x.pdf'), '-']).toString('utf8');
}

describe('考务: exam numbers, rooms, documents, room lists and ingestion', () => {
  let env: TestEnv;
  let app: INestApplication;
  let ingestion: Ingestion;
  let ingest: ScanIngestService;
  let fx: ScanExam;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({
    get: (url: string) => http().get(url).set('Authorization', `Bearer ${tokens[who]}`),
    post: (url: string, body?: object) => http().post(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    binary: (url: string) =>
      http()
        .get(url)
        .set('Authorization', `Bearer ${tokens[who]}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
  });
  const candidates = () =>
    env.ds.getRepository(ExamCandidate).find({ where: { examId: fx.exam.id }, order: { studentId: 'ASC' } });
  const numberOf = async (studentId: number) =>
    (await candidates()).find((c) => c.studentId === studentId)!.examNumber!;

  beforeAll(async () => {
    env = await createTestEnv('candidates');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    ingestion = await scanIngestion(env, { blobs: new LocalBlobStore(env.config.dataDir) });
    ingest = ingestion.ingest;
    fx = await seedScanExam(env.ds, { studentsA: 6, studentsB: 2 });
    const a = fx.allianceId;
    await createUser(env.ds, 'admin', PASSWORD, [{ role: Role.Admin, allianceId: a }]);
    await createUser(env.ds, 'proctor_a', PASSWORD, [{ role: Role.Proctor, allianceId: a, schoolId: fx.schoolA }]);
    await createUser(env.ds, 'proctor_b', PASSWORD, [{ role: Role.Proctor, allianceId: a, schoolId: fx.schoolB }]);
    await createUser(env.ds, 'marker', PASSWORD, [{ role: Role.Marker, allianceId: a, subject: '数学' }]);
    for (const u of ['admin', 'proctor_a', 'proctor_b', 'marker']) {
      const res = await http().post('/api/auth/login').send({ username: u, password: PASSWORD });
      expect(res.status).toBe(200);
      tokens[u] = res.body.token;
    }
  });
  afterAll(async () => {
    await ingestion?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('generates exam numbers by the rule, the same again, never the roster numbers', async () => {
    const res = await as('admin').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ numbered: 8, digits: 8 });
    const first = await candidates();
    expect(first).toHaveLength(8);
    const roster = new Set([...fx.studentsA, ...fx.studentsB].map((s) => s.examNo));
    for (const c of first) {
      expect(c.examNumber).toMatch(/^[0-9]{8}$/);
      expect(checkDigitValid('damm', c.examNumber!)).toBe(true);
      expect(roster.has(c.examNumber!)).toBe(false);
    }
    expect(new Set(first.map((c) => c.examNumber)).size).toBe(8);
    expect((await as('admin').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {})).status).toBe(200);
    expect((await candidates()).map((c) => c.examNumber)).toEqual(first.map((c) => c.examNumber));
  });

  it('refuses a rule that cannot number the students, and a marker, in Chinese', async () => {
    const bad = await as('admin').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {
      segments: [{ kind: 'school', length: 4 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('须含“序号”或“座位号”段');
    const long = await as('admin').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {
      segments: [
        { kind: 'school', length: 3 },
        { kind: 'class', length: 2 },
        { kind: 'seq', length: 3 },
      ],
    });
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('考号共 9 位，而「数学」答题卡的考号栏是 8 位');
    expect((await as('marker').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {})).status).toBe(403);
  });

  it('allocates rooms: capacity, balance, special room, no two of one class side by side', async () => {
    const special = fx.studentsA[5];
    const res = await as('admin').post(`/api/exams/${fx.exam.id}/candidates/rooms`, {
      scope: 'school',
      capacity: 4,
      columns: 2,
      specialCapacity: 2,
      specialRosterNos: [special.examNo],
    });
    expect(res.status).toBe(200);
    const rooms = await env.ds
      .getRepository(ExamRoom)
      .find({ where: { examId: fx.exam.id }, order: { roomNo: 'ASC' } });
    const seated = await candidates();
    expect(seated.every((c) => c.roomId !== null && c.seat !== null)).toBe(true);
    const inRoom = (id: number) => seated.filter((c) => c.roomId === id);
    // School A: 5 students of one class in 2×2 rooms (at most 2 apart) → 3 rooms of 2, 2, 1; its special room; school B.
    expect(rooms.map((r) => [r.schoolId, r.special, inRoom(r.id).length])).toEqual([
      [fx.schoolA, false, 2],
      [fx.schoolA, false, 2],
      [fx.schoolA, false, 1],
      [fx.schoolA, true, 1],
      [fx.schoolB, false, 2],
    ]);
    expect(seated.find((c) => c.studentId === special.id)!.roomId).toBe(rooms[3].id);
    const classOf = new Map([...fx.studentsA, ...fx.studentsB].map((s) => [s.id, s.classId]));
    for (const r of rooms) {
      const seats = inRoom(r.id).map((c) => ({
        studentId: c.studentId,
        seat: c.seat!,
        row: Math.floor((c.seat! - 1) / r.columns),
        col: (c.seat! - 1) % r.columns,
      }));
      const plan = {
        roomNo: r.roomNo,
        hostSchoolId: r.schoolId,
        special: r.special,
        capacity: r.capacity,
        columns: r.columns,
        seats,
      };
      expect(sameClassNeighbours(plan, (id) => classOf.get(id)!)).toEqual([]);
    }
  });

  it('prints 准考证, 座位表 and 门贴 with the exam numbers', async () => {
    const s = fx.studentsA[0];
    const n = await numberOf(s.id);
    const tickets = await as('admin').binary(`/api/exams/${fx.exam.id}/candidates/tickets.pdf?schoolId=${fx.schoolA}`);
    expect(tickets.status).toBe(200);
    expect(tickets.headers['content-type']).toBe('application/pdf');
    const text = pdfText(tickets.body);
    expect(text.replace(/\s/g, '')).toContain('准考证');
    expect(text).toContain(n);
    expect(text).toContain(s.name);
    expect(text).not.toContain(await numberOf(fx.studentsB[0].id));
    // Tickets come in exam-number order: the first page's first QR is the smallest number of school A.
    const numbersA = await Promise.all(fx.studentsA.map((x) => numberOf(x.id)));
    expect(await firstQr(tickets.body)).toBe([...numbersA].sort()[0]);
    const seating = pdfText((await as('admin').binary(`/api/exams/${fx.exam.id}/candidates/seating.pdf`)).body);
    expect(seating).toContain('讲');
    expect(seating).toContain(n);
    const door = pdfText((await as('proctor_a').binary(`/api/exams/${fx.exam.id}/candidates/door.pdf`)).body);
    expect(door).toContain(n);
    expect(door).not.toContain(await numberOf(fx.studentsB[0].id));
    expect((await as('admin').get(`/api/exams/${fx.exam.id}/candidates/other.pdf`)).status).toBe(404);
  });

  it('lets a proctor keep only its school’s rooms: 缺考 into the absences, 违纪 recorded and audited', async () => {
    const list = await as('proctor_a').get(`/api/exams/${fx.exam.id}/rooms`);
    expect(list.status).toBe(200);
    expect(list.body.rooms.every((r: { schoolId: number }) => r.schoolId === fx.schoolA)).toBe(true);
    const room = list.body.rooms[0];
    const roster = await as('proctor_a').get(`/api/exams/${fx.exam.id}/rooms/${room.id}`);
    expect(roster.status).toBe(200);
    const [first, second] = roster.body.candidates;
    const absent = await as('proctor_a').post(`/api/exams/${fx.exam.id}/rooms/${room.id}/absences`, {
      studentId: first.studentId,
      paperId: fx.paper.id,
    });
    expect(absent.status).toBe(200);
    expect(absent.body).toMatchObject({ absent: true, changed: true });
    expect(await env.ds.getRepository(ExamAbsence).countBy({ paperId: fx.paper.id, studentId: first.studentId })).toBe(
      1,
    );
    const v = await as('proctor_a').post(`/api/exams/${fx.exam.id}/rooms/${room.id}/violations`, {
      studentId: second.studentId,
      paperId: fx.paper.id,
      kind: '夹带',
      note: '桌内有纸条',
    });
    expect(v.status).toBe(201);
    expect(await env.ds.getRepository(ExamViolation).findBy({ studentId: second.studentId })).toMatchObject([
      { kind: '夹带', note: '桌内有纸条', paperId: fx.paper.id, roomId: room.id },
    ]);
    expect(
      await env.ds.getRepository(AuditLog).countBy({ action: 'record_violation', entityId: String(second.studentId) }),
    ).toBe(1);
    const after = await as('proctor_a').get(`/api/exams/${fx.exam.id}/rooms/${room.id}`);
    expect(after.body.candidates[0].absentPaperIds).toEqual([fx.paper.id]);
    expect(after.body.violations).toHaveLength(1);

    const other = await as('proctor_b').get(`/api/exams/${fx.exam.id}/rooms/${room.id}`);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('无权处理其他学校考点的考场');
    const bRoom = (await as('proctor_b').get(`/api/exams/${fx.exam.id}/rooms`)).body.rooms[0];
    const notHere = await as('proctor_b').post(`/api/exams/${fx.exam.id}/rooms/${bRoom.id}/absences`, {
      studentId: second.studentId,
      paperId: fx.paper.id,
    });
    expect(notHere.status).toBe(404);
    expect(notHere.body.message).toBe('该考生不在本考场');
    const badKind = await as('proctor_a').post(`/api/exams/${fx.exam.id}/rooms/${room.id}/violations`, {
      studentId: second.studentId,
      paperId: fx.paper.id,
      kind: '其他',
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.message).toBe('违纪类型为“其他”时请写明情况');
  });

  it('prints the exam number on the personalised sheet', async () => {
    const res = await as('admin').binary(`/api/papers/${fx.paper.id}/sheet.pdf?schoolId=${fx.schoolA}`);
    expect(res.status).toBe(200);
    const text = pdfText(res.body);
    expect(text).toContain(`考号 ${await numberOf(fx.studentsA[0].id)}`);
    expect(text).not.toContain(`考号 ${fx.studentsA[0].examNo}`);
  });

  it('reads a page by its exam number, refuses roster and unknown numbers, then refuses new numbers', async () => {
    const s = fx.studentsA[2];
    const unknown = '1234567' + checkDigit('damm', '1234567');
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      [{ examNo: await numberOf(s.id) }, { examNo: s.examNo }, { examNo: unknown }],
      { seed: 21, dpi: 150 },
    );
    const uploader = (await createUser(env.ds, 'scan_k', PASSWORD, [])).id;
    const firstPages = [gen.files[0], gen.files[2], gen.files[4]];
    const batch = await storeBatch(
      env.ds,
      new LocalBlobStore(env.config.dataDir),
      { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploader },
      firstPages,
    );
    const out = [];
    for (const p of batch) out.push(await ingest.ingestPage(p.id));
    expect(out[0]).toEqual({ status: PageStatus.Processed, studentId: s.id });
    expect(out[1]).toMatchObject({ status: PageStatus.Exception, code: 'STUDENT_UNKNOWN' });
    expect(out[2]).toEqual({
      status: PageStatus.Exception,
      code: 'STUDENT_UNKNOWN',
      reason: `考号 ${unknown} 不是本次考试的考号，请核对答题卡`,
    });
    const again = await as('admin').post(`/api/exams/${fx.exam.id}/candidates/numbers`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('本次考试已有 3 张答题卡扫描入库，不能再重新生成考号');
  }, 120_000);
});
