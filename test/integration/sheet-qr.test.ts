// The printed sheet read back: PDFs (A4 and A3, for anyone and personalised) rasterised by poppler, then every
// page read with the real reader: the QR code decodes (jsQR), names the right paper, page and student, and agrees with
// the bubble page code that older sheets rely on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrayImage } from '../../src/scans/domain/gray-image.js';
import { rotateQuarter } from '../../src/scans/domain/gray-image.js';
import { readPage, sheetFrame, turnToFrames, type PageReading } from '../../src/scans/domain/read-page.js';
import { readQrAt, readQrJsqr } from '../../src/scans/qr-reader.js';
import { buildSheetLayout, type LayoutItem, type PaperSize, type SheetLayout } from '../../src/sheets/domain/layout.js';
import { SheetPdf } from '../../src/sheets/sheet-pdf.js';
import { readPgm } from '../support/pgm.js';

const ITEMS: LayoutItem[] = [
  ...Array.from({ length: 15 }, (_, n) => ({
    id: 500 + n,
    label: String(n + 1),
    type: 'single_choice' as const,
    maxScore: 3,
    optionCount: 4,
    boxHeightMm: 0,
  })),
  ...Array.from({ length: 7 }, (_, n) => ({
    id: 520 + n,
    label: String(16 + n),
    type: 'subjective' as const,
    maxScore: 10,
    optionCount: 0,
    boxHeightMm: 55 + 5 * n,
  })),
];
const EXAM_ID = 77;

function rotate180(img: GrayImage): GrayImage {
  const data = new Uint8Array(img.data.length);
  for (let n = 0; n < data.length; n++) data[n] = img.data[data.length - 1 - n];
  return { ...img, data };
}

