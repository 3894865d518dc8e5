// Lays out a SchoolReportModel as an A4 PDF with pdfkit. Noto Sans SC is embedded and subsetted
// (pdfkit embeds only the glyphs used), so the file stays small and opens on any machine.
import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import { cjkFonts } from '../../common/cjk-fonts.js';
import type { ReportChart } from '../domain/chart-spec.js';
import type { ReportSection, ReportTable, SchoolReportModel } from '../domain/school-report.js';
import { drawChart } from './charts.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 50;
const INK = '#222222';
const MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';
const CHART_HEIGHT = 230;

@Injectable()
export class SchoolReportPdf {
  async render(model: SchoolReportModel): Promise<Buffer> {
    const f = cjkFonts();
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: model.documentTitle, Author: 'tongkao 统考', Subject: '学校质量诊断报告' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.registerFont('regular', f.regular);
    doc.registerFont('bold', f.bold);

    model.sections.forEach((s, i) => {
      if (i > 0) doc.addPage();
      this.section(doc, s);
    });
    this.pageNumbers(doc);
    doc.end();
    return done;
  }

  private get width() {
    return 595.28 - 2 * MARGIN;
  }

  private bottom(doc: Doc) {
    return doc.page.height - MARGIN - 20;
  }

  private ensureSpace(doc: Doc, height: number) {
    if (doc.y + height > this.bottom(doc)) doc.addPage();
  }

  private section(doc: Doc, s: ReportSection) {
    doc
      .fillColor(INK)
      .font('bold')
      .fontSize(16)
      .text(s.heading, MARGIN, MARGIN, { width: this.width, align: 'center' });
    doc.moveDown(0.3);
    doc.font('bold').fontSize(13).text(s.schoolName, { width: this.width, align: 'center' });
    doc.moveDown(0.8);
    doc.font('regular').fontSize(10);
    for (const line of s.intro) doc.text(line, MARGIN, doc.y, { width: this.width });

    const numerals = ['一', '二', '三', '四', '五', '六', '七', '八'];
    let part = 0;
    const title = (t: string) => `${numerals[part++]}、${t}`;

    this.heading(doc, title('核心指标（本校与联盟）'));
    this.table(doc, s.mainTable, [this.width * 0.4, this.width * 0.3, this.width * 0.3]);
    doc.moveDown(0.4);
    doc.font('regular').fontSize(7.5).fillColor(MUTED);
    doc.text('注：', MARGIN, doc.y, { width: this.width });
    for (const line of s.formulas) doc.text(`· ${line}`, MARGIN, doc.y, { width: this.width });
    doc.fillColor(INK);

    // Findings come first after the key figures: they are what a principal acts on (找差距、补短板).
    this.heading(doc, title('诊断发现'));
    doc.font('regular').fontSize(10);
    s.findings.forEach((line, i) => {
      const text = `${i + 1}. ${line}`;
      this.ensureSpace(doc, doc.heightOfString(text, { width: this.width - 10 }) + 4);
      doc.text(text, MARGIN + 5, doc.y, { width: this.width - 10 });
      doc.moveDown(0.25);
    });

    this.heading(doc, title(s.chartHeading), s.chart ? CHART_HEIGHT + 40 : 70);
    if (s.chart) this.chart(doc, { kind: 'bars', ...s.chart });
    else
      doc
        .font('regular')
        .fontSize(10)
        .text(s.chartNote ?? '', MARGIN, doc.y, { width: this.width });

    if (s.bandTable) {
      this.heading(doc, title('分数段分布'));
      this.table(doc, s.bandTable, [this.width * 0.34, this.width * 0.22, this.width * 0.22, this.width * 0.22], 8.5);
    }

    this.heading(doc, title('横向比较'));
    const w = this.width;
    this.table(doc, s.peerTable, [w * 0.22, w * 0.1, w * 0.11, w * 0.11, w * 0.11, w * 0.11, w * 0.13, w * 0.11], 8.5);
    doc.moveDown(0.3);
    doc.font('regular').fontSize(7.5).fillColor(MUTED);
    for (const line of s.peerNotes) doc.text(line, MARGIN, doc.y, { width: this.width });
    doc.fillColor(INK);

    const va = s.valueAdded;
    if (va) {
      this.heading(doc, title('纵向比较与增值评价（纵看）'));
      doc.font('regular').fontSize(10).fillColor(INK);
      for (const line of va.intro) doc.text(line, MARGIN, doc.y, { width: this.width });
      if (va.warnings.length) {
        doc.moveDown(0.3);
        doc.font('bold').fontSize(9.5).text('阅读提示：', MARGIN, doc.y, { width: this.width });
        doc.font('regular');
        for (const line of va.warnings) {
          this.ensureSpace(doc, doc.heightOfString(`· ${line}`, { width: this.width - 10 }) + 2);
          doc.text(`· ${line}`, MARGIN + 5, doc.y, { width: this.width - 10 });
        }
      }
      if (va.table) {
        doc.moveDown(0.4);
        this.table(doc, va.table, [this.width * 0.6, this.width * 0.4]);
      }
      if (va.peerTable) {
        doc.moveDown(0.6);
        const w = this.width;
        this.table(doc, va.peerTable, [w * 0.16, w * 0.12, w * 0.14, w * 0.26, w * 0.17, w * 0.15], 8.5);
        doc.moveDown(0.2);
        doc
          .font('regular')
          .fontSize(7.5)
          .fillColor(MUTED)
          .text('其他学校以字母代称，字母与前文横向比较一致。', MARGIN, doc.y, { width: this.width });
      }
      if (va.notes.length) {
        doc.moveDown(0.4);
        doc.font('regular').fontSize(7.5).fillColor(MUTED);
        doc.text('方法与公式：', MARGIN, doc.y, { width: this.width });
        for (const line of va.notes) doc.text(`· ${line}`, MARGIN, doc.y, { width: this.width });
      }
      doc.fillColor(INK);
    }
    for (const c of s.charts ?? []) {
      doc.moveDown(0.8);
      this.chart(doc, c);
    }
  }

