// Scans of a seeded exam stored as one upload stores them and queued on the real queue, as an upload queues them,
// by a worker context that reads nothing: the set-up of the tests that lose or kill what reads them.
import { Pipeline } from '../../src/queue/pipeline.js';
import type { ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { startWorkers } from '../../workers/worker-host.js';
import { storeBatch, type ScanExam } from '../integration/scans-fixtures.js';
import { createUser } from './fixtures.js';
import { generateSyntheticScans } from './synthetic/synthetic-scans.js';
import type { TestEnv } from './test-env.js';

/** Every sheet of school A's students, uploaded by a new scanner `username`, stored and queued; the pages. */
export async function queueStoredScans(env: TestEnv, fx: ScanExam, username: string, seed: number) {
  const uploader = await createUser(env.ds, username, 'scan-pass', []);
  const gen = await generateSyntheticScans(
    fx.layout,
    fx.synthetic,
    fx.studentsA.map((s) => ({ examNo: s.examNo })),
    { seed, dpi: 150 },
  );
  const pages: ScannedPage[] = await storeBatch(
    env.ds,
    new LocalBlobStore(env.config.dataDir),
    { examId: fx.exam.id, schoolId: fx.schoolA, uploadedBy: uploader.id },
    gen.files,
  );
  const idle = await startWorkers(env.config, { processors: [], logger: false, reconcile: false });
  await idle.app.get(Pipeline).pagesStored(pages);
  await idle.close();
  return pages;
}
