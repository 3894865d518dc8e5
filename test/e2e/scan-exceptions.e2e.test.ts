// The scan exceptions workflow over HTTP, on real MariaDB, blob store and sharp, pages read by the real ingestion:
// the queue by reason; each fix (assign, rotate, discard/restore, read again) scoped to the page's school, audited
// with before/after, idempotent; re-matching a read page moves its answers with the marks already made; 缺考 marks
// are refused for read students, stop that student's pages being read, and reach the results. A fix that reads a
// page again answers at once that the page is queued; a worker (as in production) reads it, and the test waits.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { assignMarkers } from './marking-fixtures.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { JOB_QUEUE, JOBS, QUEUES } from '../../src/queue/jobs.js';
import sharp from 'sharp';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { ExamStatus, Exam } from '../../src/exams/entities/exam.entity.js';
import { MarkEvent } from '../../src/marking/entities/mark-event.entity.js';
import { MarkingTask } from '../../src/marking/entities/marking-task.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import type { ExamAnalysisData } from '../../src/results/domain/exam-analysis.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { OmrReview } from '../../src/scans/entities/omr-review.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { mulberry32, NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createUser } from '../support/fixtures.js';
import { drawMark } from '../support/omr-corpus.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { rereadProcessor } from '../../workers/processors/reread.processor.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { seedScanExam, type ScanExam, storeBatch } from '../integration/scans-fixtures.js';

const DPI = 150;

