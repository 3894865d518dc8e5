// Prints a SheetLayout as a PDF (pdfkit). Every mark a scanner reads (fiducials, page code, bubbles, answer boxes)
// is drawn at exactly the layout's coordinates; the rest (titles, write-in boxes, instructions) fills the free space.
// Noto Sans SC is embedded and subsetted by pdfkit, so the sheet prints the same on any machine.
import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import { cjkFonts } from '../common/cjk-fonts.js';
import type { Circle, PageLayout, SheetLayout } from './domain/layout.js';

type Doc = PDFKit.PDFDocument;


const MARGIN_X = 50;
const INK = '#000000';
const TEXT = '#222222';
// Rings and the letters inside them are printed light, so that an unfilled bubble stays far from a pencil mark.
const RING = '#7a7a7a';
const RING_LETTER = '#9a9a9a';
const FRAME = '#555555';
const LIGHT_FRAME = '#b4b4b4';

const fmtScore = (n: number) => String(Number(n.toFixed(2)));

@Injectable()
export class SheetPdf {
  async render(layout: SheetLayout): Promise<Buffer> {
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

    for (const page of layout.pages) {
      doc.addPage({ size: [layout.page.width, layout.page.height], margin: 0 });
      this.page(doc, layout, page);
    }
    doc.end();
    return done;
  }

  private page(doc: Doc, layout: SheetLayout, page: PageLayout) {
    const W = layout.page.width;
    for (const fd of page.fiducials) doc.rect(fd.cx - fd.size / 2, fd.cy - fd.size / 2, fd.size, fd.size).fill(INK);
    const bits = page.pageCode.cells.length;
    page.pageCode.cells.forEach((cell, b) => {
      if ((Math.floor(page.pageCode.value / 2 ** (bits - 1 - b)) & 1) === 1) doc.rect(cell.x, cell.y, cell.w, cell.h).fill(INK);
    });

    if (page.pageNo === 1) {
      text(doc, layout.title, W / 2, 64, { font: 'bold', size: 14, anchor: 'middle', maxWidth: 300 });
      text(doc, `${layout.subject}　答题卡`, W / 2, 78, { size: 9, anchor: 'middle', maxWidth: 300 });
    } else {
      text(doc, `${layout.title}　${layout.subject}答题卡`, MARGIN_X, 50, { size: 8, maxWidth: 200 });
    }
    if (page.examNo) this.header(doc, layout, page.examNo);

    if (page.objective.length) this.objective(doc, layout, page);

    for (const s of page.subjective) {
      doc.lineWidth(0.8).rect(s.box.x, s.box.y, s.box.w, s.box.h).stroke(FRAME);
      text(doc, `第${s.label}题（${fmtScore(s.maxScore)}分）`, s.box.x + 4, s.box.y + 10, { size: 8, maxWidth: s.box.w - 8 });
    }

    text(doc, `第 ${page.pageNo} 页 / 共 ${layout.pages.length} 页`, W / 2, layout.page.height - 28, { size: 8, anchor: 'middle' });
  }

