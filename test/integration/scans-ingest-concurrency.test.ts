// Pages of one batch read at the same time, by one worker process and by two: page 2 takes its student from page 1,
// and no page may end up waiting for ever (deferred with nobody left to resume it) or read for the wrong student.
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { IngestOutcome } from '../../src/scans/scan-ingest.service.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { seedScanExam, type ScanExam, storeBatch } from './scans-fixtures.js';

describe('scan ingestion, pages of a batch at the same time', () => {
  let env: TestEnv;
  let blobs: LocalBlobStore;
  let fx: ScanExam;
  let uploaderId: number;

  beforeAll(async () => {
    env = await createTestEnv('scans_ingest_conc');
    blobs = new LocalBlobStore(env.config.dataDir);
    fx = await seedScanExam(env.ds, { studentsA: 6, studentsB: 0 });
    uploaderId = (await createUser(env.ds, 'scan-a', 'pw-12345678', [])).id;
  });
  afterAll(async () => {
    await env.cleanup();
  });

  const batchOf = (files: { name: string; data: Buffer }[]) =>
    storeBatch(env.ds, blobs, { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploaderId }, files, '.jpg');

  /** A service whose every reading (also the ones it starts itself) is counted by outcome. */
  async function countingService(counts: Map<string, number>) {
    const s = (await scanIngestion(env, { blobs })).ingest;
    const ingestPage = s.ingestPage.bind(s);
    s.ingestPage = async (id: number): Promise<IngestOutcome> => {
      const o = await ingestPage(id);
      counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
      return o;
    };
    return s;
  }

  async function expectAllRead(batch: ScannedPage[], files: { examNo?: string; pageNo: number }[]) {
    const byId = new Map(fx.studentsA.map((s) => [s.id, s.examNo]));
    const read = await env.ds
      .getRepository(ScannedPage)
      .find({ where: { batchId: batch[0].batchId }, order: { id: 'ASC' } });
    expect(read.map((p) => [p.status, p.pageNo, byId.get(p.studentId!)])).toEqual(
      files.map((f) => [PageStatus.Processed, f.pageNo, f.examNo]),
    );
  }

  it('one worker reading every page of six sheets at once: page 2 waits for its page 1 instead of being read twice', async () => {
    const students = fx.studentsA.slice(0, 3);
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      students.map((s) => ({ examNo: s.examNo })),
      { seed: 31, dpi: 150, format: 'jpeg', distortion: 'slight' },
    );
    const batch = await batchOf(gen.files);
    const counts = new Map<string, number>();
    const ingest = await countingService(counts);
    await Promise.all(batch.map((p) => ingest.ingestPage(p.id)));
    await expectAllRead(batch, gen.files);
    expect(Object.fromEntries(counts)).toEqual({ [PageStatus.Processed]: gen.files.length });
  });

  it('two workers, pages dealt alternately and started last page first: every page ends read, for its own student', async () => {
    const students = fx.studentsA.slice(3, 6);
    const gen = await generateSyntheticScans(
      fx.layout,
      fx.synthetic,
      students.map((s) => ({ examNo: s.examNo })),
      { seed: 32, dpi: 150, format: 'jpeg', distortion: 'slight' },
    );
    const batch = await batchOf(gen.files);
    const counts = new Map<string, number>();
    const workers = [await countingService(counts), await countingService(counts)];
    // page 1 of each sheet goes to one worker, its page 2 to the other, which starts first
    await Promise.all(
      batch
        .map((p, n) => ({ p, n }))
        .reverse()
        .map(({ p, n }) => workers[n % 2].ingestPage(p.id)),
    );
    await expectAllRead(batch, gen.files);
    // Across processes a page 2 may be deferred, and then read again by whichever side notices first (or both: a
    // reading is idempotent). The rows show each answer once.
    expect(counts.get(PageStatus.Processed)).toBeGreaterThanOrEqual(gen.files.length);
    const boxes = fx.items.filter((i) => !i.answerKey).length;
    const [{ n }] = await env.ds.query('SELECT COUNT(*) AS n FROM answer_snippet WHERE student_id IN (?)', [
      students.map((s) => s.id),
    ]);
    expect(Number(n)).toBe(students.length * boxes);
  });
});
