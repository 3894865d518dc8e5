// Personalised sheets at ingestion, on the real database, blob store, sharp and jsQR: the QR code on every page names
// the student, so pages read in any order; exam-number bubbles that disagree with it, a student of another school or
// a student not on the roster are exceptions with a Chinese reason, and nothing is recorded for them. A3 sheets of a
// second paper of the same exam are read in the same batch as the A4 ones.
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { buildSheetLayout } from '../../src/sheets/domain/layout.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam, storeBatch } from './scans-fixtures.js';

describe('personalised sheets at ingestion', () => {
  let env: TestEnv;
  let blobs: LocalBlobStore;
  let ingest: ScanIngestService;
  let fx: ScanExam;
  let uploaderId: number;
  const pages = () => env.ds.getRepository(ScannedPage);

  const batchOf = (schoolId: number, files: { name: string; data: Buffer }[]) =>
    storeBatch(env.ds, blobs, { examId: fx.exam.id, schoolId, uploadedBy: uploaderId, label: 'personal' }, files);

  beforeAll(async () => {
    env = await createTestEnv('personal_ingest');
    blobs = new LocalBlobStore(env.config.dataDir);
    ingest = (await scanIngestion(env, { blobs })).ingest;
    fx = await seedScanExam(env.ds, { studentsA: 5, studentsB: 1 });
    uploaderId = (await createUser(env.ds, 'scan-p', 'pw-12345678', [])).id;
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('identifies each page by its QR code, in any order, with the exam-number bubbles blank or agreeing', async () => {
    const [s0, s1, s2] = fx.studentsA;
    // s0 and s1 leave the bubbles blank; s2 fills them in, agreeing with the printed number
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      [
        { examNo: '', studentId: s0.id },
        { examNo: ' ', studentId: s1.id },
        { examNo: s2.examNo, studentId: s2.id },
      ],
      { seed: 11, dpi: 150, distortion: 'slight', format: 'jpeg' },
    );
    expect(gen.files).toHaveLength(6);
    // page 2s first, then the page 1s in reverse: a sheet for anyone could not be read like this
    const shuffled = [gen.files[1], gen.files[3], gen.files[5], gen.files[4], gen.files[2], gen.files[0]];
    const owner = [s0, s1, s2, s2, s1, s0];
    const batch = await batchOf(fx.schoolA, shuffled);
    for (const p of batch)
      expect(await ingest.ingestPage(p.id)).toEqual({
        status: PageStatus.Processed,
        studentId: owner[batch.indexOf(p)].id,
      });
    const read = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(read.map((p) => [p.status, p.studentId, p.pageNo, (p.alignment as { pageCode: string }).pageCode])).toEqual(
      owner.map((s, n) => [PageStatus.Processed, s.id, shuffled[n].pageNo, 'qr']),
    );
    // the exam number recorded is the printed one (bubbles blank) or the one read (agreeing)
    expect(read.map((p) => p.examNoRead)).toEqual(owner.map((s) => s.examNo));
    const objective = fx.items.filter((i) => i.answerKey).length;
    const responses = await env.ds.getRepository(ObjectiveResponse).find();
    for (const s of [s0, s1, s2]) expect(responses.filter((r) => r.studentId === s.id)).toHaveLength(objective);
    // scores follow the generator's truth (s2's truth is keyed by its exam number)
    const t2 = gen.truth.get(s2.examNo)!;
    for (const r of responses.filter((x) => x.studentId === s2.id)) expect(r.score).toBe(t2.items[r.itemId]);
  }, 120_000);

  it('turns disagreeing bubbles, a student of another school and a student not on the roster into exceptions', async () => {
    const [, , , s3, s4] = fx.studentsA;
    const mismatch = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: s4.examNo, studentId: s3.id }], {
        seed: 12,
        dpi: 150,
      })
    ).files[0];
    const otherSchool = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: '', studentId: fx.studentsB[0].id }], {
        seed: 13,
        dpi: 150,
      })
    ).files[1];
    const unknown = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: '', studentId: 987654 }], { seed: 14, dpi: 150 })
    ).files[0];
    const batch = await batchOf(fx.schoolA, [mismatch, otherSchool, unknown]);
    const before = await env.ds.getRepository(ObjectiveResponse).count();
    const outcomes = [];
    for (const p of batch) outcomes.push(await ingest.ingestPage(p.id));
    expect(outcomes).toEqual([
      {
        status: PageStatus.Exception,
        code: 'EXAMNO_MISMATCH',
        reason: `填涂的考号 ${s4.examNo} 与答题卡上印制的考生（${s3.name}，考号 ${s3.examNo}）不一致，请核对`,
      },
      {
        status: PageStatus.Exception,
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `答题卡二维码中的考生（考号 ${fx.studentsB[0].examNo}）不是本校考生，请核对答题卡或交联盟管理员处理`,
      },
      {
        status: PageStatus.Exception,
        code: 'STUDENT_UNKNOWN',
        reason: '答题卡二维码中的考生不在名单中，请核对答题卡或交联盟管理员处理',
      },
    ]);
    const stored = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(stored.map((p) => [p.status, p.studentId, p.pageNo])).toEqual([
      [PageStatus.Exception, null, 1],
      [PageStatus.Exception, null, 2],
      [PageStatus.Exception, null, 1],
    ]);
    expect(stored[0].examNoRead).toBe(s4.examNo);
    expect(await env.ds.getRepository(ObjectiveResponse).count()).toBe(before);
  }, 120_000);

  it('reads A3 sheets (two columns) of a second paper in the same batch as A4 sheets, each by its own frame', async () => {
    const paper = await env.ds
      .getRepository(Paper)
      .save({ examId: fx.exam.id, subject: '物理', title: '八年级物理', fullMarks: 60, status: PaperStatus.Locked });
    const specs: Partial<Item>[] = [
      ...['A', 'C', 'D', 'B'].map((k, n) => ({
        label: String(n + 1),
        type: ItemType.SingleChoice,
        maxScore: 3,
        answerKey: k,
        optionCount: 4,
      })),
      ...[60, 70, 80, 60, 70, 80, 60, 70].map((h, n) => ({
        label: String(n + 5),
        type: ItemType.Subjective,
        maxScore: 8,
        boxHeightMm: h,
      })),
    ];
    const items: Item[] = [];
    for (const [n, spec] of specs.entries())
      items.push(await env.ds.getRepository(Item).save({ paperId: paper.id, seq: n + 1, scoreStep: 1, ...spec }));
    const layout = buildSheetLayout({
      paperSize: 'A3',
      examId: fx.exam.id,
      paperId: paper.id,
      title: paper.title,
      subject: paper.subject,
      examNoDigits: 8,
      items: items.map((i) => ({
        id: i.id,
        label: i.label,
        type: i.type,
        maxScore: i.maxScore,
        optionCount: i.optionCount,
        boxHeightMm: i.boxHeightMm,
      })),
    });
    await env.ds.getRepository(Paper).update({ id: paper.id }, { layout: layout as never });
    expect(layout.pages).toHaveLength(2);
    // the right column of page 1 holds boxes
    expect(layout.pages[0].subjective.some((b) => b.box.x > layout.page.width / 2)).toBe(true);

    const synthetic = items.map((i) => ({
      id: i.id,
      type: i.type,
      maxScore: i.maxScore,
      scoreStep: i.scoreStep,
      answerKey: i.answerKey,
      optionCount: i.optionCount,
    }));
    const student = fx.studentsA[4];
    const a3 = await generateSyntheticScans(layout, synthetic, [{ examNo: student.examNo }], {
      seed: 21,
      dpi: 150,
      distortion: 'slight',
      format: 'jpeg',
    });
    const a4 = await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: student.examNo }], {
      seed: 22,
      dpi: 150,
      distortion: 'slight',
      format: 'jpeg',
    });
    const batch = await batchOf(fx.schoolA, [...a3.files, ...a4.files]);
    for (const p of batch)
      expect(await ingest.ingestPage(p.id)).toEqual({ status: PageStatus.Processed, studentId: student.id });
    const read = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(read.map((p) => [p.paperId, p.pageNo, (p.alignment as { pageCode: string }).pageCode])).toEqual([
      [paper.id, 1, 'qr'],
      [paper.id, 2, 'qr'],
      [fx.paper.id, 1, 'qr'],
      [fx.paper.id, 2, 'qr'],
    ]);
    const truth = a3.truth.get(student.examNo)!;
    const responses = await env.ds.getRepository(ObjectiveResponse).find({ where: { studentId: student.id } });
    const physics = responses.filter((r) => items.some((i) => i.id === r.itemId));
    expect(physics).toHaveLength(4);
    for (const r of physics) expect(r.score).toBe(truth.items[r.itemId]);
    const snippets = await env.ds.getRepository(AnswerSnippet).find({ where: { studentId: student.id } });
    expect(snippets.filter((sn) => items.some((i) => i.id === sn.itemId))).toHaveLength(8);
  }, 120_000);
});
