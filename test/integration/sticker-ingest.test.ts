// Barcode stickers at ingestion, on the real database, blob store, sharp and ZXing: a sheet laid out with a sticker area
// is identified by its sticker (bubbles left blank), falls back to the bubbles when the sticker is smudged (recorded on
// the page's row), and a sticker naming another student than the bubbles or the QR code is an exception with a Chinese
// reason naming what disagreed.
import sharp from 'sharp';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { buildSheetLayout, type SheetLayout } from '../../src/sheets/domain/layout.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { stickSticker, type StickerSpoil } from '../support/sticker-scans.js';
import { mulberry32 } from '../support/synthetic/synthetic-scan.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam, storeBatch } from './scans-fixtures.js';

const DPI = 200;

describe('barcode stickers at ingestion', () => {
  let env: TestEnv;
  let blobs: LocalBlobStore;
  let ingest: ScanIngestService;
  let fx: ScanExam;
  let layout: SheetLayout;
  let uploaderId: number;

  beforeAll(async () => {
    env = await createTestEnv('sticker_ingest');
    blobs = new LocalBlobStore(env.config.dataDir);
    ingest = (await scanIngestion(env, { blobs })).ingest;
    fx = await seedScanExam(env.ds, { studentsA: 5, studentsB: 1 });
    uploaderId = (await createUser(env.ds, 'scan-s', 'pw-12345678', [])).id;
    // the fixture's sheet, laid out again with the sticker area (as POST /api/papers/:id/sheet with barcodeArea does)
    const items = fx.layout.pages.flatMap((p) => [
      ...p.objective.map((o) => fx.items.find((i) => i.id === o.itemId)!),
      ...p.subjective.map((s) => fx.items.find((i) => i.id === s.itemId)!),
    ]);
    layout = buildSheetLayout({
      examId: fx.exam.id,
      paperId: fx.paper.id,
      title: fx.paper.title,
      subject: fx.paper.subject,
      examNoDigits: 8,
      barcodeArea: true,
      items: items.map((i) => ({
        id: i.id,
        label: i.label,
        type: i.type,
        maxScore: i.maxScore,
        optionCount: i.optionCount,
        boxHeightMm: i.boxHeightMm,
      })),
    });
    await env.ds.getRepository(Paper).update({ id: fx.paper.id }, { layout: layout as never });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  /** Page 1 of a sheet (bubbles `bubbled`, '' blank; QR student if given) with a sticker of `onSticker`. */
  async function page1(bubbled: string, onSticker: string, spoil: StickerSpoil, seed: number, studentId?: number) {
    const gen = await generateSyntheticScans(layout, fx.synthetic, [{ examNo: bubbled, studentId }], {
      seed,
      dpi: DPI,
      distortion: 'none',
    });
    const file = gen.files[0];
    const { data, info } = await sharp(file.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    const img = { width: info.width, height: info.height, data: new Uint8Array(data) };
    const stuck = await stickSticker(img, DPI, layout.pages[0].sticker!, onSticker, spoil, mulberry32(seed));
    const png = await sharp(Buffer.from(stuck.data), { raw: { width: stuck.width, height: stuck.height, channels: 1 } })
      .png()
      .toBuffer();
    return { name: `${onSticker}-${spoil}.png`, data: png };
  }

  it('identifies by a readable sticker, falls back to the bubbles past a smudged one, and flags any disagreement', async () => {
    const [s0, s1, s2, s3, s4] = fx.studentsA;
    const files = [
      await page1('', s0.examNo, 'clean', 21), // bubbles blank: the sticker alone
      await page1(s1.examNo, s1.examNo, 'smudged', 22), // sticker spoilt: the bubbles
      await page1(s2.examNo, s3.examNo, 'askew', 23), // sticker and bubbles disagree
      await page1('', s0.examNo, 'clean', 24, s4.id), // sticker and the QR code's student disagree
    ];
    const batch = await storeBatch(
      env.ds,
      blobs,
      { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploaderId, label: 'stickers' },
      files,
    );
    const outcomes = [];
    for (const p of batch) outcomes.push(await ingest.ingestPage(p.id));
    expect(outcomes).toEqual([
      { status: PageStatus.Processed, studentId: s0.id },
      { status: PageStatus.Processed, studentId: s1.id },
      {
        status: PageStatus.Exception,
        code: 'STICKER_EXAMNO_MISMATCH',
        reason: `条形码考号 ${s3.examNo}（${s3.name}）与填涂的考号 ${s2.examNo}不一致，请核对答题卡后指定考生`,
      },
      {
        status: PageStatus.Exception,
        code: 'STICKER_QR_MISMATCH',
        reason: `条形码考号 ${s0.examNo}（${s0.name}）与答题卡二维码中印制的考生不一致，请核对答题卡后指定考生`,
      },
    ]);
    const stored = await env.ds
      .getRepository(ScannedPage)
      .find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    // how the pages were identified is kept: the spoilt sticker's fallback is silent, not unrecorded
    const how = (p: ScannedPage) => {
      const a = p.alignment as { identifiedBy?: string; sticker?: string };
      return [a.identifiedBy, a.sticker];
    };
    expect(stored.slice(0, 2).map(how)).toEqual([
      ['sticker', 'read'],
      ['bubbles', 'unreadable'],
    ]);
    expect(stored[0].examNoRead).toBe(s0.examNo);
  }, 180_000);
});
