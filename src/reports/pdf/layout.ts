// The page layout every report PDF shares (school, class, alliance overview): the width and the bottom of the text
// area, headings that never end a page alone, paragraphs, a title fitted on one line, ECharts charts, tables that
// repeat their header on a new page, and the footer of every page with 第x页/共y页. One PdfLayout per document; the
// renderers decide what goes where, this module how it is drawn.
import type { ReportChart } from '../domain/chart-spec.js';
import type { ReportTable, TypicalErrors } from '../domain/diagnosis-tables.js';
import { drawChart } from './charts.js';
import { reportDocument } from './report-document.js';

type Doc = PDFKit.PDFDocument;

export const INK = '#222222';
export const MUTED = '#666666';
export const RULE = '#c8ccd2';
export const HEAD_FILL = '#eef1f5';
export const VERDICT_FILL = '#fdf3e1';

export interface LayoutOptions {
  /** The page margin on every side (pt). */
  margin: number;
  /** Kept free above the bottom margin for the footer (pt). */
  footerBand: number;
  /** How far below the bottom margin the footer's line starts (pt). */
  footerOffset: number;
  /** What a heading needs below it by default, so that it never ends a page alone (pt). */
  headingNeed: number;
  /** The space before a heading, in lines of the current font. */
  headingGap: number;
}

export interface ParagraphOptions {
  size?: number;
  /** '1.' numbers the lines; any other string is put before each line. */
  bullet?: string;
  color?: string;
  /** The space after each line, in lines. */
  gap?: number;
  /** The indent of a line (pt): 5 with a bullet unless given. */
  indent?: number;
}

export interface TableOptions {
  fontSize?: number;
  /** Columns aligned left; the others are figures, aligned right. */
  leftColumns?: number[];
  /** A row's height is the font size plus this (pt). */
  rowPad?: number;
  /** The space on either side of a cell's text (pt). */
  cellPad?: number;
  /** Per body row: bold, and the colour of the last column. */
  rowStyles?: ({ bold?: boolean; color?: string } | undefined)[];
  /** Where the table starts, right of the left margin (pt): a table beside a chart. Its width is the sum of `widths`. */
  indent?: number;
  /** A cell too wide for its column is set smaller (down to 6 pt) instead of cut with an ellipsis. */
  shrinkToFit?: boolean;
}

export class PdfLayout {
  constructor(
    readonly doc: Doc,
    private readonly o: LayoutOptions,
  ) {}

  get margin(): number {
    return this.o.margin;
  }

  /** The width of the text area of the current page. */
  get width(): number {
    return this.doc.page.width - 2 * this.o.margin;
  }

  /** The lowest y that text may reach on the current page. */
  get bottom(): number {
    return this.doc.page.height - this.o.margin - this.o.footerBand;
  }

  /** A new page unless `height` is left on this one. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** One line at the largest size (≤ `size`) that fits the width: a title is never wrapped mid-word. */
  fittedLine(text: string, size: number, font = 'bold'): void {
    const { doc } = this;
    let fs = size;
    doc.font(font).fontSize(fs);
    while (fs > 9 && doc.widthOfString(text) > this.width) doc.fontSize((fs -= 0.5));
    doc.text(text, this.margin, doc.y, { width: this.width, align: 'center', lineBreak: false });
    doc.y += fs * 1.4;
  }