  /** Page 1: exam-number grid with its write-in row, name and class boxes, filling instructions. */
  private header(doc: Doc, layout: SheetLayout, grid: Circle[][]) {
    const first = grid[0][0];
    const last = grid[grid.length - 1][0];
    const pitch = grid.length > 1 ? grid[1][0].cx - first.cx : 17;
    const boxW = pitch - 2;
    const writeTop = first.cy - first.r - 15;
    text(doc, '考号（先写数字，再用2B铅笔涂黑对应数字）', MARGIN_X, writeTop - 3, { size: 7 });
    grid.forEach((col) => {
      doc.lineWidth(0.6).rect(col[0].cx - boxW / 2, writeTop, boxW, 13).stroke(FRAME);
      col.forEach((b, v) => bubble(doc, b, String(v)));
    });
    const gridBottom = grid[0][9].cy + grid[0][9].r;
    doc.lineWidth(0.5).rect(MARGIN_X - 4, writeTop - 12, last.cx + last.r + 6 - (MARGIN_X - 4), gridBottom + 5 - (writeTop - 12)).stroke(LIGHT_FRAME);

    // Right panel: name, class, instructions.
    const x0 = Math.max(last.cx + last.r + 25, 290);
    const x1 = layout.page.width - MARGIN_X;
    let y = writeTop - 2;
    for (const label of ['姓　名', '班　级']) {
      text(doc, label, x0, y + 12, { size: 9 });
      doc.lineWidth(0.6).rect(x0 + 36, y, x1 - x0 - 36, 17).stroke(FRAME);
      y += 25;
    }
    y += 4;
    const panelTop = y;
    text(doc, '填涂说明', x0 + 6, y + 12, { font: 'bold', size: 8 });
    y += 16;
    const lines = [
      '1. 答题前请用黑色签字笔填写姓名、班级和考号，并用2B铅笔涂黑考号对应的数字。',
      '2. 选择题必须用2B铅笔填涂，涂满涂黑，修改时用橡皮擦干净。',
      '3. 非选择题用黑色签字笔在各题答题框内作答，超出答题框的答案无效。',
      '4. 保持卡面清洁，不要折叠、弄破或在定位块、页码块附近书写。',
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
    doc.moveTo(wrong[0] - 3, y).lineTo(wrong[0] - 1, y + 3).lineTo(wrong[0] + 4, y - 4).stroke();
    doc.moveTo(wrong[1] - 3, y - 3).lineTo(wrong[1] + 3, y + 3).moveTo(wrong[1] + 3, y - 3).lineTo(wrong[1] - 3, y + 3).stroke();
    doc.moveTo(wrong[2] - 3.5, y).lineTo(wrong[2] + 3.5, y).stroke();
    y += r + 6;
    doc.lineWidth(0.5).rect(x0, panelTop, x1 - x0, Math.max(y, gridBottom + 5) - panelTop).stroke(LIGHT_FRAME);
  }

  private objective(doc: Doc, layout: SheetLayout, page: PageLayout) {
    const top = Math.min(...page.objective.map((o) => o.bubbles[0].cy)) - 9;
    const bottom = Math.max(...page.objective.map((o) => o.bubbles[0].cy)) + 9;
    text(doc, '选择题（用2B铅笔填涂）', MARGIN_X, top - 4, { font: 'bold', size: 8 });
    doc.lineWidth(0.5).rect(MARGIN_X - 4, top - 1, layout.page.width - 2 * MARGIN_X + 8, bottom - top + 4).stroke(LIGHT_FRAME);
    for (const o of page.objective) {
      const b0 = o.bubbles[0];
      text(doc, `${o.label}.`, b0.cx - b0.r - 3, b0.cy, { size: 8, anchor: 'end', middle: true, maxWidth: 20 });
      o.bubbles.forEach((b, k) => bubble(doc, b, o.options[k]));
    }
  }
}

/** A printed bubble: thin light ring with its letter or digit inside. */
function bubble(doc: Doc, b: Circle, label: string) {
  doc.lineWidth(0.7).circle(b.cx, b.cy, b.r).stroke(RING);
  text(doc, label, b.cx, b.cy, { size: 6, anchor: 'middle', middle: true, color: RING_LETTER });
}

/**
 * One line of text positioned by its baseline (or, with `middle`, by the middle of its capitals), anchored at its
 * start, middle or end; shrunk to maxWidth when given.
 */
function text(
  doc: Doc,
  s: string,
  x: number,
  y: number,
  o: { font?: 'regular' | 'bold'; size: number; anchor?: 'start' | 'middle' | 'end'; middle?: boolean; color?: string; maxWidth?: number },
) {
  let size = o.size;
  doc.font(o.font ?? 'regular').fontSize(size);
  if (o.maxWidth) {
    while (size > 4 && doc.widthOfString(s) > o.maxWidth) doc.fontSize((size -= 0.5));
  }
  const w = doc.widthOfString(s);
  const left = o.anchor === 'middle' ? x - w / 2 : o.anchor === 'end' ? x - w : x;
  const capHeight = ((doc as unknown as { _font: { capHeight: number } })._font.capHeight || 730) / 1000;
  const baseline = o.middle ? y + (capHeight * size) / 2 : y;
  doc.fillColor(o.color ?? TEXT).text(s, left, baseline, { lineBreak: false, baseline: 'alphabetic' });
}
