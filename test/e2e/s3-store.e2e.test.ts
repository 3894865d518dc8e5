// The API on the S3 blob store (BLOB_STORE=s3, against the s3rver emulator): /ready checks the object store, a school
// report rendered into the bucket is streamed to its principal, a scan page image too; and the retention routes are
// the alliance admin's alone.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { S3BlobStore } from '../../src/storage/s3-blob.store.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';

describe('API on the S3 blob store (s3rver emulator)', () => {
  let env: TestEnv;
  let s3: S3Emulator;
  let app: INestApplication;
  let fx: ResultsFixture;

  beforeAll(async () => {
    env = await createTestEnv('s3_api');
    s3 = await startS3Emulator();
    fx = await buildResultsFixture(env.ds, 's3a');
    app = await createApiApp({ ...env.config, blobStore: s3.config }, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
    await s3?.close();
  });

  const api = () => request(app.getHttpServer());
  const login = async (username: string) => {
    const res = await api().post('/api/auth/login').send({ username, password: fx.password }).expect(200);
    return { Authorization: `Bearer ${res.body.token}` };
  };

  it('uses the S3 store and is ready while the object store answers', async () => {
    expect(app.get(BlobStore)).toBeInstanceOf(S3BlobStore);
    const ready = await api().get('/ready').expect(200);
    expect(ready.body.details.blobs).toEqual({ status: 'up' });
  });

  it("streams the principal's school report and a scan image out of the bucket", async () => {
    await app.get(ResultsJobService).computeExam(fx.examId);
    const out = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    expect(out.status).toBe('ready');
    const pdf = await api()
      .get(`/api/reports/${fx.examId}/${fx.schools.lead}.pdf`)
      .set(await login(fx.users.principalA))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).equals(await app.get(BlobStore).get(out.blobKey!))).toBe(true);

    const [page] = await env.ds.query('SELECT id, blob_key AS blobKey FROM scanned_page WHERE exam_id = ? LIMIT 1', [
      fx.examId,
    ]);
    await app.get(BlobStore).put(page.blobKey, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const img = await api()
      .get(`/api/scans/pages/${page.id}/image`)
      .set(await login(fx.users.admin))
      .expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
  });

  it('the retention routes are the admin’s: a principal is refused, the admin sees and sets the period', async () => {
    const base = `/api/exams/${fx.examId}/scan-retention`;
    const principal = await login(fx.users.principalA);
    await api().get(base).set(principal).expect(403);
    await api().put(base).set(principal).send({ days: 1 }).expect(403);
    await api().post(`${base}/purge`).set(principal).expect(403);
    const admin = await login(fx.users.admin);
    expect((await api().get(base).set(admin).expect(200)).body).toMatchObject({ days: 0, due: false, purge: null });
    expect((await api().put(base).set(admin).send({ days: 30 }).expect(200)).body).toMatchObject({ days: 30 });
    await api().put(base).set(admin).send({ days: 'soon' }).expect(400);
    const early = await api().post(`${base}/purge`).set(admin).expect(409);
    expect(early.body.message).toContain('保留期限未到');
  });

  it('is not ready while the object store is away', async () => {
    await s3.close();
    const res = await api().get('/ready');
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).toMatch(/blobs/);
  });
});
