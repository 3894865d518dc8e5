// Lays out a ClassReportModel as an A4 PDF with pdfkit, in the look of the school report (school-report.pdf.ts: the
// same fonts, headings, tables and ECharts vector charts).
import { Injectable } from '@nestjs/common';
import { reportDocument } from './report-document.js';
import type { ReleaseMark } from '../../results/release-gate.js';
import type { ReportChart } from '../domain/chart-spec.js';
import type { ClassReportModel, ClassSection } from '../domain/class-report.js';
import type { ReportTable } from '../domain/school-report.js';
import { drawChart } from './charts.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 50;
const INK = '#222222';
const MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';
const VERDICT_FILL = '#fdf3e1';
const CHART_HEIGHT = 230;
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];

@Injectable()
export class ClassReportPdf {
  async render(model: ClassReportModel, release: ReleaseMark): Promise<Buffer> {
    const { doc, done } = reportDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: model.documentTitle, Author: 'tongkao 统考', Subject: '班级报告' },
    });

    this.firstPage(doc, model, release);
    model.sections.forEach((s, i) => this.section(doc, s, i + 1));
    this.footers(doc, model);
    doc.end();
    return done;
  }

  private firstPage(doc: Doc, m: ClassReportModel, release: ReleaseMark) {
    doc.fillColor(INK);
    doc.y = MARGIN;
    this.fittedLine(doc, `${m.examName} 班级报告`, 17);
    this.fittedLine(doc, `${m.schoolName}　${m.className}`, 14);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text(`${m.scopeText}　·　${m.dateText}`, MARGIN, doc.y, { width: this.width, align: 'center' });
    doc.moveDown(0.8);
    const box = [
      ...(release.outdated ? ['成绩发布后分数又有改动：本报告按当前分数生成，与发布时的数据可能不同。'] : []),
      ...m.notes,
    ];
    doc.font('regular').fontSize(9.5);
    const h = box.reduce((s, l) => s + doc.heightOfString(l, { width: this.width - 20 }) + 2, 0);
    const y0 = doc.y;
    doc.rect(MARGIN, y0, this.width, h + 14).fill(VERDICT_FILL);
    doc.fillColor(INK);
    doc.y = y0 + 7;
    for (const l of box) {
      doc.text(l, MARGIN + 10, doc.y, { width: this.width - 20 });
      doc.moveDown(0.1);
    }
    doc.y = y0 + h + 14;
    this.heading(doc, m.showsScores ? '学生成绩（按考号排列，不排名次）' : '学生等级（按考号排列，不排名次）');
    const cols = m.studentTable.header.length;
    const first = this.width * 0.16;
    const second = this.width * 0.18;
    const rest = (this.width - first - second) / Math.max(1, cols - 2);
    this.table(doc, m.studentTable, [first, second, ...Array(cols - 2).fill(rest)], cols > 8 ? 7.5 : 8.5);
  }

  private section(doc: Doc, s: ClassSection, part: number) {
    let k = 0;
    const title = (t: string) => `${NUMERALS[k++] ?? k}、${t}`;
    const w = this.width;
    doc.addPage();
    doc.fillColor(INK);
    this.fittedLine(doc, `第${NUMERALS[part - 1] ?? part}部分　${s.heading}`, 15);
    this.paragraphs(doc, s.intro, { size: 9, color: MUTED });
    this.heading(doc, title('核心指标（本班、本校与联盟）'));
    this.table(doc, s.mainTable, [w * 0.31, w * 0.23, w * 0.23, w * 0.23], 9);
    if (s.findings.length) {
      this.heading(doc, title('诊断发现'));
      this.paragraphs(doc, s.findings, { bullet: '1.' });
    }
    const bars = s.charts.filter((c) => c.kind === 'bars');
    if (bars[0]) {
      this.heading(doc, title('各题得分率'), 250);
      this.chart(doc, bars[0]);
    }
    if (s.knowledgeTable) {
      this.heading(doc, title('知识点：本班、按本班水平的预期与联盟'));
      this.table(doc, s.knowledgeTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], 8.5);
    }
    if (s.errors.choice || s.errors.subjective) {
      this.heading(doc, title('典型错误'));
      if (s.errors.notes.length) this.paragraphs(doc, s.errors.notes, { bullet: '·' });
      if (s.errors.choice) {
        doc.moveDown(0.3);
        this.table(doc, s.errors.choice, [w * 0.26, w * 0.1, w * 0.15, w * 0.13, w * 0.2, w * 0.16], 8.5);
      }
      if (s.errors.subjective) {
        doc.moveDown(0.5);
        this.table(
          doc,
          s.errors.subjective,
          [w * 0.25, w * 0.08, w * 0.14, w * 0.14, w * 0.12, w * 0.14, w * 0.13],
          8.5,
        );
      }
    }
    this.heading(doc, title('临界生'));
    this.paragraphs(doc, s.borderline, { bullet: '·' });
    if (s.movement) {
      this.heading(doc, title('进退步'));
      this.paragraphs(doc, s.movement.lines);
      if (s.movement.table) this.table(doc, s.movement.table, [w * 0.31, w * 0.23, w * 0.23, w * 0.23], 8.5);
    }
    if (s.mistakes) {
      this.heading(doc, title('错题（每名学生失分最多的题）'));
      this.table(doc, s.mistakes, [w * 0.14, w * 0.5, w * 0.36], 8);
    }
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
  /** One line at the largest size (≤ `size`) that fits the width: a title is never wrapped mid-word. */
  private fittedLine(doc: Doc, text: string, size: number, font = 'bold') {
    let fs = size;
    doc.font(font).fontSize(fs);
    while (fs > 9 && doc.widthOfString(text) > this.width) doc.fontSize((fs -= 0.5));
    doc.text(text, MARGIN, doc.y, { width: this.width, align: 'center', lineBreak: false });
    doc.y += fs * 1.4;
  }
  private paragraphs(doc: Doc, lines: string[], opts: { size?: number; bullet?: string; color?: string } = {}) {
    doc
      .font('regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.color ?? INK);
    lines.forEach((line, i) => {
      const text = opts.bullet === '1.' ? `${i + 1}. ${line}` : opts.bullet ? `${opts.bullet} ${line}` : line;
      const indent = opts.bullet ? 5 : 0;
      this.ensureSpace(doc, doc.heightOfString(text, { width: this.width - indent }) + 3);
      doc.text(text, MARGIN + indent, doc.y, { width: this.width - indent });
      doc.moveDown(0.2);
    });
    doc.fillColor(INK);
  }
  /** A chart of the report (ECharts, as vectors: charts.ts), the full width, below what came before. */
  private chart(doc: Doc, c: ReportChart, height = CHART_HEIGHT) {
    this.ensureSpace(doc, height + 8);
    drawChart(doc, c, { x: MARGIN, y: doc.y, width: this.width, height });
    doc.x = MARGIN;
    doc.y += height + 8;
  }
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

  private footers(doc: Doc, m: ClassReportModel) {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('regular')
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(
          `${m.examName}　·　${m.schoolName}${m.className}　·　${m.dateText}　·　第 ${i + 1} 页 / 共 ${range.count} 页　·　仅供本班教师使用，不排名次`,
          MARGIN,
          doc.page.height - MARGIN + 10,
          { width: this.width, align: 'center', lineBreak: false },
        );
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
