// The OMR corpus with barcode stickers: the corpus sheet laid out with a sticker area (条形码粘贴区), filled as the OMR
// corpus fills it, a Code 128 label of the exam number stuck on (clean, askew, scuffed, smudged, half covered, missing,
// or another student's), distorted like a scanner, read back with readPage and identified with the page-identity rule.
// Used by test/integration/omr-stickers.test.ts (a small subset) and bench:omr (all of it).
import { identityCluesOf, identityConflict, identitySource } from '../../src/scans/domain/page-identity.js';
import { readPage, sheetFrame, type PageReading } from '../../src/scans/domain/read-page.js';
import { readQrAt } from '../../src/scans/qr-reader.js';
import { readStickerAt } from '../../src/scans/sticker-reader.js';
import type { Box } from '../../src/sheets/domain/layout.js';
import {
  conditions,
  CORPUS_EXAM_ID,
  corpusLayout,
  damageQr,
  distort,
  fillSheet,
  rasterisePage1,
  STANDARD_MIX,
} from './omr-corpus.js';
import { READABLE_SPOILS, stickSticker, type StickerSpoil } from './sticker-scans.js';
import { mulberry32 } from './synthetic/synthetic-scan.js';
import type { GrayImage, Affine } from '../../src/scans/domain/gray-image.js';

/** 'foreign': a clean label of another exam number than the one bubbled: must be read, and flagged as a disagreement. */
export type StickerCase = StickerSpoil | 'foreign';
export const STICKER_CASES: StickerCase[] = [
  'clean',
  'askew',
  'scuffed',
  'smudged',
  'half-covered',
  'missing',
  'foreign',
];

/** Scanner conditions the sticker sheets go through (names of omr-corpus.ts's conditions). */
export const STICKER_CONDITIONS = [
  '无变形 clean',
  '旋转 ±3° rotate',
  '倒置 180°',
  '模糊 blur',
  'JPEG q50',
  '综合 combined',
  '二维码污损 QR spoilt',
];

export interface StickerTally {
  dpi: number;
  sticker: StickerCase;
  pages: number;
  /** The sticker read, and read as the number on it. */
  read: number;
  /** The sticker read as another number than the one on it: must stay 0. */
  wrong: number;
  /** Pages identified by the bubbles (or QR) because the sticker was not read, with the bubbled number right. */
  fallback: number;
  /** Fallbacks ending in an exam-number exception (bubbles ambiguous by construction): a person decides. */
  fallbackException: number;
  /** A sticker disagreeing with the bubbles, flagged as an exception (the 'foreign' case). */
  mismatchCaught: number;
  /** Pages not read at all (fiducials, page code): not the sticker's business, listed to be seen. */
  pageExceptions: number;
  decodeMs: number;
  decodes: number;
  details: string[];
}

const emptyTally = (dpi: number, sticker: StickerCase): StickerTally => ({
  dpi,
  sticker,
  pages: 0,
  read: 0,
  wrong: 0,
  fallback: 0,
  fallbackException: 0,
  mismatchCaught: 0,
  pageExceptions: 0,
  decodeMs: 0,
  decodes: 0,
  details: [],
});

/**
 * Another number than `examNo`: two digits changed (the 4th and the last), so that one column left ambiguous by
 * construction cannot hide the whole difference.
 */
const otherNumber = (examNo: string) =>
  [...examNo].map((d, i) => (i === 3 || i === examNo.length - 1 ? String((Number(d) + 5) % 10) : d)).join('');

/** Scores one read page of the sticker corpus. */
function score(t: StickerTally, r: PageReading, c: StickerCase, onSticker: string, bubbled: string, where: string) {
  t.pages++;
  if (!r.ok && !r.code.startsWith('EXAMNO_')) {
    t.pageExceptions++;
    t.details.push(`${where}: page exception ${r.code}`);
    return;
  }
  const sticker = r.sticker ?? null;
  const clues = identityCluesOf({ sticker, examNo: r.ok ? r.examNo : null, studentId: r.ok ? r.studentId : null });
  if (sticker?.state === 'read') {
    if (sticker.examNo !== onSticker) {
      t.wrong++;
      t.details.push(`${where}: sticker read ${sticker.examNo} for ${onSticker}`);
      return;
    }
    t.read++;
    if (c === 'foreign' && r.ok) {
      const conflict = identityConflict(clues, identitySource(clues), { id: 1, examNo: onSticker, name: '考生' });
      if (conflict?.code === 'STICKER_EXAMNO_MISMATCH') t.mismatchCaught++;
      else t.details.push(`${where}: sticker ${onSticker} against bubbles ${clues.bubbles} not flagged`);
    } else if (c === 'foreign') t.details.push(`${where}: foreign sticker with bubbles unread (${r.ok ? '' : r.code})`);
    return;
  }
  if (READABLE_SPOILS.includes(c as StickerSpoil) || c === 'foreign')
    t.details.push(`${where}: ${c} sticker not read (${sticker?.state})`);
  if (!r.ok) t.fallbackException++;
  else if (identitySource(clues) === 'bubbles') {
    if (r.examNo?.examNo === bubbled) t.fallback++;
    else t.details.push(`${where}: fallback read bubbles ${r.examNo?.examNo} for ${bubbled}`);
  }
}

