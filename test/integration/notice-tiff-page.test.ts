// A student's page still inside a multi-page TIFF (scanned_page.source_page says which) for the notice (/notice) and the
// exceptions list: the reduced copy and the thumbnail are of that page, not of the TIFF's first page.
import type { INestApplication } from '@nestjs/common';
import sharp from 'sharp';
import { createApiApp } from '../../src/app.factory.js';
import { NoticePageImages } from '../../src/scans/notice-page-images.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { layOutPaper } from '../support/notice-sheets.js';
import { NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { buildResultsFixture, type ResultsFixture } from './results-fixture.js';

const DPI = 150;

describe('a page still inside a multi-page TIFF, for notices and thumbnails', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  let layout: SheetLayout;
  let studentId: number;
  let page: Buffer;
  let tiff: Buffer;

  /** The student's processed page points at `blobKey` (page `sourcePage` of it), with no reduced copy yet. */
  const pointAt = (blobKey: string, sourcePage: number | null) => {
    const k = DPI / 72;
    return env.ds.query(
      'UPDATE scanned_page SET blob_key = ?, source_page = ?, alignment = ?, reduced_blob_key = NULL WHERE student_id = ? AND status = ?',
      [
        blobKey,
        sourcePage,
        JSON.stringify({ transform: { a: k, b: 0, c: 0, d: 0, e: k, f: 0 } }),
        studentId,
        'processed',
      ],
    );
  };
  const noticeImage = async () => {
    const pages = await app.get(NoticePageImages).pagesOf(fx.examId, [studentId], () => layout);
    expect(pages.get(studentId)).toHaveLength(1);
    return pages.get(studentId)![0].jpeg;
  };
  const darkShare = async (jpeg: Buffer) => {
    const { data } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
    return data.filter((v) => v < 128).length / data.length;
  };

  beforeAll(async () => {
    env = await createTestEnv('notice_tiff_page');
    fx = await buildResultsFixture(env.ds, 'ntp');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    layout = await layOutPaper(env.ds, fx.paperId);
    studentId = fx.studentIds.lead[0];
    const [{ examNo }] = await env.ds.query('SELECT exam_no AS examNo FROM student WHERE id = ?', [studentId]);
    const img = renderSyntheticPage(
      layout,
      1,
      { examNo, choices: {}, subjective: {} },
      { dpi: DPI, distortion: NO_DISTORTION, seed: 1 },
    );
    page = await encodeGray(img, 'png');
    // As a document scanner writes a stack: a blank page first (the back of another sheet), then the student's page.
    const blank = await sharp({ create: { width: img.width, height: img.height, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const rgb = await Promise.all([blank, page].map((b) => sharp(b).toColourspace('srgb').png().toBuffer()));
    tiff = await sharp(rgb, { join: { animated: true } })
      .removeAlpha()
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    expect(await sharp(tiff).metadata()).toMatchObject({ pages: 2 });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it("renders the notice's sheet from the TIFF page the scanned page is, as from that page alone", async () => {
    const blobs = app.get(BlobStore);
    const own = await blobs.putContentAddressed('scans', page, '.png');
    await pointAt(own.key, null);
    const alone = await noticeImage();
    expect(await darkShare(alone)).toBeGreaterThan(0.003); // the sheet's frame and boxes

    const stack = await blobs.putContentAddressed('scans', tiff, '.tif');
    await pointAt(stack.key, 1);
    const inside = await noticeImage();
    expect(Math.abs((await darkShare(inside)) - (await darkShare(alone)))).toBeLessThan(0.002);
  });

  it('makes the thumbnail and the browser image of the TIFF page asked for', async () => {
    const codec = app.get(ScanImageCodec);
    expect(await darkShare(await codec.thumbnail(tiff, 300, 0))).toBeLessThan(0.001); // the blank first page
    expect(await darkShare(await codec.thumbnail(tiff, 300, 0, 1))).toBeGreaterThan(0.002);
    expect(await darkShare(await codec.browserViewable(tiff, 1))).toBeGreaterThan(0.002);
  });
});