  /** `need`: room for the heading and the start of what follows, so a heading never ends a page alone. */
  private heading(doc: Doc, text: string, need = 70) {
    doc.moveDown(0.8);
    this.ensureSpace(doc, need);
    doc.font('bold').fontSize(12).fillColor(INK).text(text, MARGIN, doc.y, { width: this.width });
    doc.moveDown(0.3);
  }

  private table(doc: Doc, t: ReportTable, widths: number[], fontSize = 9.5) {
    const rowH = fontSize + 9;
    const drawRow = (cells: string[], header: boolean) => {
      if (doc.y + rowH > this.bottom(doc)) {
        doc.addPage();
        if (!header) drawRow(t.header, true);
      }
      const y = doc.y;
      if (header) doc.rect(MARGIN, y, this.width, rowH).fill(HEAD_FILL);
      let x = MARGIN;
      doc
        .font(header ? 'bold' : 'regular')
        .fontSize(fontSize)
        .fillColor(INK);
      cells.forEach((c, i) => {
        doc.text(c, x + 4, y + (rowH - fontSize) / 2 - 1, {
          width: widths[i] - 8,
          align: i === 0 ? 'left' : 'right',
          lineBreak: false,
          ellipsis: true,
        });
        x += widths[i];
      });
      doc
        .moveTo(MARGIN, y + rowH)
        .lineTo(MARGIN + this.width, y + rowH)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      doc.x = MARGIN;
      doc.y = y + rowH;
    };
    this.ensureSpace(doc, rowH * Math.min(t.rows.length + 1, 4));
    drawRow(t.header, true);
    for (const r of t.rows) drawRow(r, false);
  }

  /** A chart of the model (chart-spec.ts) as vectors, drawn by ECharts through charts.ts, full width. */
  private chart(doc: Doc, c: ReportChart, height = CHART_HEIGHT) {
    this.ensureSpace(doc, height + 8);
    drawChart(doc, c, { x: MARGIN, y: doc.y, width: this.width, height });
    doc.x = MARGIN;
    doc.y += height + 8;
  }

  private pageNumbers(doc: Doc) {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would make pdfkit start a new page: lift the margin for the footer.
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - MARGIN + 10;
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(MUTED)
        .text(`第 ${i + 1} 页 / 共 ${range.count} 页　·　本报告不含学生个人成绩与排名`, MARGIN, y, {
          width: this.width,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