/**
 * Runs the sticker corpus: for each dpi, STICKER_CONDITIONS × STICKER_CASES × `sheets` filled A4 sheets. `only`
 * restricts the cases and conditions read (the sheets are still drawn, so a subset reads the same sheets).
 */
export async function runStickerCorpus(opts: {
  dpis: number[];
  sheets: number;
  seed: number;
  only?: (sticker: StickerCase, condition: string, dpi: number) => boolean;
}): Promise<StickerTally[]> {
  const layout = corpusLayout('A4', true);
  const page1 = layout.pages[0];
  const area = page1.sticker!;
  const rasters = await rasterisePage1(layout, opts.dpis);
  const resolve = (paperId: number, pageNo: number) =>
    paperId === layout.paperId ? (layout.pages.find((p) => p.pageNo === pageNo) ?? null) : null;
  // ZXing is loaded on the first decode: done here, so that the first page's time is the decoder's alone
  readStickerAt(
    { width: 8, height: 8, data: new Uint8Array(64).fill(255) },
    { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 },
    area,
  );
  const rows: StickerTally[] = [];
  for (const dpi of opts.dpis) {
    const rng = mulberry32(opts.seed * 1000 + dpi + 700);
    const tallies = new Map(STICKER_CASES.map((c) => [c, emptyTally(dpi, c)]));
    for (let s = 0; s < opts.sheets; s++) {
      for (const cond of conditions(rng).filter((c) => STICKER_CONDITIONS.includes(c.name))) {
        for (const c of STICKER_CASES) {
          const { image, truth } = fillSheet(rasters.get(dpi)!, page1, dpi, STANDARD_MIX, rng);
          if (opts.only && !opts.only(c, cond.name, dpi)) continue;
          const onSticker = c === 'foreign' ? otherNumber(truth.examNo) : truth.examNo;
          const stuck = await stickSticker(image, dpi, area, onSticker, c === 'foreign' ? 'clean' : c, rng);
          if (cond.qrDamaged) damageQr(stuck, dpi / 72, page1.qr!, rng);
          const scanned = await distort(stuck, cond, rng);
          const t = tallies.get(c)!;
          const reading = readPage(scanned, sheetFrame(layout), resolve, {
            readQr: readQrAt,
            examId: CORPUS_EXAM_ID,
            readSticker: timedDecoder(t),
          });
          // an exam number ambiguous by construction is the bubbles' business, not the sticker's: scored as read
          score(t, reading, c, onSticker, truth.examNo, `${dpi} dpi ${cond.name} ${c}`);
        }
      }
    }
    rows.push(...[...tallies.values()].filter((t) => t.pages > 0));
  }
  return rows;
}

function timedDecoder(t: StickerTally) {
  return (img: GrayImage, tr: Affine, box: Box) => {
    // CPU time, not wall time: the figure stays the decoder's on a machine busy with other work
    const t0 = process.cpuUsage();
    const text = readStickerAt(img, tr, box);
    const used = process.cpuUsage(t0);
    t.decodeMs += (used.user + used.system) / 1000;
    t.decodes++;
    return text;
  };
}

export function formatStickerTable(rows: StickerTally[]): string {
  const head = [
    'dpi',
    'sticker',
    'pages',
    'read',
    'wrong',
    'fallback ok',
    'fallback→exc.',
    'mismatch→exc.',
    'page exc.',
    'CPU ms/decode',
  ];
  const lines = rows.map((r) => [
    String(r.dpi),
    r.sticker,
    String(r.pages),
    String(r.read),
    String(r.wrong),
    String(r.fallback),
    String(r.fallbackException),
    String(r.mismatchCaught),
    String(r.pageExceptions),
    r.decodes ? (r.decodeMs / r.decodes).toFixed(1) : '—',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (l: string[]) => l.map((v, c) => v.padEnd(widths[c])).join(' | ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(fmt)].join('\n');
}
