// Prints a SheetLayout as a PDF (pdfkit). Every mark a scanner reads (fiducials, page code, bubbles, answer boxes)
// is drawn at exactly the layout's coordinates; the rest (titles, write-in boxes, instructions) fills the free space.
// Noto Sans SC is embedded and subsetted by pdfkit, so the sheet prints the same on any machine.
import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import { cjkFonts } from '../common/cjk-fonts.js';
import {
  examNoWriteTop,
  headerPanelX,
  layoutColumns,
  STICKER_AREA_SHIFT,
  type Box,
  type Circle,
  type Column,
  type PageLayout,
  type SheetLayout,
} from './domain/layout.js';
import { pageQrText } from './domain/page-qr.js';
import { bubble, type Doc, drawQr, FRAME, INK, LIGHT_FRAME, RING, text, TEXT } from './sheet-pdf-draw.js';

/** The student a personalised sheet is printed for. */
export interface SheetStudent {
  id: number;
  name: string;
  className: string;
  examNo: string;
}

const MARGIN_X = 50;

const fmtScore = (n: number) => String(Number(n.toFixed(2)));

@Injectable()
export class SheetPdf {
  /** The sheet for anyone: one copy of every page. */
  async render(layout: SheetLayout): Promise<Buffer> {
    return this.renderCopies(layout, [null]);
  }

  /** One personalised sheet (all its pages) per student, in the order given. */
  async renderPersonalised(layout: SheetLayout, students: SheetStudent[]): Promise<Buffer> {
    if (!students.length) throw new Error('no students');
    return this.renderCopies(layout, students);
  }