describe('scan exceptions workflow', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let fx: ScanExam;
  let ingest: ScanIngestService;
  let blobs: BlobStore;
  let uploaderId: number;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (u: string) => ({ Authorization: `Bearer ${tokens[u]}` });
  const post = (u: string, url: string, body: object = {}) => http().post(url).set(as(u)).send(body);
  const A = (n: number) => fx.studentsA[n];
  const pageRow = (id: number) => env.ds.getRepository(ScannedPage).findOneByOrFail({ id });
  /** Audit rows of fixes to a page (views of its image are audited too, and left out here). */
  const audits = async (pageId: number) =>
    (
      await env.ds
        .getRepository(AuditLog)
        .find({ where: { entity: 'scanned_page', entityId: String(pageId) }, order: { id: 'ASC' } })
    ).filter((a) => a.action !== 'view_scan_image');

  beforeAll(async () => {
    env = await createTestEnv('scan_exceptions');
    fx = await seedScanExam(env.ds, { studentsA: 6, studentsB: 1 });
    const pw = 'pass-1234';
    uploaderId = (
      await createUser(env.ds, 'scanA', pw, [{ role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA }])
    ).id;
    await createUser(env.ds, 'scanB', pw, [{ role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolB }]);
    await createUser(env.ds, 'admin', pw, [{ role: Role.Admin, allianceId: fx.allianceId }]);
    const marker = await createUser(env.ds, 'marker', pw, [
      { role: Role.Marker, allianceId: fx.allianceId, subject: '数学' },
    ]);
    await assignMarkers(
      env.ds,
      fx.items.map((i) => i.id),
      [marker.id],
    ); // 题块: a marker with no assignment gets nothing
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    blobs = app.get(BlobStore);
    // The worker reads the pages a fix queues; the test reads its uploads with the worker's ingestion, in order.
    worker = await startWorkers(env.config, {
      processors: [scanIngestProcessor, pageCopyProcessor, rereadProcessor],
      logger: false,
    });
    ingest = worker.app.get(ScanIngestService);
    for (const u of ['scanA', 'scanB', 'admin', 'marker'])
      tokens[u] = (await http().post('/api/auth/login').send({ username: u, password: pw })).body.token;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  /** Waits until the worker has read every page a fix queued (and the pages read again after them). */
  async function pagesRead() {
    const queue = app.get(JobProducer).queue(QUEUES.ingest);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`pages not read again: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Page `pageNo` of a sheet with this exam number (items 1–6 answered A, B, C, D, A, B). */
  async function sheetPage(examNo: string, pageNo: number, seed = 5, halfB = false) {
    const choices: Record<number, string> = Object.fromEntries(
      fx.items.slice(0, 6).map((it, n) => [it.id, 'ABCDAB'[n]]),
    );
    if (halfB) delete choices[fx.items[0].id];
    const img = renderSyntheticPage(
      fx.layout,
      pageNo,
      { examNo, choices, subjective: {} },
      { dpi: DPI, distortion: NO_DISTORTION, seed },
    );
    // item 1 left as a half-filled B: goes to the OMR review queue
    if (halfB)
      drawMark(
        img,
        DPI / 72,
        fx.layout.pages[0].objective.find((b) => b.itemId === fx.items[0].id)!.bubbles[1],
        'half',
        mulberry32(9),
      );
    return encodeGray(img, 'png');
  }

  /** A batch of school A read by the real ingestion, in order (as the queue does for one scanner's upload). */
  async function readBatch(files: Buffer[], schoolId = fx.schoolA): Promise<ScannedPage[]> {
    const stored = await storeBatch(
      env.ds,
      blobs,
      { examId: fx.exam.id, schoolId, uploadedBy: uploaderId, label: 'exc' },
      files.map((data, n) => ({ name: `b{batch}-p${n + 1}.png`, data })),
    );
    const out: ScannedPage[] = [];
    for (const p of stored) {
      await ingest.ingestPage(p.id);
      out.push(await pageRow(p.id));
    }
    return out;
  }

  /** Every row a fix could touch, for "the same fix twice gives the same rows". */
  async function snapshot() {
    const [pages, responses, snippets, tasks, finals, absences] = await Promise.all([
      env.ds.getRepository(ScannedPage).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(ObjectiveResponse).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(AnswerSnippet).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(MarkingTask).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(FinalItemScore).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(ExamAbsence).find({ order: { id: 'ASC' } }),
    ]);
    return {
      pages: pages.map(({ updatedAt, ...p }) => p),
      responses,
      snippets,
      tasks: tasks.map(({ createdAt, ...t }) => t),
      finals: finals.map(({ updatedAt, ...f }) => f),
      absences,
      audit: (
        await env.ds.getRepository(AuditLog).find({ where: [{ entity: 'scanned_page' }, { entity: 'student' }] })
      ).filter((a) => a.action !== 'view_scan_image').length,
    };
  }

  let unknown: ScannedPage[];

  it('lists exceptions by reason with counts, a filter and the page image; other schools are refused in Chinese', async () => {
    unknown = await readBatch([await sheetPage('20259999', 1), await sheetPage('20259999', 2)]);
    expect(unknown.map((p) => [p.status, p.exceptionCode])).toEqual([
      [PageStatus.Exception, 'STUDENT_UNKNOWN'],
      [PageStatus.Exception, 'PREVIOUS_PAGE_EXCEPTION'],
    ]);
    const q = await http().get(`/api/exams/${fx.exam.id}/exception-queue?schoolId=${fx.schoolA}`).set(as('scanA'));
    expect(q.status).toBe(200);
    expect(q.body.total).toBe(2);
    expect(q.body.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'STUDENT_UNKNOWN', label: '考号不在名单中', count: 1 }),
        expect.objectContaining({ code: 'PREVIOUS_PAGE_EXCEPTION', count: 1 }),
      ]),
    );
    const filtered = await http()
      .get(`/api/exams/${fx.exam.id}/exception-queue?schoolId=${fx.schoolA}&code=STUDENT_UNKNOWN`)
      .set(as('scanA'));
    expect(filtered.body.pages).toHaveLength(1);
    expect(filtered.body.pages[0]).toMatchObject({
      pageId: unknown[0].id,
      reason: '考号 20259999 不在名单中',
      imageUrl: `/api/scans/pages/${unknown[0].id}/image`,
      suggested: ['assign', 'reingest'],
    });
    expect((await http().get(filtered.body.pages[0].imageUrl).set(as('scanA'))).status).toBe(200);

    const other = await http().get(`/api/exams/${fx.exam.id}/exception-queue?schoolId=${fx.schoolA}`).set(as('scanB'));
    expect([other.status, other.body.message]).toEqual([403, '无权查看该学校的扫描情况']);
    const before = await snapshot();
    for (const [url, body] of [
      [`/api/scans/pages/${unknown[0].id}/assign`, { examNo: fx.studentsB[0].examNo }],
      [`/api/scans/pages/${unknown[0].id}/rotate`, { rotation: 90 }],
      [`/api/scans/pages/${unknown[0].id}/discard`, {}],
      [`/api/scans/pages/${unknown[0].id}/reingest`, {}],
    ] as const) {
      const res = await post('scanB', url, body);
      expect([res.status, res.body.message]).toEqual([403, '无权处理该学校的扫描图像']);
    }
    const missing = await post('scanA', '/api/scans/pages/999999/assign', { examNo: A(1).examNo });
    expect([missing.status, missing.body.message]).toEqual([404, '扫描图像不存在']);
    expect(await snapshot()).toEqual(before);
  });

  it('assigns a page with an unknown exam number to a roster student: it is read for them, the page after it follows, both audited; twice changes nothing', async () => {
    // A student of another school cannot be named by this school's scanner.
    const foreign = await post('scanA', `/api/scans/pages/${unknown[0].id}/assign`, { examNo: fx.studentsB[0].examNo });
    expect([foreign.status, foreign.body.message]).toEqual([
      403,
      `考号 ${fx.studentsB[0].examNo} 不是本校考生，不能指定给本校的答题卡；请交联盟管理员处理`,
    ]);
    const bad = await post('scanA', `/api/scans/pages/${unknown[0].id}/assign`, {});
    expect([bad.status, bad.body.message]).toEqual([400, '请选择考生（studentId 或考号 examNo）']);

    const res = await post('scanA', `/api/scans/pages/${unknown[0].id}/assign`, { examNo: A(1).examNo });
    expect(res.status).toBe(200);
    // Queued for the worker to read again, with the student it is assigned to.
    expect(res.body).toMatchObject({
      pageId: unknown[0].id,
      changed: true,
      status: PageStatus.Queued,
      studentId: null,
      examNo: A(1).examNo,
      followers: [],
    });
    await pagesRead();
    expect([(await pageRow(unknown[1].id)).status, (await pageRow(unknown[1].id)).exceptionReason]).toEqual([
      PageStatus.Processed,
      null,
    ]);
    const [p1, p2] = [await pageRow(unknown[0].id), await pageRow(unknown[1].id)];
    expect([p1.studentId, p1.forcedStudentId, p1.examNoRead, p2.studentId, p2.forcedStudentId]).toEqual([
      A(1).id,
      A(1).id,
      '20259999',
      A(1).id,
      null,
    ]);
    expect(await env.ds.getRepository(ObjectiveResponse).countBy({ studentId: A(1).id })).toBe(6);
    expect(await env.ds.getRepository(AnswerSnippet).countBy({ studentId: A(1).id })).toBe(4);

    const [a1] = await audits(unknown[0].id);
    expect(a1).toMatchObject({ action: 'assign_scan_page', userId: uploaderId });
    expect(a1.detail).toMatchObject({
      pageId: unknown[0].id,
      before: { status: 'exception', exceptionCode: 'STUDENT_UNKNOWN', studentId: null },
      after: { status: 'queued', exceptionCode: null, forcedStudentId: A(1).id },
      examNo: A(1).examNo,
      outcome: 'queued',
    });
    expect((await audits(unknown[1].id)).map((a) => a.action)).toEqual(['reingest_scan_page']);

    const before = await snapshot();
    const again = await post('scanA', `/api/scans/pages/${unknown[0].id}/assign`, { studentId: A(1).id });
    expect(again.body).toMatchObject({ changed: false, status: PageStatus.Processed, studentId: A(1).id });
    expect(await snapshot()).toEqual(before);
  });

  it("hands a sheet of another school found in this school's pile to that school: the admin only", async () => {
    const b0 = fx.studentsB[0];
    const [p] = await readBatch([await sheetPage(b0.examNo, 1, 31)]);
    expect(p.exceptionCode).toBe('STUDENT_OTHER_SCHOOL');
    const refused = await post('scanA', `/api/scans/pages/${p.id}/assign`, { examNo: b0.examNo });
    expect(refused.status).toBe(403);
    const res = await post('admin', `/api/scans/pages/${p.id}/assign`, { examNo: b0.examNo });
    expect(res.body).toMatchObject({ changed: true, status: PageStatus.Queued, examNo: b0.examNo });
    await pagesRead();
    expect(await pageRow(p.id)).toMatchObject({ schoolId: fx.schoolB, status: PageStatus.Processed, studentId: b0.id });
    expect((await audits(p.id))[0].detail).toMatchObject({
      before: { schoolId: fx.schoolA },
      after: { schoolId: fx.schoolB, forcedStudentId: b0.id },
    });
    // Now it is school B's page: its scanner may act on it, school A's may not.
    expect((await post('scanA', `/api/scans/pages/${p.id}/discard`)).status).toBe(403);
    expect((await post('scanB', `/api/scans/pages/${p.id}/discard`)).body.message).toBe(
      '该页已识别入库，不能作废；如归属有误，请改派考生',
    );
  });

  it('reads a page whose exam number is left blank once a student is assigned', async () => {
    const [p] = await readBatch([await sheetPage('', 1)]);
    expect(p.exceptionCode).toBe('EXAMNO_BLANK');
    const res = await post('scanA', `/api/scans/pages/${p.id}/assign`, { studentId: A(3).id });
    expect(res.body).toMatchObject({ status: PageStatus.Queued, examNo: A(3).examNo });
    await pagesRead();
    expect(await pageRow(p.id)).toMatchObject({ status: PageStatus.Processed, studentId: A(3).id });
    const marked = await env.ds
      .getRepository(ObjectiveResponse)
      .find({ where: { studentId: A(3).id }, order: { itemId: 'ASC' } });
    expect(marked.map((r) => r.marked).join('')).toBe('ABCDAB');
  });

  it('reads a sideways page without help; a person can still turn a page by a right angle, audited, and the same turn again does nothing', async () => {
    // Scanned sideways (a quarter anticlockwise): ingestion turns a landscape image of a portrait-only exam itself.
    const sideways = await sharp(await sheetPage(A(4).examNo, 1))
      .rotate(270)
      .png()
      .toBuffer();
    const [auto] = await readBatch([sideways]);
    expect([auto.status, auto.studentId]).toEqual([PageStatus.Processed, A(4).id]);
    // A manual turn (for what the automatic one cannot settle, e.g. an A3 sheet fed short edge first in an exam that
    // also prints A4) is tried here on a page that stays an exception whichever way it lies.
    const [p] = await readBatch([await sheetPage('20259997', 1)]);
    expect(p.exceptionCode).toBe('STUDENT_UNKNOWN');
    const wrong = await post('scanA', `/api/scans/pages/${p.id}/rotate`, { rotation: 45 });
    expect([wrong.status, wrong.body.message]).toEqual([400, '旋转角度应为 0、90、180 或 270（顺时针）']);
    // The list's thumbnail shows the page as it will be read: upright before the turn, sideways after.
    const thumb = async () => {
      const r = await http()
        .get(`/api/scans/pages/${p.id}/thumbnail`)
        .set(as('scanA'))
        .buffer(true)
        .parse((stream, cb) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect([r.status, r.headers['content-type']]).toEqual([200, 'image/jpeg']);
      const meta = await sharp(r.body as Buffer).metadata();
      return [meta.width, meta.height! > meta.width! ? 'portrait' : 'landscape'];
    };
    expect(await thumb()).toEqual([360, 'portrait']);
    expect((await http().get(`/api/scans/pages/${p.id}/thumbnail`).set(as('scanB'))).status).toBe(403);
    const res = await post('scanA', `/api/scans/pages/${p.id}/rotate`, { rotation: 90 });
    expect(res.body).toMatchObject({ changed: true, status: PageStatus.Queued });
    await pagesRead();
    expect(await pageRow(p.id)).toMatchObject({ status: PageStatus.Exception, exceptionCode: 'STUDENT_UNKNOWN' });
    expect(await thumb()).toEqual([360, 'landscape']);
    expect((await pageRow(p.id)).rotation).toBe(90);
    const [audit] = await audits(p.id);
    expect(audit).toMatchObject({ action: 'rotate_scan_page' });
    expect(audit.detail).toMatchObject({
      before: { rotation: 0, status: 'exception' },
      after: { rotation: 90, status: 'queued' },
    });
    const before = await snapshot();
    const again = await post('scanA', `/api/scans/pages/${p.id}/rotate`, { rotation: 90 });
    expect(again.body).toMatchObject({ changed: false });
    expect(await snapshot()).toEqual(before);
    const processed = await post('scanA', `/api/scans/pages/${auto.id}/rotate`, { rotation: 90 });
    expect([processed.status, processed.body.message]).toEqual([400, '该页已识别成功，无需旋转']);
    // The tests below count exceptions: this one is not theirs.
    await env.ds.getRepository(ScannedPage).delete({ id: p.id });
  });

  it('discards a duplicate sheet (kept on disk, out of every count), restores it, discards it again', async () => {
    const [dup] = await readBatch([await sheetPage(A(4).examNo, 1, 77)]);
    expect(dup.exceptionCode).toBe('DUPLICATE_SHEET');
    const res = await post('scanA', `/api/scans/pages/${dup.id}/discard`);
    expect(res.body).toMatchObject({ changed: true, status: PageStatus.Discarded });
    expect(await blobs.get(dup.blobKey)).toBeInstanceOf(Buffer);
    const status = (await http().get(`/api/exams/${fx.exam.id}/scan-status?schoolId=${fx.schoolA}`).set(as('scanA')))
      .body;
    expect(status).toMatchObject({ exception: 0, discarded: 1 });
    const listed = (
      await http()
        .get(`/api/exams/${fx.exam.id}/exception-queue?schoolId=${fx.schoolA}&status=discarded`)
        .set(as('scanA'))
    ).body;
    expect(listed.pages.map((p: { pageId: number }) => p.pageId)).toEqual([dup.id]);
    // Nothing reads a discarded page, not even a job still in the queue.
    expect(await ingest.ingestPage(dup.id)).toEqual({ status: 'discarded' });
    const reread = await post('scanA', `/api/scans/pages/${dup.id}/reingest`);
    expect([reread.status, reread.body.message]).toEqual([400, '该页已作废，请先恢复']);

    const before = await snapshot();
    expect((await post('scanA', `/api/scans/pages/${dup.id}/discard`)).body).toMatchObject({
      changed: false,
      status: PageStatus.Discarded,
    });
    expect(await snapshot()).toEqual(before);

    const restored = await post('scanA', `/api/scans/pages/${dup.id}/restore`);
    expect(restored.body).toMatchObject({ changed: true, status: PageStatus.Queued });
    await pagesRead();
    expect(await pageRow(dup.id)).toMatchObject({ status: PageStatus.Exception, exceptionCode: 'DUPLICATE_SHEET' });
    await post('scanA', `/api/scans/pages/${dup.id}/discard`);
    expect((await audits(dup.id)).map((a) => a.action)).toEqual([
      'discard_scan_page',
      'restore_scan_page',
      'discard_scan_page',
    ]);
    // A read page is not discarded: it would take a student's answers with it.
    const read = await env.ds
      .getRepository(ScannedPage)
      .findOneByOrFail({ studentId: A(4).id, status: PageStatus.Processed });
    const refused = await post('scanA', `/api/scans/pages/${read.id}/discard`);
    expect([refused.status, refused.body.message]).toEqual([400, '该页已识别入库，不能作废；如归属有误，请改派考生']);
  });

  it('reads a page again as it is once the roster has the student', async () => {
    const [p] = await readBatch([await sheetPage('20250190', 1)]);
    expect(p.exceptionCode).toBe('STUDENT_UNKNOWN');
    const late = await env.ds.getRepository(Student).save({
      allianceId: fx.allianceId,
      schoolId: fx.schoolA,
      classId: A(0).classId,
      examNo: '20250190',
      name: '补录学生',
    });
    const res = await post('scanA', `/api/scans/pages/${p.id}/reingest`);
    expect(res.body).toMatchObject({ changed: true, status: PageStatus.Queued });
    await pagesRead();
    expect(await pageRow(p.id)).toMatchObject({ status: PageStatus.Processed, studentId: late.id });
    expect((await audits(p.id))[0].detail).toMatchObject({
      before: { status: 'exception' },
      after: { status: 'queued' },
    });
    const again = await post('scanA', `/api/scans/pages/${p.id}/reingest`);
    expect([again.status, again.body.message]).toEqual([400, '该页已识别成功；如归属有误，请改派考生']);
  });

  it('re-matches a read sheet to the right student without a rescan: answers, snippets, tasks and marks move with it', async () => {
    const sheet = await readBatch([await sheetPage(A(0).examNo, 1, 11, true), await sheetPage(A(0).examNo, 2, 11)]);
    expect(sheet.map((p) => [p.status, p.studentId])).toEqual([
      [PageStatus.Processed, A(0).id],
      [PageStatus.Processed, A(0).id],
    ]);
    // The half-filled item 1 is confirmed as B by the scanner: a person's decision, which must follow the answer.
    const review = await env.ds
      .getRepository(OmrReview)
      .findOneByOrFail({ studentId: A(0).id, itemId: fx.items[0].id });
    expect((await post('scanA', `/api/omr-review/${review.id}/resolve`, { marked: 'B' })).status).toBe(200);
    // A marker marks the single-marked item 9 of this sheet: a mark event and a final score for A(0).
    await env.ds.getRepository(Exam).update({ id: fx.exam.id }, { status: ExamStatus.Marking });
    const item9 = fx.items[8];
    const snippet = await env.ds.getRepository(AnswerSnippet).findOneByOrFail({ studentId: A(0).id, itemId: item9.id });
    let task;
    for (;;) {
      const next = await post('marker', '/api/marking/next', { examId: fx.exam.id, itemId: item9.id });
      expect(next.status).toBe(200);
      const row = await env.ds.getRepository(MarkingTask).findOneByOrFail({ id: next.body.taskId });
      if (row.snippetId === snippet.id) {
        task = row;
        break;
      }
      expect(
        (await post('marker', `/api/marking/tasks/${row.id}/submit`, { score: 5, clientId: `c-${row.id}-xxxxxxxx` }))
          .status,
      ).toBe(200);
    }
    expect(
      (await post('marker', `/api/marking/tasks/${task.id}/submit`, { score: 7, clientId: `c-${task.id}-xxxxxxxx` }))
        .status,
    ).toBe(200);
    expect(
      await env.ds.getRepository(FinalItemScore).findOneBy({ studentId: A(0).id, itemId: item9.id }),
    ).toMatchObject({ score: 7, source: 'marking' });
    const eventsBefore = await env.ds.getRepository(MarkEvent).find({ where: { snippetId: snippet.id } });
    const tasksBefore = await env.ds
      .getRepository(MarkingTask)
      .find({ where: { snippetId: snippet.id }, order: { id: 'ASC' } });

    // A student who already has this sheet cannot take it.
    const clash = await post('scanA', `/api/scans/pages/${sheet[0].id}/assign`, { studentId: A(1).id });
    expect(clash.status).toBe(409);
    expect(clash.body.message).toMatch(new RegExp(`^考号 ${A(1).examNo} 的第1页已有答卷`));

    const res = await post('scanA', `/api/scans/pages/${sheet[0].id}/assign`, { studentId: A(5).id });
    expect(res.status).toBe(200);
    // The answers moved at once; the page is read again for its new student by the worker.
    expect(res.body).toMatchObject({ changed: true, status: PageStatus.Queued, studentId: A(5).id });
    expect(res.body.followers).toEqual([{ pageId: sheet[1].id, status: PageStatus.Processed, reason: null }]);
    expect((await pageRow(sheet[1].id)).studentId).toBe(A(5).id);
    await pagesRead();
    expect(await pageRow(sheet[0].id)).toMatchObject({ status: PageStatus.Processed, studentId: A(5).id });

    // The answer moved (same snippet id, same token), its tasks and marks with it; the final score follows the answer.
    const moved = await env.ds.getRepository(AnswerSnippet).findOneByOrFail({ id: snippet.id });
    expect([moved.studentId, moved.token, moved.pageId]).toEqual([A(5).id, snippet.token, snippet.pageId]);
    expect(await env.ds.getRepository(MarkEvent).find({ where: { snippetId: snippet.id } })).toEqual(eventsBefore);
    expect(
      (await env.ds.getRepository(MarkingTask).find({ where: { snippetId: snippet.id }, order: { id: 'ASC' } })).map(
        ({ createdAt, ...t }) => t,
      ),
    ).toEqual(tasksBefore.map(({ createdAt, ...t }) => t));
    expect(
      await env.ds.getRepository(FinalItemScore).findOneBy({ studentId: A(5).id, itemId: item9.id }),
    ).toMatchObject({ score: 7, source: 'marking' });
    expect(await env.ds.getRepository(FinalItemScore).countBy({ studentId: A(0).id })).toBe(0);
    expect(await env.ds.getRepository(ObjectiveResponse).countBy({ studentId: A(0).id })).toBe(0);
    expect(await env.ds.getRepository(AnswerSnippet).countBy({ studentId: A(0).id })).toBe(0);
    expect(await env.ds.getRepository(ObjectiveResponse).countBy({ studentId: A(5).id })).toBe(6);
    expect(await env.ds.getRepository(OmrReview).findOneByOrFail({ id: review.id })).toMatchObject({
      studentId: A(5).id,
      status: 'resolved',
      resolvedMarked: 'B',
    });
    expect(
      await env.ds.getRepository(ObjectiveResponse).findOneByOrFail({ studentId: A(5).id, itemId: fx.items[0].id }),
    ).toMatchObject({ marked: 'B', score: 3 });
    expect(await env.ds.getRepository(AnswerSnippet).countBy({ studentId: A(5).id })).toBe(4);

    const trail = await audits(sheet[0].id);
    expect(trail.map((a) => a.action)).toEqual(['rematch_scan_page']);
    expect(trail[0].detail).toMatchObject({
      fromStudentId: A(0).id,
      toStudentId: A(5).id,
      before: { studentId: A(0).id },
      after: { studentId: A(5).id, forcedStudentId: A(5).id },
    });
    expect((await audits(sheet[1].id))[0].detail).toMatchObject({
      viaPageId: sheet[0].id,
      fromStudentId: A(0).id,
      toStudentId: A(5).id,
    });

    const before = await snapshot();
    expect((await post('scanA', `/api/scans/pages/${sheet[0].id}/assign`, { examNo: A(5).examNo })).body).toMatchObject(
      { changed: false, studentId: A(5).id },
    );
    expect(await snapshot()).toEqual(before);
    await env.ds.getRepository(Exam).update({ id: fx.exam.id }, { status: ExamStatus.Scanning });
  });

  it('marks 缺考 from the roster, refuses it for a read student, holds back that student’s sheet until undone, and reaches the results', async () => {
    const roster = await http().get(`/api/exams/${fx.exam.id}/scan-roster?schoolId=${fx.schoolA}`).set(as('scanA'));
    expect(roster.status).toBe(200);
    const state = (body: { students: { studentId: number; state: string }[] }, id: number) =>
      body.students.find((s) => s.studentId === id)?.state;
    // A(0)'s sheet went to A(5); A(2) has none.
    expect([state(roster.body, A(0).id), state(roster.body, A(2).id), state(roster.body, A(5).id)]).toEqual([
      'missing',
      'missing',
      'scanned',
    ]);
    // A(4) has only page 1 of the two-page sheet read (the sideways scan): 缺页, naming the page to look for.
    expect(roster.body.students.find((s: { studentId: number }) => s.studentId === A(4).id)).toMatchObject({
      state: 'partial',
      missingPages: [2],
    });
    const c = roster.body.counts;
    expect(c.roster).toBe(c.scanned + c.partial + c.absent + c.missing);
    expect(c.partial).toBeGreaterThanOrEqual(1);
    const found = await http()
      .get(`/api/exams/${fx.exam.id}/scan-roster?schoolId=${fx.schoolA}&q=${encodeURIComponent('学生2025015')}`)
      .set(as('scanA'));
    expect(found.body.students.map((s: { examNo: string }) => s.examNo)).toEqual(['20250105']);

    const readOne = await post('scanA', `/api/exams/${fx.exam.id}/absences`, { studentId: A(1).id });
    expect([readOne.status, readOne.body.message]).toEqual([
      409,
      expect.stringMatching(new RegExp(`^考号 ${A(1).examNo} 已有识别成功的答卷`)),
    ]);
    const otherSchool = await post('scanB', `/api/exams/${fx.exam.id}/absences`, { studentId: A(2).id });
    expect([otherSchool.status, otherSchool.body.message]).toEqual([403, '无权为其他学校的考生登记缺考']);

    const marked = await post('scanA', `/api/exams/${fx.exam.id}/absences`, { studentId: A(2).id });
    expect(marked.body).toMatchObject({ absent: true, changed: true, paperId: fx.paper.id });
    const before = await snapshot();
    expect((await post('scanA', `/api/exams/${fx.exam.id}/absences`, { studentId: A(2).id })).body).toMatchObject({
      absent: true,
      changed: false,
    });
    expect(await snapshot()).toEqual(before);
    expect(
      await env.ds.getRepository(AuditLog).findBy({ action: 'mark_absent', entityId: String(A(2).id) }),
    ).toHaveLength(1);
    expect(
      state(
        (await http().get(`/api/exams/${fx.exam.id}/scan-roster?schoolId=${fx.schoolA}`).set(as('scanA'))).body,
        A(2).id,
      ),
    ).toBe('absent');

    // Their sheet turns up after all: not read while the mark stands; undoing the mark reads it.
    const [late] = await readBatch([await sheetPage(A(2).examNo, 1)]);
    expect(late.exceptionCode).toBe('STUDENT_MARKED_ABSENT');
    const assign = await post('scanA', `/api/scans/pages/${late.id}/assign`, { studentId: A(2).id });
    expect([assign.status, assign.body.message]).toEqual([
      409,
      `考号 ${A(2).examNo} 的考生已标记缺考，请先撤销缺考标记`,
    ]);
    const undo = await http()
      .delete(`/api/exams/${fx.exam.id}/absences/${A(2).id}`)
      .set(as('scanA'));
    expect(undo.body).toMatchObject({
      absent: false,
      changed: true,
      reread: [{ pageId: late.id, status: PageStatus.Queued }],
    });
    await pagesRead();
    expect(await pageRow(late.id)).toMatchObject({ status: PageStatus.Processed, studentId: A(2).id });

    // A(0) is marked absent: the results count them absent (out of the statistics, in the 参考率 denominator).
    await post('scanA', `/api/exams/${fx.exam.id}/absences`, { studentId: A(0).id });
    const summary = await app.get(ResultsJobService).computeExam(fx.exam.id);
    const result = await env.ds
      .getRepository(StudentResult)
      .findOneByOrFail({ paperId: fx.paper.id, studentId: A(0).id });
    expect([result.absent, result.total]).toEqual([true, null]);
    const row = summary.papers[0];
    expect(row.roster).toBe(row.absent + row.incomplete + row.included);
    // School A: 7 on the roster (6 + the late entry), all with a read sheet but A(0), marked absent: 参考率 6/7.
    // Through the repository: each school's part is stored in a row of its own (exam_school_analysis).
    const [data] = (await new ExamAnalysisRepository(env.ds).dataOf(fx.exam.id, [fx.paper.id])) as ExamAnalysisData[];
    const schoolA = data.schools.find((x) => x.schoolId === fx.schoolA)!;
    expect([schoolA.roster, schoolA.absent, schoolA.n + schoolA.incomplete]).toEqual([7, 1, 6]);
    expect(schoolA.participationRate).toBeCloseTo(6 / 7, 4);

    // Once results exist, a fix queues the results job again, so no page shows figures from before it.
    const resultsQueue = app.get(JobProducer).queue(JOB_QUEUE[JOBS.computeResults]);
    const queued = async () =>
      (await resultsQueue.getJobs(['delayed', 'waiting'])).filter((j) => j.data.examId === fx.exam.id).length;
    const jobsBefore = await queued();
    await http()
      .delete(`/api/exams/${fx.exam.id}/absences/${A(0).id}`)
      .set(as('scanA'));
    expect(await queued()).toBe(jobsBefore + 1);
  });
  it('gives the same rows when the same fix arrives twice at once (double click, two tabs)', async () => {
    const save = (examNo: string) =>
      env.ds.getRepository(Student).save({
        allianceId: fx.allianceId,
        schoolId: fx.schoolA,
        classId: A(0).classId,
        examNo,
        name: `并发${examNo}`,
      });
    const [s1, s2] = [await save('20250191'), await save('20250192')];
    const [p] = await readBatch([await sheetPage('20259998', 1, 41)]);
    const both = await Promise.all(
      [1, 2].map(() => post('scanA', `/api/scans/pages/${p.id}/assign`, { studentId: s1.id })),
    );
    expect(both.map((r) => [r.status, r.body.examNo])).toEqual([
      [200, s1.examNo],
      [200, s1.examNo],
    ]);
    // (the later of the two may find the page already read by the worker)
    for (const r of both) expect([PageStatus.Queued, PageStatus.Processed]).toContain(r.body.status);
    await pagesRead();
    expect(await pageRow(p.id)).toMatchObject({ status: PageStatus.Processed, studentId: s1.id });
    const counts = async (id: number) => [
      await env.ds.getRepository(ObjectiveResponse).countBy({ studentId: id }),
      await env.ds.getRepository(AnswerSnippet).countBy({ studentId: id }),
    ];
    expect(await counts(s1.id)).toEqual([6, 2]);
    const tasks = await env.ds.getRepository(MarkingTask).count();

    const moves = await Promise.all(
      [1, 2].map(() => post('scanA', `/api/scans/pages/${p.id}/assign`, { studentId: s2.id })),
    );
    expect(moves.map((r) => r.status)).toEqual([200, 200]);
    expect(moves.map((r) => r.body.changed).sort()).toEqual([false, true]);
    await pagesRead();
    expect([await counts(s1.id), await counts(s2.id)]).toEqual([
      [0, 0],
      [6, 2],
    ]);
    expect(await env.ds.getRepository(MarkingTask).count()).toBe(tasks);
    expect((await audits(p.id)).filter((a) => a.action === 'rematch_scan_page')).toHaveLength(1);
  });
});
