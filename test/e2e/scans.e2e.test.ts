// Scans over HTTP with a real worker: a ZIP of sheets is uploaded, ingested by the queue, counted; the same image
// again adds nothing; bad files are refused in Chinese; scopes hold; exceptions link to their image.
import type { INestApplication } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { PageScanner } from '../../src/scans/page-scan.pool.js';
import { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { generateSyntheticScans, type SyntheticScanFile } from '../support/synthetic/synthetic-scans.js';
import { createUser } from '../support/fixtures.js';
import { hugePng, withHugePages } from '../support/huge-images.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { storedZip } from '../support/zip.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';

describe('scan upload and ingestion over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let fx: ScanExam;
  let files: SyntheticScanFile[];
  const tokens: Record<string, string> = {};

  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const status = (who = 'scanA', schoolId: number = fx.schoolA) =>
    http().get(`/api/exams/${fx.exam.id}/scan-status?schoolId=${schoolId}`).set(as(who));

  async function settled(expectTotal: number, who = 'scanA', schoolId?: number) {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const res = await status(who, schoolId ?? fx.schoolA);
      if (res.body.total === expectTotal && res.body.queued === 0) return res.body;
      if (Date.now() > deadline) throw new Error(`ingestion did not finish: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    env = await createTestEnv('scans_e2e');
    fx = await seedScanExam(env.ds, { studentsA: 3, studentsB: 1 });
    await createUser(env.ds, 'scanA', 'pass-scan-a', [
      { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA },
    ]);
    await createUser(env.ds, 'scanB', 'pass-scan-b', [
      { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolB },
    ]);
    await createUser(env.ds, 'admin', 'pass-admin', [{ role: Role.Admin, allianceId: fx.allianceId }]);
    files = (
      await generateSyntheticScans(
        fx.layout,
        fx.synthetic,
        fx.studentsA.map((s) => ({ examNo: s.examNo })),
        { seed: 11, dpi: 150, distortion: 'slight' },
      )
    ).files;
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    worker = await startWorkers(env.config, { processors: [scanIngestProcessor, pageCopyProcessor], logger: false });
    for (const [who, pw] of [
      ['scanA', 'pass-scan-a'],
      ['scanB', 'pass-scan-b'],
      ['admin', 'pass-admin'],
    ]) {
      tokens[who] = (await http().post('/api/auth/login').send({ username: who, password: pw })).body.token;
    }
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env.cleanup();
  });

  it('reads pages in the worker only: the API process has no page scanner (no scan threads, no snippet cutter)', () => {
    expect(() => app.get(PageScanner)).toThrow();
    expect(() => app.get(ScanIngestService)).toThrow();
    expect(worker.app.get(PageScanner)).toBeInstanceOf(PageScanner);
  });

  it('takes a ZIP of sheets, skips what is not an image, and the worker reads every page', async () => {
    const zip = storedZip([
      ...files.map((f) => ({ name: `扫描/${f.name}`, data: f.data })),
      { name: '扫描/说明.txt', data: Buffer.from('第一批') },
    ]);
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', zip, '城关一中-第1批.zip');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      batchId: expect.any(Number),
      accepted: 6,
      duplicates: 0,
      skipped: [{ name: '城关一中-第1批.zip/扫描/说明.txt', reason: '不是图片文件（仅支持 PNG、JPEG、TIFF）' }],
    });
    expect(await settled(6)).toEqual({
      examId: fx.exam.id,
      schoolId: fx.schoolA,
      total: 6,
      queued: 0,
      processed: 6,
      exception: 0,
      skipped: 0,
      discarded: 0,
      omrReview: 0,
    });
    const pages = await env.ds.getRepository(ScannedPage).find({ order: { id: 'ASC' } });
    const examNoOf = new Map(fx.studentsA.map((s) => [s.id, s.examNo]));
    expect(pages.map((p) => examNoOf.get(p.studentId!))).toEqual(files.map((f) => f.examNo));
    expect(pages.map((p) => p.originalName)).toEqual(files.map((f) => `城关一中-第1批.zip/扫描/${f.name}`));
    expect(await env.ds.getRepository(AnswerSnippet).count()).toBe(3 * 4);
  });

  it('the same image uploaded again is reported as a duplicate and creates nothing', async () => {
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', files[0].data, files[0].name)
      .attach('files', files[0].data, 'copy.png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 2, skipped: [] });
    expect((await status()).body).toMatchObject({ total: 6, processed: 6 });
  });

  it('refuses a file that is not an image or ZIP in Chinese, storing nothing', async () => {
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', files[1].data, 'ok.png')
      .attach('files', Buffer.from('%PDF-1.7 not a scan'), '答题卡.pdf');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('文件「答题卡.pdf」不是 PNG、JPEG、TIFF 图片或 ZIP 压缩包');
    const noFiles = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA));
    expect(noFiles.status).toBe(400);
    expect(noFiles.body.message).toMatch(/[\u4e00-\u9fa5]/);
    const badZip = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]), 'bad.zip');
    expect(badZip.status).toBe(400);
    expect(badZip.body.message).toBe('压缩包「bad.zip」无法打开（文件可能已损坏）');
    const huge = Buffer.alloc(61 * 1024 * 1024);
    files[1].data.copy(huge, 0, 0, 64); // a PNG signature and header, then far more bytes than any page
    const tooBig = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', huge, 'big.png');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.message).toBe('图片「big.png」过大（单张最多 60 MB）');
    expect((await status()).body.total).toBe(6);
    // A ZIP whose every entry is refused: 400 with the reasons, and no batch left behind.
    const batches = async () => Number((await env.ds.query('SELECT COUNT(*) AS n FROM scan_batch'))[0].n);
    const batchesBefore = await batches();
    const useless = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', storedZip([{ name: '说明.txt', data: Buffer.from('扫描说明') }]), '空包.zip');
    expect(useless.status).toBe(400);
    expect(useless.body.message).toBe(
      '上传的文件中没有可用的扫描图像，未保存任何内容（空包.zip/说明.txt：不是图片文件（仅支持 PNG、JPEG、TIFF））',
    );
    expect(await batches()).toBe(batchesBefore);
  });

  it('refuses an upload announced above 2 GB before storing anything, and one that unpacks into too many pages', async () => {
    const before = (await status()).body.total;
    const { request: raw } = await import('node:http');
    const addr =
      app.getHttpServer().address() ??
      (await new Promise((r) => app.getHttpServer().listen(0, '127.0.0.1', () => r(null))),
      app.getHttpServer().address());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = raw(
        {
          host: '127.0.0.1',
          port: addr.port,
          method: 'POST',
          path: `/api/exams/${fx.exam.id}/scans`,
          headers: {
            ...as('scanA'),
            'Content-Type': 'multipart/form-data; boundary=x',
            'Content-Length': String(3 * 1024 ** 3),
          },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('--x\r\n'); // the rest never comes: the answer must not wait for it
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).message).toBe('一次上传的文件合计不能超过 2 GB，请分批上传');
    const manyA = storedZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `a/${i}.png`, data: Buffer.alloc(0) })));
    const manyB = storedZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `b/${i}.png`, data: Buffer.alloc(0) })));
    const many = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', manyA, 'a.zip')
      .attach('files', manyB, 'b.zip');
    expect(many.status).toBe(400);
    expect(many.body.message).toBe('一次上传的图片过多（20002 个，最多 20000 个），请分批上传');
    expect((await status()).body.total).toBe(before);
  });

  it('keeps each scanner to its own school', async () => {
    const upload = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanB'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', files[1].data, 'x.png');
    expect(upload.status).toBe(403);
    expect(upload.body.message).toBe('无权为该学校上传扫描图像');
    expect((await status('scanB')).status).toBe(403);
    expect((await http().get(`/api/exams/${fx.exam.id}/scan-status`).set(as('scanA'))).status).toBe(400);
    const all = await http().get(`/api/exams/${fx.exam.id}/scan-status`).set(as('admin'));
    expect(all.body).toMatchObject({ schoolId: null, total: 6 });
    expect((await http().get(`/api/exams/${fx.exam.id}/scan-status?schoolId=${fx.schoolA}`)).status).toBe(401);
  });

  it('lists an unreadable page as an exception with a link to its image, for its own school only', async () => {
    const truncated = files[2].data.subarray(0, 4000);
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set(as('scanA'))
      .field('schoolId', String(fx.schoolA))
      .attach('files', truncated, '坏图.png');
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await settled(7)).toMatchObject({ processed: 6, exception: 1 });
    const list = await http().get(`/api/exams/${fx.exam.id}/scan-exceptions?schoolId=${fx.schoolA}`).set(as('scanA'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        code: 'DECODE_FAILED',
        reason: '图片无法解码（文件可能已损坏）',
        originalName: '坏图.png',
        imageUrl: `/api/scans/pages/${list.body[0].pageId}/image`,
      }),
    ]);
    const img = await http().get(list.body[0].imageUrl).set(as('scanA'));
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(img.body as Buffer, truncated)).toBe(0);
    expect((await http().get(list.body[0].imageUrl).set(as('scanB'))).status).toBe(403);
    expect(
      (await http().get(`/api/exams/${fx.exam.id}/scan-exceptions?schoolId=${fx.schoolA}`).set(as('scanB'))).status,
    ).toBe(403);
  });

  it('splits a multi-page TIFF from the scanner into pages, read like any other', async () => {
    const sheet = (
      await generateSyntheticScans(fx.layout, fx.synthetic, [{ examNo: fx.studentsB[0].examNo }], {
        seed: 12,
        dpi: 150,
      })
    ).files;
    // as a document scanner writes a stack: 8-bit grey pages, LZW (sharp joins colour inputs, then we make them grey)
    const rgb = await Promise.all(sheet.map((f) => sharp(f.data).toColourspace('srgb').png().toBuffer()));
    const tiff = await sharp(rgb, { join: { animated: true } })
      .removeAlpha()
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    expect(await sharp(tiff).metadata()).toMatchObject({ pages: 2, channels: 1 });
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans?schoolId=${fx.schoolB}`)
      .set(as('scanB'))
      .attach('files', tiff, '河口中学.tif');
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 0, skipped: [] });
    expect(await settled(2, 'scanB', fx.schoolB)).toMatchObject({ processed: 2, exception: 0 });
    const pages = await env.ds
      .getRepository(ScannedPage)
      .find({ where: { schoolId: fx.schoolB }, order: { id: 'ASC' } });
    expect(pages.map((p) => [p.originalName, p.pageNo, p.studentId])).toEqual([
      ['河口中学.tif#1', 1, fx.studentsB[0].id],
      ['河口中学.tif#2', 2, fx.studentsB[0].id],
    ]);
    // The request only counted the pages; the worker took each out of the TIFF as its own image.
    expect(pages.map((p) => [p.sourcePage, /\.png$/.test(p.blobKey)])).toEqual([
      [null, true],
      [null, true],
    ]);
  });

  it('only counts a multi-page TIFF in the request; the worker takes each page out, refusing one beyond the pixel cap by its size', async () => {
    // A small first page, then 99 of 12000×12000 (144 M pixels each) in a few kilobytes: splitting them in the request
    // held it for minutes.
    const first = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#ffffff' } })
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const bomb = withHugePages(first, 99, 12000, 12000);
    expect(await sharp(bomb).metadata()).toMatchObject({ pages: 100 });
    expect(bomb.length).toBeLessThan(120_000);
    const t0 = Date.now();
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .attach('files', bomb, '巨幅.tif');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 100, skipped: [] });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const ofBomb = () =>
      env.ds
        .getRepository(ScannedPage)
        .createQueryBuilder('p')
        .where('p.original_name LIKE :n', { n: '巨幅.tif#%' })
        .orderBy('p.id')
        .getMany();
    for (let i = 0; i < 240 && (await ofBomb()).some((p) => p.status === PageStatus.Queued); i++)
      await new Promise((r) => setTimeout(r, 250));
    const pages = await ofBomb();
    expect(pages).toHaveLength(100);
    expect(pages[0].originalName).toBe('巨幅.tif#1');
    expect(pages[0].status).not.toBe(PageStatus.Queued);
    expect(new Set(pages.slice(1).map((p) => `${p.status} ${p.exceptionCode} ${p.exceptionReason}`))).toEqual(
      new Set([
        `exception IMAGE_TOO_LARGE 图像尺寸过大（12000×12000 像素，约 1.4 亿像素；单页最多 1.2 亿像素），不像是答题卡扫描件，请以 150–300 dpi 重新扫描`,
      ]),
    );
  });

  it('refuses an image whose pixel size is beyond a page by that size, not as damaged, storing nothing', async () => {
    const res = await http()
      .post(`/api/exams/${fx.exam.id}/scans?schoolId=${fx.schoolA}`)
      .set(as('scanA'))
      .attach('files', hugePng(60000, 60000), '超大.png');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      '上传的文件中没有可用的扫描图像，未保存任何内容（超大.png：图像尺寸过大（60000×60000 像素，约 36 亿像素；单页最多 1.2 亿像素），不像是答题卡扫描件，请以 150–300 dpi 重新扫描）',
    );
    expect(await env.ds.getRepository(ScannedPage).countBy({ originalName: '超大.png' })).toBe(0);
  });

  it('leaves no temporary upload files behind', async () => {
    await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(env.config.dataDir, 'tmp'))).toEqual([]);
  });
});
