// Answer sheets for the notice tests: the results fixture's paper gets a sheet layout, and students get read pages
// as ingestion leaves them: a reduced copy straightened into the frame (reduced_blob_key), or, for a page "read before
// copies were kept", only the original scan and the alignment ingestion stored.
import type { DataSource } from 'typeorm';
import { Item } from '../../src/exams/entities/item.entity.js';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { REDUCED_PX_PER_PT } from '../../src/scans/page-scan.js';
import { buildSheetLayout, type SheetLayout } from '../../src/sheets/domain/layout.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { NO_DISTORTION, renderSyntheticPage } from './synthetic/synthetic-scan.js';
import { encodeGray } from './synthetic/synthetic-scans.js';

/** Lays out the paper's sheet (kept on the paper, as generating the sheet does). */
export async function layOutPaper(ds: DataSource, paperId: number): Promise<SheetLayout> {
  const paper = await ds.getRepository(Paper).findOneByOrFail({ id: paperId });
  const items = await ds.getRepository(Item).find({ where: { paperId }, order: { seq: 'ASC' } });
  const layout = buildSheetLayout({
    examId: paper.examId,
    paperId,
    title: paper.title,
    subject: paper.subject,
    examNoDigits: 8,
    items: items.map((i) => ({
      id: i.id,
      label: i.label,
      type: i.type,
      maxScore: i.maxScore,
      optionCount: i.optionCount,
      boxHeightMm: 40,
    })),
  });
  await ds.getRepository(Paper).update({ id: paperId }, { layout });
  return layout;
}

/**
 * Gives each student's processed page (page 1 of the paper) an image: `reduced` students a reduced copy as ingestion
 * stores it, the others only an original at 150 dpi with its alignment (rendered at notice time).
 */
export async function sheetImages(
  ds: DataSource,
  blobs: BlobStore,
  layout: SheetLayout,
  students: { id: number; examNo: string; choices: Record<number, string>; subjective: Record<number, number> }[],
  reduced: (studentId: number) => boolean,
): Promise<void> {
  for (const [n, st] of students.entries()) {
    const answers = { examNo: st.examNo, choices: st.choices, subjective: st.subjective };
    const keep = reduced(st.id);
    const dpi = keep ? REDUCED_PX_PER_PT * 72 : 150;
    const img = renderSyntheticPage(layout, 1, answers, { dpi, distortion: NO_DISTORTION, seed: n + 1 });
    const { key } = await blobs.putContentAddressed(
      keep ? 'pages-reduced' : 'scans',
      await encodeGray(img, 'jpeg', 70),
      '.jpg',
    );
    const k = dpi / 72;
    await ds.query(
      keep
        ? 'UPDATE scanned_page SET reduced_blob_key = ? WHERE student_id = ? AND status = ?'
        : 'UPDATE scanned_page SET blob_key = ?, alignment = ?, reduced_blob_key = NULL WHERE student_id = ? AND status = ?',
      keep
        ? [key, st.id, 'processed']
        : [key, JSON.stringify({ transform: { a: k, b: 0, c: 0, d: 0, e: k, f: 0 } }), st.id, 'processed'],
    );
  }
}
