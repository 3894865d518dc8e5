// The reduced copy of a read page for the students' notices is made by a low-priority copy-page job after the page is
// read. A lost job is queued again by the worker's reconciliation; a copy rendered from a reading that a newer one
// replaced meanwhile is not recorded.
import sharp from 'sharp';
import { JobProducer } from '../../src/queue/job-producer.js';
import { JOBS, jobIds, QUEUES } from '../../src/queue/jobs.js';
import { ScannedPageRepository } from '../../src/scans/scanned-page.repository.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { renderReducedCopy } from '../../src/scans/page-copies.js';
import { reducedPage } from '../../src/scans/page-scan.js';
import { snippetCutter } from '../../src/scans/snippet-cutter.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { reconcile } from '../../workers/reconcile.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { layOutPaper } from '../support/notice-sheets.js';
import { NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { buildResultsFixture, type ResultsFixture } from './results-fixture.js';

const DPI = 150;

describe('reduced copies of read pages (copy-page jobs)', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let idle: WorkerHost;
  let worker: WorkerHost | null = null;
  let layout: SheetLayout;
  let pageId: number;

  const reducedKey = async (): Promise<string | null> =>
    (await env.ds.query('SELECT reduced_blob_key AS k FROM scanned_page WHERE id = ?', [pageId]))[0].k;
  const copyJobs = async () =>
    (await idle.app.get(JobProducer).queue(QUEUES.ingest).getJobs(['waiting', 'prioritized', 'active'])).filter(
      (j) => j.name === JOBS.copyPage,
    );

  beforeAll(async () => {
    env = await createTestEnv('page_copies');
    fx = await buildResultsFixture(env.ds, 'pc');
    // A worker context that runs no job: what the reconciliation queues stays visible on the queue.
    idle = await startWorkers(env.config, { processors: [], logger: false, reconcile: false });
    layout = await layOutPaper(env.ds, fx.paperId);
    const studentId = fx.studentIds.lead[0];
    const [{ examNo }] = await env.ds.query('SELECT exam_no AS examNo FROM student WHERE id = ?', [studentId]);
    const png = await encodeGray(
      renderSyntheticPage(
        layout,
        1,
        { examNo, choices: {}, subjective: {} },
        { dpi: DPI, distortion: NO_DISTORTION, seed: 1 },
      ),
      'png',
    );
    const { key } = await idle.app.get(BlobStore).putContentAddressed('scans', png, '.png');
    // Every other read page has its copy; this student's page has none, read (its row last changed) long ago.
    await env.ds.query("UPDATE scanned_page SET reduced_blob_key = 'pages-reduced/x.jpg' WHERE exam_id = ?", [
      fx.examId,
    ]);
    const k = DPI / 72;
    [{ id: pageId }] = await env.ds.query(
      'SELECT id FROM scanned_page WHERE student_id = ? AND status = ? ORDER BY id LIMIT 1',
      [studentId, 'processed'],
    );
    await env.ds.query(
      'UPDATE scanned_page SET blob_key = ?, alignment = ?, reduced_blob_key = NULL, updated_at = NOW(6) - INTERVAL 1 HOUR WHERE id = ?',
      [key, JSON.stringify({ transform: { a: k, b: 0, c: 0, d: 0, e: k, f: 0 } }), pageId],
    );
  });
  afterAll(async () => {
    await worker?.close();
    for (const q of Object.values(QUEUES)) await idle.app.get(JobProducer).queue(q).obliterate({ force: true });
    await idle.close();
    await env.cleanup();
  });

  it('queues the copy of a read page that has none again (its job lost), once, and the worker makes it', async () => {
    expect(await copyJobs()).toHaveLength(0);
    // within the grace period nothing is owed yet
    expect(await reconcile(idle.app, 7200)).toMatchObject({ copies: 0 });
    expect(await reconcile(idle.app, 60)).toMatchObject({ copies: 1 });
    const jobs = await copyJobs();
    expect(jobs.map((j) => [j.id, j.data, j.opts.priority])).toEqual([[jobIds.copyPage(pageId), { pageId }, 100]]);
    // a second pass finds the job there: no second job
    await reconcile(idle.app, 60);
    expect(await copyJobs()).toHaveLength(1);

    worker = await startWorkers(env.config, { processors: [pageCopyProcessor], logger: false, reconcile: false });
    const deadline = Date.now() + 60_000;
    while (!(await reducedKey()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const key = await reducedKey();
    expect(key).toMatch(/^pages-reduced\//);
    const meta = await sharp(await idle.app.get(BlobStore).get(key!)).metadata();
    expect([meta.format, meta.width]).toEqual(['jpeg', Math.round(layout.page.width * (750 / 595.28))]);
    expect(await reconcile(idle.app, 60)).toMatchObject({ copies: 0 });
  });

  it('does not record a copy rendered from a reading that a newer reading replaced meanwhile', async () => {
    const pages = idle.app.get(ScannedPageRepository);
    await env.ds.query('UPDATE scanned_page SET reduced_blob_key = NULL WHERE id = ?', [pageId]);
    const row = (await pages.copySource(pageId))!;
    expect(row.version).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    // the page is read again (its row changes) while the copy of the earlier reading is being rendered
    await env.ds.query('UPDATE scanned_page SET updated_at = NOW(6) WHERE id = ?', [pageId]);
    const deps = { codec: new ScanImageCodec(), blobs: idle.app.get(BlobStore), pages };
    expect(await renderReducedCopy(deps, row, layout)).not.toBeNull();
    expect(await reducedKey()).toBeNull();
    // rendered from the row as it is now, it is recorded
    expect(await renderReducedCopy(deps, (await pages.copySource(pageId))!, layout)).not.toBeNull();
    expect(await reducedKey()).toMatch(/^pages-reduced\//);
  });

  it('cuts a 200 dpi JPEG page from its half-size decode, with the alignment halved: the same copy as from the whole page', async () => {
    const pages = idle.app.get(ScannedPageRepository);
    const codec = new ScanImageCodec();
    const blobs = idle.app.get(BlobStore);
    const [{ examNo }] = await env.ds.query('SELECT exam_no AS examNo FROM student WHERE id = ?', [
      fx.studentIds.lead[0],
    ]);
    const img = renderSyntheticPage(
      layout,
      1,
      { examNo, choices: {}, subjective: {} },
      { dpi: 200, distortion: NO_DISTORTION, seed: 2 },
    );
    const jpeg = await encodeGray(img, 'jpeg');
    const { key } = await blobs.putContentAddressed('scans', jpeg, '.jpg');
    expect((await codec.decodeGrayHalfJpeg(jpeg))!.width).toBe(Math.floor(img.width / 2));
    // a slight keystone, so that the homography (not only the affine map) is halved right
    const k = 200 / 72;
    const homography = [k, 0.002, 3, -0.001, k, 5, 1e-6, 2e-6, 1];
    await env.ds.query('UPDATE scanned_page SET blob_key = ?, alignment = ?, reduced_blob_key = NULL WHERE id = ?', [
      key,
      JSON.stringify({ transform: { a: k, b: 0.002, c: 3, d: -0.001, e: k, f: 5 }, homography }),
      pageId,
    ]);
    const row = (await pages.copySource(pageId))!;
    const half = await renderReducedCopy({ codec, blobs, pages }, row, layout);
    const whole = await reducedPage(
      codec,
      await snippetCutter(),
      await codec.decodeGray(jpeg),
      { transform: row.alignment!.transform!, homography: homography as never },
      layout.page,
    );
    const [a, b] = await Promise.all([half!, whole].map((j) => codec.decodeGray(j)));
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i] - b.data[i]);
    // the page has text and boxes: a copy shifted by even one output pixel differs by far more than this
    expect(diff / a.data.length).toBeLessThan(3);
    let shifted = 0;
    for (let i = 1; i < a.data.length; i++) shifted += Math.abs(a.data[i] - b.data[i - 1]);
    expect(shifted / a.data.length).toBeGreaterThan(diff / a.data.length);
  });
});