  /** Lines of text, each kept whole on a page. */
  paragraphs(lines: string[], opts: ParagraphOptions = {}): void {
    const { doc } = this;
    doc
      .font('regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.color ?? INK);
    lines.forEach((line, i) => {
      const text = opts.bullet === '1.' ? `${i + 1}. ${line}` : opts.bullet ? `${opts.bullet} ${line}` : line;
      const indent = opts.indent ?? (opts.bullet ? 5 : 0);
      this.ensureSpace(doc.heightOfString(text, { width: this.width - indent }) + 3);
      doc.text(text, this.margin + indent, doc.y, { width: this.width - indent });
      doc.moveDown(opts.gap ?? 0.2);
    });
    doc.fillColor(INK);
  }

  /** `need`: the heading and the first rows of what follows, so a heading never ends a page alone. */
  heading(text: string, need = this.o.headingNeed, size = 12): void {
    const { doc } = this;
    doc.moveDown(this.o.headingGap);
    this.ensureSpace(need);
    doc.font('bold').fontSize(size).fillColor(INK).text(text, this.margin, doc.y, { width: this.width });
    doc.moveDown(0.3);
  }

  /** A chart of the report (ECharts, as vectors: charts.ts), the full width, below what came before. */
  chart(c: ReportChart, height: number): void {
    const { doc } = this;
    this.ensureSpace(height + 8);
    drawChart(doc, c, { x: this.margin, y: doc.y, width: this.width, height });
    doc.x = this.margin;
    doc.y += height + 8;
  }

  /** The height of a table's rows (header included) at these options, when it does not break across pages. */
  tableHeight(t: ReportTable, opts: TableOptions = {}): number {
    return (t.rows.length + 1) * ((opts.fontSize ?? 9.5) + (opts.rowPad ?? 9));
  }

  /**
   * A chart on the left and a table on its right, side by side, kept together on one page; the chart takes what the
   * table leaves of the width, less a gap, and is as tall as the table (at least `minHeight`).
   */
  chartBesideTable(c: ReportChart, t: ReportTable, widths: number[], opts: TableOptions, minHeight: number): void {
    const { doc } = this;
    const tableWidth = widths.reduce((a, b) => a + b, 0);
    const height = Math.max(minHeight, this.tableHeight(t, opts));
    this.ensureSpace(height + 8);
    const y0 = doc.y;
    drawChart(doc, c, { x: this.margin, y: y0, width: this.width - tableWidth - 8, height });
    doc.y = y0;
    this.table(t, widths, { ...opts, indent: this.width - tableWidth });
    doc.x = this.margin;
    doc.y = y0 + height + 8;
  }

  /** A table whose header is drawn again at the top of every page it runs onto. */
  table(t: ReportTable, widths: number[], opts: TableOptions = {}): void {
    const { doc } = this;
    const left = this.margin + (opts.indent ?? 0);
    const tableWidth = opts.indent === undefined ? this.width : widths.reduce((a, b) => a + b, 0);
    const fontSize = opts.fontSize ?? 9.5;
    const leftColumns = opts.leftColumns ?? [0];
    const pad = opts.cellPad ?? 4;
    const rowH = fontSize + (opts.rowPad ?? 9);
    const drawRow = (cells: string[], header: boolean, style?: { bold?: boolean; color?: string }) => {
      if (doc.y + rowH > this.bottom) {
        doc.addPage();
        if (!header) drawRow(t.header, true);
      }
      const y = doc.y;
      if (header) doc.rect(left, y, tableWidth, rowH).fill(HEAD_FILL);
      let x = left;
      doc
        .font(header || style?.bold ? 'bold' : 'regular')
        .fontSize(fontSize)
        .fillColor(INK);
      cells.forEach((c, i) => {
        if (style?.color && i === cells.length - 1) doc.fillColor(style.color);
        const size = opts.shrinkToFit ? fittedSize(doc, c, widths[i] - 2 * pad, fontSize) : fontSize;
        doc.fontSize(size).text(c, x + pad, y + (rowH - size) / 2 - 1, {
          width: widths[i] - 2 * pad,
          align: leftColumns.includes(i) ? 'left' : 'right',
          lineBreak: false,
          ellipsis: true,
        });
        x += widths[i];
      });
      doc
        .moveTo(left, y + rowH)
        .lineTo(left + tableWidth, y + rowH)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      doc.fillColor(INK);
      doc.x = this.margin;
      doc.y = y + rowH;
    };
    this.ensureSpace(rowH * Math.min(t.rows.length + 1, 4));
    drawRow(t.header, true);
    t.rows.forEach((r, i) => drawRow(r, false, opts.rowStyles?.[i]));
  }

  /**
   * A long, narrow table folded into two halves side by side (the first half of the rows on the left, the rest on
   * the right), so it takes half the height. `fractions`: one half's column widths as shares of the page width.
   */
  foldedTable(t: ReportTable, fractions: number[], opts: TableOptions = {}): void {
    const half = Math.ceil(t.rows.length / 2);
    const blank = t.header.map(() => '');
    const rows = t.rows.slice(0, half).map((r, i) => [...r, ...(t.rows[half + i] ?? blank)]);
    const widths = [...fractions, ...fractions].map((f) => f * this.width);
    this.table({ header: [...t.header, ...t.header], rows }, widths, { ...opts, leftColumns: [0, t.header.length] });
  }

  /** A table of a few rows and many figures turned on its side: its rows become columns (e.g. 本校 and 联盟). */
  transposedTable(t: ReportTable, opts: TableOptions = {}): void {
    const header = t.rows.map((r) => r[0]);
    const rows = t.header.slice(1).map((h, c) => [h, ...t.rows.map((r) => r[c + 1])]);
    const first = this.width * 0.1;
    const rest = (this.width - first) / header.length;
    this.table({ header: [t.header[0], ...header], rows }, [first, ...header.map(() => rest)], opts);
  }

  /** The footer line of every page; `text` is given the page's number and the count of pages. */
  footers(text: (page: number, pages: number) => string): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would make pdfkit start a new page: lift the margin for the footer.
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('regular')
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(text(i + 1, range.count), this.margin, doc.page.height - this.margin + this.o.footerOffset, {
          width: this.width,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}

/** The largest size ≤ `size` (in steps of 0.1, at least 6 pt) at which `text` fits `room` in the current font. */
function fittedSize(doc: Doc, text: string, room: number, size: number): number {
  doc.fontSize(size);
  const natural = doc.widthOfString(text);
  return natural > room ? Math.max(6, Math.floor(((size * room) / natural) * 10) / 10) : size;
}

/** A portrait A4 report (school, class): the document, its layout, and its bytes once ended. */
export function portraitReport(
  info: { Title: string; Subject: string },
  headingNeed: number,
): { doc: Doc; done: Promise<Buffer>; l: PdfLayout } {
  const margin = 50;
  const { doc, done } = reportDocument({
    size: 'A4',
    margin,
    bufferPages: true,
    info: { ...info, Author: 'tongkao 统考' },
  });
  const l = new PdfLayout(doc, { margin, footerBand: 20, footerOffset: 10, headingNeed, headingGap: 0.8 });
  return { doc, done, l };
}

/** 典型错误 of a subject (school or class): the notes, the choice items' option shares, the subjective items. */
export function typicalErrorTables(l: PdfLayout, e: TypicalErrors, opts: TableOptions = { fontSize: 8.5 }): void {
  const w = l.width;
  if (e.notes.length) l.paragraphs(e.notes, { bullet: '·' });
  if (e.choice) {
    l.doc.moveDown(0.3);
    l.table(e.choice, [w * 0.26, w * 0.1, w * 0.15, w * 0.13, w * 0.2, w * 0.16], opts);
  }
  if (e.subjective) {
    l.doc.moveDown(0.5);
    l.table(e.subjective, [w * 0.25, w * 0.08, w * 0.14, w * 0.14, w * 0.12, w * 0.14, w * 0.13], opts);
  }
}