describe('printed sheets read back (QR and bubble page code)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tk-sheet-qr-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function rasterise(pdf: Buffer, name: string, dpi: number): Promise<GrayImage[]> {
    const file = join(tmp, `${name}.pdf`);
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), file, join(tmp, name)]);
    return readdirSync(tmp)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.pgm'))
      .sort()
      .map((f) => readPgm(readFileSync(join(tmp, f))));
  }

  const read = (img: GrayImage, layout: SheetLayout, withQr = true): PageReading =>
    readPage(
      img,
      sheetFrame(layout),
      (paperId, pageNo) =>
        paperId === layout.paperId ? (layout.pages.find((p) => p.pageNo === pageNo) ?? null) : null,
      withQr ? { readQr: readQrAt, examId: EXAM_ID } : {},
    );

  for (const [size, paperId] of [
    ['A4', 4101],
    ['A3', 4102],
  ] as [PaperSize, number][]) {
    it(`${size}: every page's QR decodes to its paper and page, and the bubble code says the same`, async () => {
      const layout = buildSheetLayout({
        paperSize: size,
        examId: EXAM_ID,
        paperId,
        title: '2025学年七年级期中联考',
        subject: '数学',
        examNoDigits: 8,
        items: ITEMS,
      });
      expect(layout.pages.length).toBeGreaterThan(1);
      const images = await rasterise(await new SheetPdf().render(layout), `any-${size}`, 150);
      expect(images).toHaveLength(layout.pages.length);
      images.forEach((img, n) => {
        expect(img.width > img.height).toBe(size === 'A3');
        const viaQr = read(img, layout);
        const viaBubbles = read(img, layout, false);
        // page 1 of a blank sheet has no exam number filled in: an exception for an anonymous sheet, after the page is identified
        for (const r of [viaQr, viaBubbles]) {
          if (!r.ok) {
            expect([n, r.code, r.paperId, r.pageNo]).toEqual([0, 'EXAMNO_BLANK', paperId, 1]);
            continue;
          }
          expect([r.paperId, r.pageNo, r.studentId]).toEqual([paperId, n + 1, null]);
        }
        if (viaQr.ok) expect(viaQr.pageCodeSource).toBe('qr');
        if (viaBubbles.ok) expect(viaBubbles.pageCodeSource).toBe('bubbles');
        expect(readQrAt(img, viaQr.alignment!.transform, layout.pages[n].qr!)).toBe(
          `TK1|${EXAM_ID}|${paperId}|${n + 1}`,
        );
        // and the fallback reader (jsQR, loaded on first use) reads it too
        expect(readQrJsqr(img, viaQr.alignment!.transform, layout.pages[n].qr!)).toBe(
          `TK1|${EXAM_ID}|${paperId}|${n + 1}`,
        );
      });
    }, 60_000);

    it(`${size}: a personalised sheet names its student on every page, upright or upside down`, async () => {
      const layout = buildSheetLayout({
        paperSize: size,
        examId: EXAM_ID,
        paperId,
        title: '2025学年七年级期中联考',
        subject: '数学',
        examNoDigits: 8,
        items: ITEMS,
      });
      const students = [
        { id: 31, name: '张小明', className: '七(1)班', examNo: '20250131' },
        { id: 4562, name: '欧阳慧敏', className: '七(12)班', examNo: '20254562' },
      ];
      const images = await rasterise(
        await new SheetPdf().renderPersonalised(layout, students),
        `personal-${size}`,
        150,
      );
      expect(images).toHaveLength(students.length * layout.pages.length);
      images.forEach((img, n) => {
        const pageNo = (n % layout.pages.length) + 1;
        const student = students[Math.floor(n / layout.pages.length)];
        // the second student's pages fed upside down
        const r = read(n >= layout.pages.length ? rotate180(img) : img, layout);
        if (!r.ok) throw new Error(`page ${n}: ${r.code} ${r.reason}`);
        expect([r.paperId, r.pageNo, r.studentId, r.pageCodeSource, r.alignment.upsideDown]).toEqual([
          paperId,
          pageNo,
          student.id,
          'qr',
          n >= layout.pages.length,
        ]);
        // exam-number bubbles left blank on a personalised sheet: nothing to check against
        expect(r.examNo).toBeNull();
      });
    }, 90_000);
  }

  it('A3 fed short edge first (a portrait image) is turned a quarter and read, whichever way it was turned', async () => {
    const layout = buildSheetLayout({
      paperSize: 'A3',
      examId: EXAM_ID,
      paperId: 4104,
      title: '期中',
      subject: '数学',
      examNoDigits: 8,
      items: ITEMS,
    });
    const a4 = buildSheetLayout({
      examId: EXAM_ID,
      paperId: 4105,
      title: '期中',
      subject: '数学',
      examNoDigits: 8,
      items: ITEMS,
    });
    const [img] = await rasterise(
      await new SheetPdf().renderPersonalised(layout, [
        { id: 5, name: '王五', className: '七(3)班', examNo: '20250005' },
      ]),
      'a3turn',
      150,
    );
    const cw = rotateQuarter(img);
    const ccw = rotateQuarter(rotateQuarter(cw));
    for (const [portrait, upsideDown] of [
      [cw, true],
      [ccw, false],
    ] as const) {
      expect(portrait.height > portrait.width).toBe(true);
      // an exam with A3 sheets only: the portrait image is turned; with A4 sheets too, a portrait image is an A4 one
      const turned = turnToFrames(portrait, [sheetFrame(layout)]);
      expect(turnToFrames(portrait, [sheetFrame(layout), sheetFrame(a4)])).toBe(portrait);
      const r = read(turned, layout);
      if (!r.ok) throw new Error(`${r.code} ${r.reason}`);
      expect([r.pageNo, r.studentId, r.pageCodeSource, r.alignment.upsideDown]).toEqual([1, 5, 'qr', upsideDown]);
    }
  }, 30_000);

  it('reads the QR at 100 dpi, and a page of another exam is refused by its QR', async () => {
    const layout = buildSheetLayout({
      examId: EXAM_ID,
      paperId: 4103,
      title: '期中',
      subject: '数学',
      examNoDigits: 8,
      items: ITEMS,
    });
    const [img] = await rasterise(
      await new SheetPdf().renderPersonalised(layout, [
        { id: 9, name: '李四', className: '七(2)班', examNo: '20250009' },
      ]),
      'low',
      100,
    );
    const r = read(img, layout);
    expect(r.ok && [r.studentId, r.pageCodeSource]).toEqual([9, 'qr']);
    const foreign = readPage(img, sheetFrame(layout), () => layout.pages[0], { readQr: readQrAt, examId: EXAM_ID + 1 });
    expect(foreign.ok ? 'ok' : foreign.code).toBe('PAPER_NOT_IN_EXAM');
  }, 30_000);
});
