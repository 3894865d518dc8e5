// What the notice benches need besides the cohort: the results released (notices are held until then) and a reduced
// copy of each read page in the blob store (one synthetic page per paper, stored once and named by every student's
// page: a stored copy is still read per page). Shared by bench:notices and bench:reports.
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { REDUCED_PX_PER_PT } from '../../src/scans/page-scan.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { layOutPaper } from '../support/notice-sheets.js';
import type { LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';

export async function prepareNotices(ds: DataSource, app: INestApplicationContext, db: LoadedCohort): Promise<void> {
  await ds.query(
    'INSERT INTO results_release (exam_id, score_version, released_at, released_by, reason) VALUES (?, 0, NOW(6), 0, ?)',
    [db.currentExamId, 'bench'],
  );
  const blobs = app.get(BlobStore);
  for (const p of db.papers) {
    const layout = await layOutPaper(ds, p.currentPaperId);
    const img = renderSyntheticPage(
      layout,
      1,
      { examNo: '00000000', choices: {}, subjective: {} },
      { dpi: REDUCED_PX_PER_PT * 72, distortion: NO_DISTORTION, seed: 1 },
    );
    const { key } = await blobs.putContentAddressed('pages-reduced', await encodeGray(img, 'jpeg', 70), '.jpg');
    await ds.query('UPDATE scanned_page SET reduced_blob_key = ? WHERE paper_id = ?', [key, p.currentPaperId]);
  }
}

/** The classes of the cohort's alliance with their head counts, in id order. */
export async function classesOf(ds: DataSource, allianceId: number): Promise<{ id: number; n: number }[]> {
  const rows: { id: number; n: number }[] = await ds.query(
    'SELECT c.id, COUNT(*) AS n FROM school_class c JOIN student st ON st.class_id = c.id JOIN school s ON s.id = c.school_id WHERE s.alliance_id = ? GROUP BY c.id ORDER BY c.id',
    [allianceId],
  );
  return rows.map((r) => ({ id: Number(r.id), n: Number(r.n) }));
}
