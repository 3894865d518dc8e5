// The OMR review queue through the real ingestion (MariaDB, blob store, sharp) and the HTTP routes: an item filled
// ambiguously is not scored but queued with its crop and fills; the scanner of its school resolves it, which scores it
// and writes an audit row; re-reading the page does not undo that. Blank back pages are skipped; pages turned by 10°
// or fed upside down are read.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import sharp from 'sharp';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { OmrReview, OmrReviewStatus } from '../../src/scans/entities/omr-review.entity.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { mulberry32, NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createUser } from '../support/fixtures.js';
import { drawMark } from '../support/omr-corpus.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam } from './scans-fixtures.js';

const DPI = 150;

describe('OMR review queue, blank pages, turned pages', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ScanExam;
  let ingest: ScanIngestService;
  let blobs: BlobStore;
  let uploaderId: number;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (u: string) => ({ Authorization: `Bearer ${tokens[u]}` });

  beforeAll(async () => {
    env = await createTestEnv('omr_review');
    fx = await seedScanExam(env.ds, { studentsA: 4, studentsB: 1 });
    const pw = 'pass-1234';
    uploaderId = (
      await createUser(env.ds, 'scanA', pw, [{ role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA }])
    ).id;
    await createUser(env.ds, 'scanB', pw, [{ role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolB }]);
    await createUser(env.ds, 'admin', pw, [{ role: Role.Admin, allianceId: fx.allianceId }]);
    await createUser(env.ds, 'marker', pw, [{ role: Role.Marker, allianceId: fx.allianceId, subject: '数学' }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    blobs = app.get(BlobStore);
    // pages are read in this process, as the worker reads them (the API reads none)
    ingest = (await scanIngestion(env, { blobs })).ingest;
    for (const u of ['scanA', 'scanB', 'admin', 'marker'])
      tokens[u] = (await http().post('/api/auth/login').send({ username: u, password: pw })).body.token;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  /** Page `pageNo` of a student's sheet (items 1–6 answered A, B, C, D, A, B), with `extra` marks drawn on top. */
  async function sheetPage(
    examNo: string,
    pageNo: number,
    extra: { item: number; option: number; style: 'half' | 'fill' }[] = [],
  ) {
    const choices = Object.fromEntries(fx.items.slice(0, 6).map((it, n) => [it.id, 'ABCDAB'[n]]));
    for (const e of extra) delete choices[fx.items[e.item - 1].id];
    const img = renderSyntheticPage(
      fx.layout,
      pageNo,
      { examNo, choices, subjective: {} },
      { dpi: DPI, distortion: NO_DISTORTION, seed: 5 },
    );
    const page = fx.layout.pages.find((p) => p.pageNo === pageNo)!;
    const rng = mulberry32(9);
    for (const e of extra)
      drawMark(
        img,
        DPI / 72,
        page.objective.find((b) => b.itemId === fx.items[e.item - 1].id)!.bubbles[e.option],
        e.style,
        rng,
      );
    return img;
  }

  async function batch(files: Buffer[]): Promise<ScannedPage[]> {
    const b = await env.ds.getRepository(ScanBatch).save({
      examId: fx.exam.id,
      schoolId: fx.schoolA,
      uploadedBy: uploaderId,
      originalName: 'omr',
      pageCount: files.length,
    });
    const out: ScannedPage[] = [];
    for (const [n, data] of files.entries()) {
      const { key, hash } = await blobs.putContentAddressed('scans', data, '.png');
      out.push(
        await env.ds.getRepository(ScannedPage).save({
          examId: fx.exam.id,
          batchId: b.id,
          schoolId: fx.schoolA,
          contentHash: hash,
          blobKey: key,
          originalName: `p${n}.png`,
          status: PageStatus.Queued,
        }),
      );
    }
    return out;
  }

  let reviewId: number;
  let ambiguousPage: ScannedPage;
  const student = () => fx.studentsA[0];
  const item1 = () => fx.items[0]; // key B, 3 points

  it('queues an ambiguously filled item for review instead of scoring it, with its crop and fills', async () => {
    // item 1: a half-filled B; item 2: B filled properly and a half-filled D beside it
    const p1 = await sheetPage(student().examNo, 1, [
      { item: 1, option: 1, style: 'half' },
      { item: 2, option: 1, style: 'fill' },
      { item: 2, option: 3, style: 'half' },
    ]);
    const [page] = await batch([await encodeGray(p1, 'png')]);
    ambiguousPage = page;
    expect(await ingest.ingestPage(page.id)).toMatchObject({ status: PageStatus.Processed, studentId: student().id });

    const responses = await env.ds.getRepository(ObjectiveResponse).findBy({ studentId: student().id });
    expect(responses.map((r) => r.itemId).sort((a, b) => a - b)).toEqual(fx.items.slice(2, 6).map((i) => i.id));
    const reviews = await env.ds
      .getRepository(OmrReview)
      .find({ where: { studentId: student().id }, order: { itemId: 'ASC' } });
    expect(reviews.map((r) => [r.itemId, r.status, r.verdict, r.options, r.readMarked])).toEqual([
      [fx.items[0].id, 'open', 'ambiguous', 'ABCD', ''],
      [fx.items[1].id, 'open', 'ambiguous', 'ABCD', 'B'],
    ]);
    expect(reviews[0].confidence).toBe(0);
    expect(reviews[0].fills![1]).toBeGreaterThan(0.25);
    expect(reviews[0].cropBlobKey).toMatch(/^omr-review\//);
    reviewId = reviews[0].id;
  });

  it('lists the queue for the scanner of the school (and an admin), with a crop that is an upright JPEG of the item', async () => {
    const res = await http()
      .get(`/api/exams/${fx.exam.id}/omr-review?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .expect(200);
    expect(res.body.open).toBe(2);
    const st = await http()
      .get(`/api/exams/${fx.exam.id}/scan-status?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .expect(200);
    expect(st.body).toMatchObject({ processed: 1, omrReview: 2 });
    expect(res.body.items.map((i: { itemLabel: string; examNo: string }) => [i.itemLabel, i.examNo])).toEqual([
      ['1', student().examNo],
      ['2', student().examNo],
    ]);
    const first = res.body.items[0];
    expect(first).toMatchObject({
      id: reviewId,
      options: ['A', 'B', 'C', 'D'],
      verdict: 'ambiguous',
      cropUrl: `/api/omr-review/${reviewId}/crop`,
      pageImageUrl: `/api/scans/pages/${ambiguousPage.id}/image`,
    });
    expect(first.reason).toContain('填涂不清');
    expect(first.fills).toHaveLength(4);

    const crop = await http()
      .get(first.cropUrl)
      .set(as('scanA'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(crop.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(crop.body as Buffer).metadata();
    // four bubbles 19 pt apart plus the label: wide and low
    expect(meta.width!).toBeGreaterThan(3 * meta.height!);
    expect(meta.channels).toBe(1);

    await http().get(`/api/exams/${fx.exam.id}/omr-review`).set(as('admin')).expect(200);
    await http().get(`/api/exams/${fx.exam.id}/omr-review?schoolId=${fx.schoolA}`).set(as('scanB')).expect(403);
    await http().get(`/api/exams/${fx.exam.id}/omr-review`).set(as('scanA')).expect(400);
    await http().get(`/api/exams/${fx.exam.id}/omr-review?schoolId=${fx.schoolA}`).set(as('marker')).expect(403);
    await http().get(first.cropUrl).set(as('scanB')).expect(403);
  });

  it('resolves an item: scores it by the key, closes the review and audits it; bad input is refused in Chinese', async () => {
    await http().post(`/api/omr-review/${reviewId}/resolve`).set(as('scanB')).send({ marked: 'B' }).expect(403);
    const bad = await http()
      .post(`/api/omr-review/${reviewId}/resolve`)
      .set(as('scanA'))
      .send({ marked: 'E' })
      .expect(400);
    expect(bad.body.message).toContain('没有选项 E');
    await http().post(`/api/omr-review/${reviewId}/resolve`).set(as('scanA')).send({}).expect(400);
    expect(
      await env.ds.getRepository(ObjectiveResponse).findOneBy({ studentId: student().id, itemId: item1().id }),
    ).toBeNull();

    const version = async () =>
      Number(
        (await env.ds.query('SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?', [fx.exam.id]))[0]
          ?.version ?? 0,
      );
    const v0 = await version();
    const ok = await http()
      .post(`/api/omr-review/${reviewId}/resolve`)
      .set(as('scanA'))
      .send({ marked: 'b' })
      .expect(200);
    expect(ok.body).toMatchObject({ id: reviewId, status: 'resolved', resolvedMarked: 'B', score: 3 });
    expect(await version()).toBe(v0 + 1);
    const response = await env.ds
      .getRepository(ObjectiveResponse)
      .findOneByOrFail({ studentId: student().id, itemId: item1().id });
    expect([response.marked, response.score, response.pageId]).toEqual(['B', 3, ambiguousPage.id]);
    const audit = await env.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: 'resolve_omr_review', entityId: String(reviewId) });
    expect(audit.detail).toMatchObject({ itemId: item1().id, marked: 'B', score: 3, readMarked: '' });

    // blank is a valid decision too
    const other = await env.ds
      .getRepository(OmrReview)
      .findOneByOrFail({ studentId: student().id, itemId: fx.items[1].id });
    const blank = await http()
      .post(`/api/omr-review/${other.id}/resolve`)
      .set(as('admin'))
      .send({ marked: '' })
      .expect(200);
    expect(blank.body).toMatchObject({ status: 'resolved', resolvedMarked: '', score: 0 });
    const open = await http()
      .get(`/api/exams/${fx.exam.id}/omr-review?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .expect(200);
    expect(open.body).toEqual({ open: 0, items: [] });
  });

  it('reading the page again changes nothing: the resolution stands, no review reopens', async () => {
    const before = await env.ds
      .getRepository(ObjectiveResponse)
      .find({ where: { studentId: student().id }, order: { itemId: 'ASC' } });
    await ingest.ingestPage(ambiguousPage.id);
    expect(
      await env.ds
        .getRepository(ObjectiveResponse)
        .find({ where: { studentId: student().id }, order: { itemId: 'ASC' } }),
    ).toEqual(before);
    expect(
      await env.ds.getRepository(OmrReview).countBy({ studentId: student().id, status: OmrReviewStatus.Open }),
    ).toBe(0);
  });

  it('skips blank back pages (duplex scans) and still links page 2 to its page 1; reads pages turned by 10° and upside down', async () => {
    const s = fx.studentsA[1];
    const t = fx.studentsA[2];
    const white = await encodeGray({ width: 1240, height: 1754, data: new Uint8Array(1240 * 1754).fill(246) }, 'png');
    const rotated = await sharp(await encodeGray(await sheetPage(t.examNo, 1), 'png'))
      .rotate(-9.5, { background: '#f6f6f6' })
      .greyscale()
      .png()
      .toBuffer();
    const upsideDown = await sharp(await encodeGray(await sheetPage(t.examNo, 2), 'png'))
      .rotate(180)
      .png()
      .toBuffer();
    const files = [
      await encodeGray(await sheetPage(s.examNo, 1), 'png'),
      white,
      await encodeGray(await sheetPage(s.examNo, 2), 'jpeg'),
      await encodeGray({ width: 1240, height: 1754, data: new Uint8Array(1240 * 1754).fill(250) }, 'png'),
      rotated,
      upsideDown,
    ];
    const pages = await batch(files);
    // pages in arrival order, as the worker would (page 2 may wait for its page 1)
    const outcomes = [];
    for (const p of pages) outcomes.push(await ingest.ingestPage(p.id));
    expect(outcomes.map((o) => o.status)).toEqual([
      'processed',
      'skipped',
      'processed',
      'skipped',
      'processed',
      'processed',
    ]);
    const stored = await env.ds
      .getRepository(ScannedPage)
      .find({ where: { batchId: pages[0].batchId }, order: { id: 'ASC' } });
    expect(stored.map((p) => [p.status, p.studentId, p.pageNo])).toEqual([
      ['processed', s.id, 1],
      ['skipped', null, null],
      ['processed', s.id, 2],
      ['skipped', null, null],
      ['processed', t.id, 1],
      ['processed', t.id, 2],
    ]);
    expect(stored[1].exceptionReason).toContain('空白页');
    const st = await http()
      .get(`/api/exams/${fx.exam.id}/scan-status?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .expect(200);
    expect(st.body).toMatchObject({ total: 7, processed: 5, skipped: 2, exception: 0, omrReview: 0 });
    expect(stored[4].alignment).toMatchObject({ upsideDown: false });
    expect(Math.abs((stored[4].alignment as { rotationDeg: number }).rotationDeg)).toBeGreaterThan(9);
    expect(stored[5].alignment).toMatchObject({ upsideDown: true });
    // the turned page was read right: items 1–6 as filled
    const responses = await env.ds
      .getRepository(ObjectiveResponse)
      .find({ where: { studentId: t.id }, order: { itemId: 'ASC' } });
    expect(responses.map((r) => r.marked).join('')).toBe('ABCDAB');
  });
});
