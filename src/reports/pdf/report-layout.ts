// The layout of a landscape report PDF (the alliance overview, the county comparison): headings, paragraphs, charts
// as ECharts vectors, ruled tables that repeat their header on a new page, and a footer on every page. One place for
// what the renderers used to write each for themselves; the document itself comes from reportDocument().
import type { ReportChart } from '../domain/chart-spec.js';
import { drawChart } from './charts.js';

type Doc = PDFKit.PDFDocument;

export const LAYOUT_INK = '#222222';
export const LAYOUT_MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';

export interface TableRow {
  cells: string[];
  bold?: boolean;
  /** The last cell's colour (a verdict in words). */
  color?: string;
}

export class ReportLayout {
  constructor(
    readonly doc: Doc,
    readonly margin: number,
  ) {}

  get width(): number {
    return this.doc.page.width - 2 * this.margin;
  }

  get bottom(): number {
    return this.doc.page.height - this.margin - 16;
  }

  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** A centred title and a muted line under it. */
  title(text: string, subtitle: string): void {
    const { doc, margin } = this;
    doc.y = margin;
    doc
      .font('bold')
      .fontSize(17)
      .fillColor(LAYOUT_INK)
      .text(text, margin, doc.y, { width: this.width, align: 'center' });
    doc.moveDown(0.3);
    doc.font('regular').fontSize(9).fillColor(LAYOUT_MUTED).text(subtitle, { align: 'center' });
    doc.moveDown(0.6);
  }

  /** A bold heading, on a new page unless `need` points still fit under it. */
  heading(text: string, size = 12, need = 60): void {
    const { doc, margin } = this;
    doc.moveDown(0.6);
    this.ensureSpace(need);
    doc.font('bold').fontSize(size).fillColor(LAYOUT_INK).text(text, margin, doc.y, { width: this.width });
    doc.moveDown(0.3);
  }

  paragraphs(lines: string[], bullet?: string, color = LAYOUT_INK): void {
    const { doc, margin } = this;
    doc.font('regular').fontSize(9.5).fillColor(color);
    for (const line of lines) {
      const text = bullet ? `${bullet} ${line}` : line;
      this.ensureSpace(doc.heightOfString(text, { width: this.width }) + 3);
      doc.text(text, margin, doc.y, { width: this.width });
      doc.moveDown(0.2);
    }
    doc.fillColor(LAYOUT_INK);
  }

  chart(c: ReportChart, height: number): void {
    const { doc, margin } = this;
    this.ensureSpace(height + 8);
    drawChart(doc, c, { x: margin, y: doc.y, width: this.width, height });
    doc.x = margin;
    doc.y += height + 8;
  }

  /**
   * A ruled table. By default the first and last columns are left-aligned (names, words) and the figures between
   * right-aligned; `align` says otherwise. A cell too wide for its column is set smaller (down to 6 pt), not wrapped.
   */
  table(header: string[], rows: TableRow[], widths: number[], align?: ('left' | 'right')[]): void {
    const { doc, margin } = this;
    const fontSize = 8.5;
    const rowH = fontSize + 8;
    const drawRow = (cells: string[], head: boolean, bold = false, color = LAYOUT_INK) => {
      if (doc.y + rowH > this.bottom) {
        doc.addPage();
        if (!head) drawRow(header, true);
      }
      const y = doc.y;
      if (head) doc.rect(margin, y, this.width, rowH).fill(HEAD_FILL);
      let x = margin;
      cells.forEach((c, i) => {
        doc.font(head || bold ? 'bold' : 'regular').fontSize(fontSize);
        const room = widths[i] - 6;
        const natural = doc.widthOfString(c);
        const size = natural > room ? Math.max(6, Math.floor(((fontSize * room) / natural) * 10) / 10) : fontSize;
        doc
          .fontSize(size)
          .fillColor(i === cells.length - 1 && !head ? color : LAYOUT_INK)
          .text(c, x + 3, y + (rowH - size) / 2 - 1, {
            width: room,
            align: align?.[i] ?? (i === 0 || i === cells.length - 1 ? 'left' : 'right'),
            lineBreak: false,
            ellipsis: true,
          });
        x += widths[i];
      });
      doc
        .moveTo(margin, y + rowH)
        .lineTo(margin + this.width, y + rowH)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      doc.x = margin;
      doc.y = y + rowH;
    };
    this.ensureSpace(rowH * Math.min(rows.length + 1, 4));
    drawRow(header, true);
    for (const r of rows) drawRow(r.cells, false, r.bold, r.color);
    doc.fillColor(LAYOUT_INK);
  }

  /** `text(page, pages)` centred under every page (the document must buffer its pages). */
  footers(text: (page: number, pages: number) => string): void {
    const { doc, margin } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('regular')
        .fontSize(7.5)
        .fillColor(LAYOUT_MUTED)
        .text(text(i + 1, range.count), margin, doc.page.height - margin + 12, {
          width: this.width,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