  private async renderCopies(layout: SheetLayout, copies: (SheetStudent | null)[]): Promise<Buffer> {
    const f = cjkFonts();
    const doc = new PDFDocument({
      size: [layout.page.width, layout.page.height],
      margin: 0,
      autoFirstPage: false,
      info: { Title: `${layout.title} ${layout.subject} 答题卡`, Author: 'tongkao 统考', Subject: '答题卡' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.registerFont('regular', f.regular);
    doc.registerFont('bold', f.bold);

    for (const student of copies) {
      for (const page of layout.pages) {
        doc.addPage({ size: [layout.page.width, layout.page.height], margin: 0 });
        this.page(doc, layout, page, student);
      }
    }
    doc.end();
    return done;
  }

  private page(doc: Doc, layout: SheetLayout, page: PageLayout, student: SheetStudent | null) {
    const W = layout.page.width;
    const col0 = layoutColumns(layout)[0];
    for (const fd of page.fiducials) doc.rect(fd.cx - fd.size / 2, fd.cy - fd.size / 2, fd.size, fd.size).fill(INK);
    const bits = page.pageCode.cells.length;
    page.pageCode.cells.forEach((cell, b) => {
      if ((Math.floor(page.pageCode.value / 2 ** (bits - 1 - b)) & 1) === 1)
        doc.rect(cell.x, cell.y, cell.w, cell.h).fill(INK);
    });

    if (page.qr) {
      drawQr(
        doc,
        page.qr,
        pageQrText({
          examId: layout.examId,
          paperId: layout.paperId,
          pageNo: page.pageNo,
          studentId: student?.id ?? null,
        }),
      );
    }

    // Titles centred over the first column, right of the QR code's quiet zone.
    const titleX = col0.x + col0.w / 2;
    if (page.pageNo === 1) {
      text(doc, layout.title, titleX, 64, { font: 'bold', size: 14, anchor: 'middle', maxWidth: 300 });
      text(doc, `${layout.subject}　答题卡`, titleX, 78, { size: 9, anchor: 'middle', maxWidth: 300 });
    } else {
      const left = page.qr ? page.qr.x + page.qr.w + 14 : MARGIN_X;
      text(doc, `${layout.title}　${layout.subject}答题卡`, left, 56, { size: 8, maxWidth: 180 });
      // Every page of a personalised sheet names its student, for the person who sorts or checks the pages.
      if (student)
        text(doc, `${student.name}　${student.className}　考号 ${student.examNo}`, left, 72, {
          size: 8,
          maxWidth: 180,
        });
    }
    if (page.examNo) this.header(doc, col0, page.examNo, page.sticker, student);

    if (page.objective.length) this.objective(doc, layout, page);

    for (const s of page.subjective) {
      doc.lineWidth(0.8).rect(s.box.x, s.box.y, s.box.w, s.box.h).stroke(FRAME);
      text(doc, `第${s.label}题（${fmtScore(s.maxScore)}分）`, s.box.x + 4, s.box.y + 10, {
        size: 8,
        maxWidth: s.box.w - 8,
      });
    }

    text(doc, `第 ${page.pageNo} 页 / 共 ${layout.pages.length} 页`, W / 2, layout.page.height - 28, {
      size: 8,
      anchor: 'middle',
    });
  }

  /** Page 1: exam-number grid with its write-in row, the sticker area if any, name and class boxes, filling instructions. */
  private header(doc: Doc, col0: Column, grid: Circle[][], sticker: Box | undefined, student: SheetStudent | null) {
    const { gridBottom } = this.examNoBlock(doc, col0, grid, student);
    // Right panel: the sticker area, name, class (printed on a personalised sheet), instructions.
    const { x0, x1 } = headerPanelX(col0, grid);
    let y = examNoWriteTop(grid) - 2;
    if (sticker) {
      stickerArea(doc, sticker);
      y += STICKER_AREA_SHIFT;
    }
    for (const [label, value] of [
      ['姓　名', student?.name],
      ['班　级', student?.className],
    ] as const) {
      text(doc, label, x0, y + 12, { size: 9 });
      doc
        .lineWidth(0.6)
        .rect(x0 + 36, y, x1 - x0 - 36, 17)
        .stroke(FRAME);
      if (value) text(doc, value, x0 + 42, y + 12.5, { font: 'bold', size: 10, maxWidth: x1 - x0 - 48, color: INK });
      y += 25;
    }
    y += 4;
    const panelTop = y;
    y = this.instructions(doc, x0, x1, y, student);
    doc
      .lineWidth(0.5)
      .rect(x0, panelTop, x1 - x0, Math.max(y, gridBottom + 5) - panelTop)
      .stroke(LIGHT_FRAME);
  }

  /** The exam-number grid with its write-in row (printed on a personalised sheet), framed; where it starts and ends. */
  private examNoBlock(doc: Doc, col0: Column, grid: Circle[][], student: SheetStudent | null) {
    const first = grid[0][0];
    const last = grid[grid.length - 1][0];
    const pitch = grid.length > 1 ? grid[1][0].cx - first.cx : 17;
    const boxW = pitch - 2;
    const writeTop = examNoWriteTop(grid);
    text(
      doc,
      student ? '考号（已印制；如填涂须与印制考号一致）' : '考号（先写数字，再用2B铅笔涂黑对应数字）',
      col0.x,
      writeTop - 3,
      { size: 7, maxWidth: last.cx + last.r - col0.x },
    );
    const printed = student && student.examNo.length === grid.length ? student.examNo : null;
    grid.forEach((col, d) => {
      doc
        .lineWidth(0.6)
        .rect(col[0].cx - boxW / 2, writeTop, boxW, 13)
        .stroke(FRAME);
      if (printed)
        text(doc, printed[d], col[0].cx, writeTop + 6.5, {
          font: 'bold',
          size: 9,
          anchor: 'middle',
          middle: true,
          color: INK,
        });
      col.forEach((b, v) => bubble(doc, b, String(v)));
    });
    const gridBottom = grid[0][9].cy + grid[0][9].r;
    doc
      .lineWidth(0.5)
      .rect(col0.x - 4, writeTop - 12, last.cx + last.r + 6 - (col0.x - 4), gridBottom + 5 - (writeTop - 12))
      .stroke(LIGHT_FRAME);
    return { writeTop, gridBottom };
  }

  /** The filling instructions between x0 and x1 from y, with examples of right and wrong marks; where they end. */
  private instructions(doc: Doc, x0: number, x1: number, top: number, student: SheetStudent | null): number {
    let y = top;
    text(doc, '填涂说明', x0 + 6, y + 12, { font: 'bold', size: 8 });
    y += 16;
    const lines = [
      student
        ? '1. 答题前请核对卡上印制的姓名、班级和考号，不是本人的答题卡请立即报告监考老师；考号可不再填涂。'
        : '1. 答题前请用黑色签字笔填写姓名、班级和考号，并用2B铅笔涂黑考号对应的数字。',
      '2. 选择题必须用2B铅笔填涂，涂满涂黑，修改时用橡皮擦干净。',
      '3. 非选择题用黑色签字笔在各题答题框内作答，超出答题框的答案无效。',
      '4. 保持卡面清洁，不要折叠、弄破或在定位块、二维码、页码块附近书写。',
    ];
    doc.font('regular').fontSize(7).fillColor(TEXT);
    for (const line of lines) {
      const h = doc.heightOfString(line, { width: x1 - x0 - 12, lineGap: 1 });
      doc.text(line, x0 + 6, y, { width: x1 - x0 - 12, lineGap: 1 });
      y += h + 2;
    }
    // Examples: a correct fill, then wrong marks (tick, cross, dash).
    y += 8;
    const r = 5.5;
    text(doc, '正确填涂', x0 + 6, y + 3, { size: 7 });
    doc.circle(x0 + 48, y, r).fill(INK);
    text(doc, '错误填涂', x0 + 70, y + 3, { size: 7 });
    const wrong = [x0 + 112, x0 + 130, x0 + 148];
    for (const cx of wrong) doc.lineWidth(0.7).circle(cx, y, r).stroke(RING);
    doc.lineWidth(1.1).strokeColor(INK);
    doc
      .moveTo(wrong[0] - 3, y)
      .lineTo(wrong[0] - 1, y + 3)
      .lineTo(wrong[0] + 4, y - 4)
      .stroke();
    doc
      .moveTo(wrong[1] - 3, y - 3)
      .lineTo(wrong[1] + 3, y + 3)
      .moveTo(wrong[1] + 3, y - 3)
      .lineTo(wrong[1] - 3, y + 3)
      .stroke();
    doc
      .moveTo(wrong[2] - 3.5, y)
      .lineTo(wrong[2] + 3.5, y)
      .stroke();
    return y + r + 6;
  }

  private objective(doc: Doc, layout: SheetLayout, page: PageLayout) {
    const col0 = layoutColumns(layout)[0];
    const top = Math.min(...page.objective.map((o) => o.bubbles[0].cy)) - 9;
    const bottom = Math.max(...page.objective.map((o) => o.bubbles[0].cy)) + 9;
    text(doc, '选择题（用2B铅笔填涂）', col0.x, top - 4, { font: 'bold', size: 8 });
    doc
      .lineWidth(0.5)
      .rect(col0.x - 4, top - 1, col0.w + 8, bottom - top + 4)
      .stroke(LIGHT_FRAME);
    for (const o of page.objective) {
      const b0 = o.bubbles[0];
      text(doc, `${o.label}.`, b0.cx - b0.r - 3, b0.cy, { size: 8, anchor: 'end', middle: true, maxWidth: 20 });
      o.bubbles.forEach((b, k) => bubble(doc, b, o.options[k]));
    }
  }
}

/**
 * The barcode sticker area: a dashed frame and its name in light grey (covered by the sticker; too light to be taken
 * for bars by the reader).
 */
function stickerArea(doc: Doc, box: Box) {
  doc.save();
  doc.lineWidth(0.8).dash(4, { space: 3 }).rect(box.x, box.y, box.w, box.h).stroke(FRAME);
  doc.restore();
  const cx = box.x + box.w / 2;
  text(doc, '条形码粘贴区', cx, box.y + box.h / 2 - 2, {
    font: 'bold',
    size: 13,
    anchor: 'middle',
    color: LIGHT_FRAME,
  });
  text(doc, '（由监考员核对考号后粘贴，请勿贴出框外）', cx, box.y + box.h / 2 + 14, {
    size: 7,
    anchor: 'middle',
    color: LIGHT_FRAME,
    maxWidth: box.w - 10,
  });
}
