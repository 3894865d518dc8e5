// Ingestion on the real database, blob store and sharp: synthetic scans of a two-page sheet, read back against the
// truth the generator kept; re-runs change nothing; bad pages become exceptions with the right reason.
import sharp from 'sharp';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { MarkingTask } from '../../src/marking/entities/marking-task.entity.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { JOBS, jobIds, QUEUES } from '../../src/queue/jobs.js';
import type { Ingestion } from '../support/scan-ingestion.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';
import type { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { readTallyScore } from '../support/synthetic/synthetic-tally.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam, storeBatch } from './scans-fixtures.js';

describe('scan ingestion', () => {
  let env: TestEnv;
  let blobs: LocalBlobStore;
  let ingest: ScanIngestService;
  let ingestion: Ingestion;
  let fx: ScanExam;
  let uploaderId: number;

  const pages = () => env.ds.getRepository(ScannedPage);

  const batchOf = (schoolId: number, files: { name: string; data: Buffer }[]) =>
    storeBatch(env.ds, blobs, { examId: fx.exam.id, schoolId, uploadedBy: uploaderId }, files);

  async function snapshot() {
    const [responses, snippets, tasks, scanned] = await Promise.all([
      env.ds.getRepository(ObjectiveResponse).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(AnswerSnippet).find({ order: { id: 'ASC' } }),
      env.ds.getRepository(MarkingTask).find({ order: { id: 'ASC' } }),
      pages().find({ order: { id: 'ASC' } }),
    ]);
    return {
      responses,
      snippets,
      tasks: tasks.map(({ createdAt, ...t }) => t),
      scanned: scanned.map(({ updatedAt, ...p }) => p),
    };
  }

  beforeAll(async () => {
    env = await createTestEnv('scans_ingest');
    blobs = new LocalBlobStore(env.config.dataDir);
    ingestion = await scanIngestion(env, { blobs });
    ingest = ingestion.ingest;
    fx = await seedScanExam(env.ds);
    uploaderId = (await createUser(env.ds, 'scan-a', 'pw-12345678', [])).id;
  });
  afterAll(async () => {
    await env.cleanup();
  });

  let truth: Awaited<ReturnType<typeof generateSyntheticScans>>['truth'];
  let firstBatch: ScannedPage[];

  it('reads every page of six two-page sheets: exam numbers, objective scores, snippets and tasks', async () => {
    expect(fx.layout.pages).toHaveLength(2);
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      fx.studentsA.map((s) => ({ examNo: s.examNo })),
      { seed: 2025, dpi: 150, distortion: 'slight' },
    );
    truth = gen.truth;
    expect(gen.files).toHaveLength(12);
    firstBatch = await batchOf(fx.schoolA, gen.files);
    for (const p of firstBatch) expect(await ingest.ingestPage(p.id)).toMatchObject({ status: PageStatus.Processed });
    // each page read moves the exam's score version, in the page's own transaction
    expect(
      Number(
        (await env.ds.query('SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?', [fx.exam.id]))[0]
          ?.version ?? 0,
      ),
    ).toBe(12);

    const byId = new Map(fx.studentsA.map((s) => [s.id, s]));
    const read = await pages().find({ where: { batchId: firstBatch[0].batchId }, order: { id: 'ASC' } });
    read.forEach((p, n) => {
      const file = gen.files[n];
      expect([p.status, p.pageNo, p.paperId]).toEqual([PageStatus.Processed, file.pageNo, fx.paper.id]);
      expect(byId.get(p.studentId!)?.examNo).toBe(file.examNo);
      expect(p.examNoRead).toBe(file.examNo);
      expect((p.alignment as { rmsPx: number }).rmsPx).toBeLessThan(1.5);
      // four fiducials on every synthetic page: the stored alignment says the cuts went through the homography
      expect(p.alignment).toMatchObject({ model: 'homography' });
      expect((p.alignment as { homography: number[] }).homography).toHaveLength(9);
    });

    const objective = fx.items.filter((i) => i.answerKey);
    const responses = await env.ds.getRepository(ObjectiveResponse).find();
    expect(responses).toHaveLength(fx.studentsA.length * objective.length);
    for (const r of responses) {
      const t = truth.get(byId.get(r.studentId)!.examNo)!;
      expect(r.score).toBe(t.items[r.itemId]);
      expect(r.fills).toHaveLength(4);
    }
    // the generated answers are not all right or all wrong, so the comparison above means something
    const scores = responses.map((r) => r.score);
    expect(scores.some((s) => s === 3) && scores.some((s) => s === 0)).toBe(true);

    const boxes = fx.items.filter((i) => !i.answerKey);
    const snippets = await env.ds.getRepository(AnswerSnippet).find();
    expect(snippets).toHaveLength(fx.studentsA.length * boxes.length);
    const codec = new ScanImageCodec();
    for (const s of snippets) {
      expect(s.token).toMatch(/^[0-9a-f]{32}$/);
      const jpeg = await blobs.get(s.blobKey);
      const meta = await sharp(jpeg).metadata();
      expect(meta.format).toBe('jpeg');
      // the snippet shows this student's answer to this item: the generator's score tally in it reads back as the truth
      expect(readTallyScore(await codec.decodeGray(jpeg), 1)).toBe(
        truth.get(byId.get(s.studentId)!.examNo)!.items[s.itemId],
      );
      const box = fx.layout.pages.flatMap((p) => p.subjective).find((b) => b.itemId === s.itemId)!.box;
      // cut at the page's own resolution (150 dpi, ±1 % scanner scale here), box plus a 4 pt margin all round
      expect(meta.width! / (((box.w + 8) * 150) / 72)).toBeCloseTo(1, 1);
      expect(meta.height! / (((box.h + 8) * 150) / 72)).toBeCloseTo(1, 1);
    }
    expect(new Set(snippets.map((s) => s.blobKey)).size).toBe(snippets.length);

    // every read page gets a reduced copy for the notices, straightened into the sheet's frame (750 px per A4 width),
    // from a copy-page job queued after the page is read, behind the pages waiting to be read (a lower priority)
    let readPages = await env.ds.getRepository(ScannedPage).findBy({ status: PageStatus.Processed });
    expect(readPages.length).toBe(12);
    const queue = ingestion.jobs.queue(QUEUES.ingest);
    for (const p of readPages) {
      expect(p.reducedBlobKey).toBeNull();
      const job = await queue.getJob(jobIds.copyPage(p.id));
      expect([job?.name, job?.data, job?.opts.priority]).toEqual([JOBS.copyPage, { pageId: p.id }, 100]);
      expect(await ingestion.copies.copyPage(p.id)).toBe('copied');
      expect(await ingestion.copies.copyPage(p.id)).toBe('not-needed');
    }
    readPages = await env.ds.getRepository(ScannedPage).findBy({ status: PageStatus.Processed });
    for (const p of readPages) {
      const meta = await sharp(await blobs.get(p.reducedBlobKey!)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([
        'jpeg',
        750,
        Math.round(fx.layout.page.height * (750 / 595.28)),
      ]);
    }

    const tasks = await env.ds.getRepository(MarkingTask).find();
    const double = fx.items.find((i) => i.markingMode === 'double')!;
    expect(
      tasks
        .filter((t) => t.itemId === double.id)
        .map((t) => t.round)
        .sort(),
    ).toEqual([...Array(6).fill(1), ...Array(6).fill(2)]);
    expect(tasks).toHaveLength(fx.studentsA.length * (boxes.length + 1));
    expect(tasks.every((t) => t.status === 'pending')).toBe(true);
  });

  it('running ingestion again changes nothing', async () => {
    const before = await snapshot();
    for (const p of firstBatch) await ingest.ingestPage(p.id);
    const after = await snapshot();
    expect(after).toEqual(before);
  });

  it('reads page 2 for the right student even when it is ingested before its page 1', async () => {
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      fx.studentsB.map((s) => ({ examNo: s.examNo })),
      { seed: 7, dpi: 150, format: 'jpeg', distortion: 'slight' },
    );
    const batch = await batchOf(fx.schoolB, gen.files);
    expect(await ingest.ingestPage(batch[3].id)).toEqual({ status: 'deferred' });
    expect(await ingest.ingestPage(batch[1].id)).toEqual({ status: 'deferred' });
    await ingest.ingestPage(batch[2].id); // page 1 of student 2, then its waiting page 2
    await ingest.ingestPage(batch[0].id);
    const read = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(read.map((p) => [p.status, p.studentId])).toEqual([
      [PageStatus.Processed, fx.studentsB[0].id],
      [PageStatus.Processed, fx.studentsB[0].id],
      [PageStatus.Processed, fx.studentsB[1].id],
      [PageStatus.Processed, fx.studentsB[1].id],
    ]);
  });

  it('turns a corrupt file, an unknown exam number, a student of another school and a second sheet into exceptions', async () => {
    const [, strangerP2] = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: '20259999' }], { seed: 3, dpi: 150 })
    ).files;
    const stranger = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: '20259999' }], { seed: 3, dpi: 150 })
    ).files[0];
    const otherSchool = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: fx.studentsB[0].examNo }], { seed: 4, dpi: 150 })
    ).files[0];
    const again = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: fx.studentsA[2].examNo }], { seed: 5, dpi: 150 })
    ).files[0];
    const good = await sharp(stranger.data).png().toBuffer();
    const corrupt = good.subarray(0, Math.floor(good.length / 3));
    const batch = await batchOf(fx.schoolA, [
      { name: 'broken.png', data: corrupt },
      stranger,
      strangerP2,
      otherSchool,
      again,
    ]);
    const before = await env.ds.getRepository(ObjectiveResponse).count();
    const outcomes = [];
    for (const p of batch) outcomes.push(await ingest.ingestPage(p.id));
    expect(outcomes).toEqual([
      { status: PageStatus.Exception, code: 'DECODE_FAILED', reason: '图片无法解码（文件可能已损坏）' },
      { status: PageStatus.Exception, code: 'STUDENT_UNKNOWN', reason: '考号 20259999 不在名单中' },
      {
        status: PageStatus.Exception,
        code: 'PREVIOUS_PAGE_EXCEPTION',
        reason: '无法确定第2页所属考生：前一页（第1页）识别异常，请先处理前一页',
      },
      // The reason does not name the other school: a scanner must not learn where another school's student is.
      {
        status: PageStatus.Exception,
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `考号 ${fx.studentsB[0].examNo} 不是本校考生，请核对答题卡或交联盟管理员处理`,
      },
      {
        status: PageStatus.Exception,
        code: 'DUPLICATE_SHEET',
        reason: expect.stringMatching(new RegExp(`^重复答题卡：考号 ${fx.studentsA[2].examNo} 的第1页已有扫描图像`)),
      },
    ]);
    const stored = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(stored.map((p) => [p.status, p.exceptionCode, p.studentId])).toEqual(
      outcomes.map((o) => [PageStatus.Exception, (o as { code: string }).code, null]),
    );
    expect(stored[1].examNoRead).toBe('20259999');
    // nothing was recorded for any of them, and the earlier sheet of the duplicated student is untouched
    expect(await env.ds.getRepository(ObjectiveResponse).count()).toBe(before);
    // a re-run gives the same verdicts
    for (const p of batch) await ingest.ingestPage(p.id);
    const rerun = await pages().find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(rerun.map((p) => p.exceptionCode)).toEqual(stored.map((p) => p.exceptionCode));
  });

  it('does not read a sheet of a superseded paper version into the scores, and reads it again once that version is back in force', async () => {
    const files = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: fx.studentsA[1].examNo }], {
        seed: 91,
        dpi: 150,
        distortion: 'none',
      })
    ).files;
    // The subject group locked a second version of the paper after these sheets were printed from the first.
    const v2 = await env.ds.getRepository(Paper).save({
      examId: fx.exam.id,
      subject: fx.paper.subject,
      title: fx.paper.title,
      fullMarks: fx.paper.fullMarks,
      status: PaperStatus.Locked,
      version: 2,
      previousPaperId: fx.paper.id,
    });
    const before = await snapshot();
    const batch = await batchOf(
      fx.schoolA,
      files.slice(0, 1).map((f) => ({ name: 'old-version.png', data: f.data })),
    );
    await ingest.ingestPage(batch[0].id);
    const page = await pages().findOneByOrFail({ id: batch[0].id });
    expect([page.status, page.exceptionCode, page.exceptionReason]).toEqual([
      PageStatus.Exception,
      'PAPER_SUPERSEDED',
      `这是数学第 1 版试卷的答题卡，该科已改用第 2 版，请交联盟管理员处理`,
    ]);
    const after = await snapshot();
    expect([after.responses, after.snippets, after.tasks]).toEqual([before.responses, before.snippets, before.tasks]);
    // While version 2 is only a draft, version 1 (locked) is the paper of record, and the same page reads.
    await env.ds.getRepository(Paper).update({ id: v2.id }, { status: PaperStatus.Draft });
    await ingest.ingestPage(batch[0].id);
    expect((await pages().findOneByOrFail({ id: batch[0].id })).exceptionCode).not.toBe('PAPER_SUPERSEDED');
  });

  it('reads with the layout the paper has now: one rewritten after pages were read is fetched again (its hash, a generated column, changed)', async () => {
    const hashOf = async () =>
      (
        (await env.ds.query('SELECT layout_hash AS h, SHA2(layout, 256) AS expected FROM paper WHERE id = ?', [
          fx.paper.id,
        ])) as { h: string; expected: string }[]
      )[0];
    const before = await hashOf();
    expect(before.h).toMatch(/^[0-9a-f]{64}$/);
    expect(before.h).toBe(before.expected);
    // page 1 of a sheet read at the start: this service has the layout (and its hash) already
    const page = firstBatch[0];
    const item = fx.layout.pages[0].subjective[0];
    const shorter = structuredClone(fx.layout);
    shorter.pages[0].subjective[0].box.h -= 20;
    await env.ds.query('UPDATE paper SET layout = ? WHERE id = ?', [JSON.stringify(shorter), fx.paper.id]);
    try {
      const after = await hashOf();
      expect(after.h).not.toBe(before.h);
      expect(after.h).toBe(after.expected);
      expect(await ingest.ingestPage(page.id)).toMatchObject({ status: PageStatus.Processed });
      const read = await pages().findOneByOrFail({ id: page.id });
      const snippet = await env.ds
        .getRepository(AnswerSnippet)
        .findOneByOrFail({ studentId: read.studentId!, itemId: item.itemId });
      const meta = await sharp(await blobs.get(snippet.blobKey)).metadata();
      // cut with the new box (20 pt shorter), not the one read before
      expect(meta.height! / (((item.box.h - 20 + 8) * 150) / 72)).toBeCloseTo(1, 1);
    } finally {
      await env.ds.query('UPDATE paper SET layout = ? WHERE id = ?', [JSON.stringify(fx.layout), fx.paper.id]);
    }
  });
});
