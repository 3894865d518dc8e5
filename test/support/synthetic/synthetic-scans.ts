// Adapter around the pure synthetic-scan generator: encodes pages as PNG/JPEG files, one per student per sheet page.
import sharp from 'sharp';
import type { SheetLayout } from '../../../src/sheets/domain/layout.js';
import {
  type AnswerProfile,
  randomStudentAnswers,
  type SyntheticItem,
  type SyntheticTruth,
} from './synthetic-answers.js';
import { pageQrText } from '../../../src/sheets/domain/page-qr.js';
import { mulberry32, NO_DISTORTION, randomDistortion, renderSyntheticPage, type GrayImage } from './synthetic-scan.js';
import { qrModules } from '../../../src/sheets/qr-symbol.js';

export interface SyntheticScanFile {
  name: string;
  data: Buffer;
  examNo: string;
  pageNo: number;
}

export async function encodeGray(img: GrayImage, format: 'png' | 'jpeg', quality = 85): Promise<Buffer> {
  const s = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 1 },
  }).toColourspace('b-w');
  return format === 'png' ? s.png({ compressionLevel: 6 }).toBuffer() : s.jpeg({ quality }).toBuffer();
}

/** FNV-1a of a string, so that each student's pages depend only on the seed and the exam number. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Fills and "scans" one sheet per student. Defaults: 200 dpi, PNG, slight distortion. A student's ability, when
 * not given, is drawn from the seed. Returns the files and, per exam number, the scores the answers deserve.
 */
export async function generateSyntheticScans(
  layout: SheetLayout,
  items: SyntheticItem[],
  /**
   * studentId: print a personalised sheet (the QR code carries the student); examNo '' leaves the bubbles blank;
   * profile: planted departures from the student's ability (see AnswerProfile).
   */
  students: { examNo: string; ability?: number; studentId?: number; profile?: AnswerProfile }[],
  opts: { dpi?: number; seed: number; format?: 'png' | 'jpeg'; distortion?: 'none' | 'slight' },
): Promise<{ files: SyntheticScanFile[]; truth: Map<string, SyntheticTruth> }> {
  const dpi = opts.dpi ?? 200;
  const format = opts.format ?? 'png';
  const ext = format === 'png' ? 'png' : 'jpg';
  const scoreSteps: Record<number, number> = {};
  for (const it of items) scoreSteps[it.id] = it.scoreStep > 0 ? it.scoreStep : 1;
  const files: SyntheticScanFile[] = [];
  const truth = new Map<string, SyntheticTruth>();
  for (const st of students) {
    const rng = mulberry32((opts.seed ^ hashString(st.examNo)) >>> 0);
    const ability = st.ability ?? 0.15 + 0.8 * rng();
    const { answers, truth: t } = randomStudentAnswers(layout, items, st.examNo, rng, ability, st.profile);
    truth.set(st.examNo, t);
    for (const page of layout.pages) {
      const distortion = opts.distortion === 'none' ? NO_DISTORTION : randomDistortion(rng);
      const qr = page.qr
        ? qrModules(
            pageQrText({
              examId: layout.examId,
              paperId: layout.paperId,
              pageNo: page.pageNo,
              studentId: st.studentId ?? null,
            }),
          )
        : undefined;
      const img = renderSyntheticPage(layout, page.pageNo, answers, {
        dpi,
        distortion,
        seed: Math.floor(rng() * 2 ** 32),
        scoreSteps,
        qr,
      });
      files.push({
        name: `${st.examNo}-p${page.pageNo}.${ext}`,
        data: await encodeGray(img, format),
        examNo: st.examNo,
        pageNo: page.pageNo,
      });
    }
  }
  return { files, truth };
}
