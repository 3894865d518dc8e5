// Lays out a SchoolReportModel as an A4 PDF with pdfkit. Noto Sans SC is embedded and subsetted
// (pdfkit embeds only the glyphs used), so the file stays small and opens on any machine.
import { Injectable } from '@nestjs/common';
import { reportDocument } from './report-document.js';
import { drawnVaCharts, type ReportChart } from '../domain/chart-spec.js';
import { FOREST_LABELLED_ROWS } from './chart-options.js';
import { drawChart } from './charts.js';
import type { ReportSection, ReportTable, SchoolReportModel } from '../domain/school-report.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 50;
const INK = '#222222';
const MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';
const VERDICT_FILL = '#fdf3e1';
const CHART_HEIGHT = 170;
/** A part starts on a new page only when less than this is left of the current one. */
const PART_NEEDS = 180;
const TREND_HEIGHT = 140;
/** A row per school up to FOREST_LABELLED_ROWS; a caterpillar of fixed height beyond (chart-options.ts). */
const forestHeight = (rows: number) => (rows > FOREST_LABELLED_ROWS ? 360 : 50 + 18 * rows);
const FLAG = '#c0392b';
const SERIES_COLORS = ['#2f6db5', '#b0b7c3', '#e08a2c'];

@Injectable()
export class SchoolReportPdf {
  async render(model: SchoolReportModel): Promise<Buffer> {
    const { doc, done } = reportDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: model.documentTitle, Author: 'tongkao 统考', Subject: '学校质量诊断报告' },
    });

    this.verdictPage(doc, model);
    // The value-added table of every school (ΔT, VA, interval, shrunken, 提升系数) is printed once, in the last part
    // (总分, or the only subject): each subject's forest plot already shows the other schools' estimates.
    model.sections.forEach((s, i) => this.section(doc, s, i + 1, i === model.sections.length - 1));
    this.appendix(doc, model);
    this.footers(doc, model);
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

  /** One line at the largest size (≤ `size`) that fits the width: a title is never wrapped mid-word. */
  private fittedLine(doc: Doc, text: string, size: number, font = 'bold') {
    let fs = size;
    doc.font(font).fontSize(fs);
    while (fs > 9 && doc.widthOfString(text) > this.width) doc.fontSize((fs -= 0.5));
    doc.text(text, MARGIN, doc.y, { width: this.width, align: 'center', lineBreak: false });
    doc.y += fs * 1.4;
  }

  private paragraphs(
    doc: Doc,
    lines: string[],
    opts: { size?: number; bullet?: string; color?: string; gap?: number } = {},
  ) {
    doc
      .font('regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.color ?? INK);
    lines.forEach((line, i) => {
      const text = opts.bullet === '1.' ? `${i + 1}. ${line}` : opts.bullet ? `${opts.bullet} ${line}` : line;
      const indent = opts.bullet ? 5 : 0;
      this.ensureSpace(doc, doc.heightOfString(text, { width: this.width - indent }) + 3);
      doc.text(text, MARGIN + indent, doc.y, { width: this.width - indent });
      doc.moveDown(opts.gap ?? 0.2);
    });
    doc.fillColor(INK);
  }

  private verdictPage(doc: Doc, m: SchoolReportModel) {
    doc.fillColor(INK);
    doc.y = MARGIN;
    this.fittedLine(doc, `${m.examName} 学校质量诊断报告`, 17);
    this.fittedLine(doc, m.schoolName, 14);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text(m.dateText, MARGIN, doc.y, { width: this.width, align: 'center' });
    doc.moveDown(0.8);
    // The headline in a tinted box: the one sentence to remember.
    doc.font('bold').fontSize(11.5);
    const h = doc.heightOfString(m.verdict.headline, { width: this.width - 20 });
    const y0 = doc.y;
    doc.rect(MARGIN, y0, this.width, h + 16).fill(VERDICT_FILL);
    doc.fillColor(INK).text(m.verdict.headline, MARGIN + 10, y0 + 8, { width: this.width - 20 });
    doc.y = y0 + h + 16;
    const v = m.verdict;
    this.heading(doc, '一、进退步');
    this.paragraphs(doc, v.movement);
    this.heading(doc, '二、现状');
    this.paragraphs(doc, v.standing);
    this.heading(doc, '三、最重要的发现');
    this.paragraphs(doc, v.findings.length ? v.findings : ['没有超出偶然波动的短板或长项。'], { bullet: '1.' });
    this.heading(doc, '四、可以抓的措施（按能带来的提高排序）');
    this.paragraphs(doc, v.levers.length ? v.levers : ['本次没有明显的临界生群体或短板知识点。'], { bullet: '1.' });
    this.measures(doc, m);
    doc.moveDown(0.5);
    this.paragraphs(
      doc,
      [
        '“按本校水平预期”指本校按自身整体成绩应有的得分率，不是联盟平均；“把握”说明结论受偶然因素影响的程度。各项计算方法见书末“方法说明”。',
      ],
      { size: 8, color: MUTED },
    );
  }

  /** The subject group's suggestions under each lever (补短板措施), when the library has some. */
  private measures(doc: Doc, m: SchoolReportModel) {
    if (!m.measures.measures.length) return;
    this.heading(doc, '五、学科组建议的做法（来自联盟补短板建议库）');
    for (const x of m.measures.measures) {
      this.ensureSpace(doc, 40);
      doc.font('bold').fontSize(9.5).fillColor(INK).text(x.about, MARGIN, doc.y, { width: this.width });
      this.paragraphs(
        doc,
        x.suggestions.map((s) => s.text),
        { size: 9, bullet: '·' },
      );
    }
  }

  private section(doc: Doc, s: ReportSection, part: number, last: boolean) {
    const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];
    let k = 0;
    const title = (t: string) => `${numerals[k++] ?? k}、${t}`;
    if (doc.y + PART_NEEDS > this.bottom(doc)) doc.addPage();
    else doc.moveDown(1.5);
    doc.fillColor(INK);
    this.fittedLine(doc, `第${numerals[part - 1] ?? part}部分　${s.heading}`, 15);
    this.paragraphs(doc, s.intro, { size: 9, color: MUTED });

    this.heading(doc, title('诊断发现'));
    this.paragraphs(doc, s.findings, { bullet: '1.' });

    this.heading(doc, title('核心指标（本校与联盟）'));
    this.transposedTable(doc, s.mainTable, 8.5);

    const w = this.width;
    const bars = s.charts.filter((c) => c.kind === 'bars');
    if (bars.length || s.chartNote) {
      this.heading(doc, title(s.isTotal ? '各科得分率' : '各题得分率'), bars.length ? 230 : 60);
      if (bars[0]) this.chart(doc, bars[0]);
      else this.paragraphs(doc, [s.chartNote ?? '']);
    }
    if (s.knowledgeTable) {
      this.heading(doc, title('知识点：本校、按本校水平的预期与联盟'));
      this.table(doc, s.knowledgeTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], 8.5);
      if (bars[1]) {
        doc.moveDown(0.6);
        this.chart(doc, bars[1], 140);
      }
    }
    if (s.levelTable) {
      this.heading(doc, title('认知层次'));
      this.table(doc, s.levelTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], 8.5);
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
    if (s.borderline.length || s.bandTable) {
      this.heading(doc, title('临界生与分数段'));
      this.paragraphs(doc, s.borderline, { bullet: '·' });
      const hist = s.charts.find((c) => c.kind === 'histogram');
      if (hist) this.chart(doc, hist, 150);
      if (s.bandTable) this.foldedTable(doc, s.bandTable, [0.14, 0.09, 0.09, 0.18], 8);
    }
    if (s.classTable) {
      this.heading(doc, title('班级对比（仅本校可见）'));
      this.paragraphs(doc, s.classNotes, { bullet: '·' });
      this.table(
        doc,
        s.classTable,
        [w * 0.16, w * 0.08, w * 0.11, w * 0.12, w * 0.11, w * 0.11, w * 0.11, w * 0.2],
        8.5,
      );
      if (s.classKnowledgeTable) {
        doc.moveDown(0.5);
        const cols = s.classKnowledgeTable.header.length;
        const first = w * 0.3;
        this.table(doc, s.classKnowledgeTable, [first, ...Array(cols - 1).fill((w - first) / (cols - 1))], 8.5);
      }
    }
    this.heading(doc, title('横向比较'));
    this.table(doc, s.peerTable, [w * 0.25, w * 0.11, w * 0.12, w * 0.13, w * 0.13, w * 0.13, w * 0.13], 8.5);
    doc.moveDown(0.3);
    this.paragraphs(doc, s.peerNotes, { size: 7.5, color: MUTED });

    const va = s.valueAdded;
    if (va) {
      this.heading(doc, title('进退步（增值评价）'));
      this.paragraphs(doc, va.intro, { size: 9.5 });
      if (va.warnings.length) this.paragraphs(doc, va.warnings, { size: 9.5, bullet: '·' });
      for (const c of drawnVaCharts(s.charts))
        this.chart(doc, c, c.kind === 'forest' ? forestHeight(c.rows.length) : TREND_HEIGHT);
      if (va.table) {
        doc.moveDown(0.4);
        this.foldedTable(doc, va.table, [0.27, 0.23], 9);
      }
      if (va.trendTable) {
        doc.moveDown(0.4);
        this.paragraphs(doc, ['本校历次增值（各次相对联盟平均，0为联盟平均）：'], { size: 9 });
        this.table(doc, va.trendTable, [w * 0.4, w * 0.16, w * 0.22, w * 0.22], 8.5);
      }
      if (va.peerTable && last && va.peerTable.rows.length <= FOREST_LABELLED_ROWS + 1) {
        doc.moveDown(0.6);
        this.table(doc, va.peerTable, [w * 0.16, w * 0.12, w * 0.14, w * 0.26, w * 0.17, w * 0.15], 8.5);
      }
      if (va.notes.length) {
        doc.moveDown(0.3);
        this.paragraphs(doc, ['增值的计算方法、收缩和各项参数见书末“方法说明”。'], { size: 7.5, color: MUTED });
      }
    }
    if (s.loop) {
      this.heading(doc, title('回看上次的短板'));
      this.paragraphs(doc, s.loop.lines);
      if (s.loop.table) this.table(doc, s.loop.table, [w * 0.28, w * 0.18, w * 0.18, w * 0.16, w * 0.2], 8.5);
    }
  }

  private appendix(doc: Doc, m: SchoolReportModel) {
    this.heading(doc, '方法说明', 140);
    for (const part of m.appendix) {
      this.ensureSpace(doc, 50);
      doc.font('bold').fontSize(9).fillColor(INK).text(part.heading, MARGIN, doc.y, { width: this.width });
      doc.moveDown(0.15);
      this.paragraphs(doc, part.lines, { size: 8, bullet: '·', gap: 0.05 });
      doc.moveDown(0.2);
    }
  }

  /** A chart of the report (ECharts, as vectors: charts.ts), the full width, below what came before. */
  private chart(doc: Doc, c: ReportChart, height = CHART_HEIGHT) {
    this.ensureSpace(doc, height + 8);
    drawChart(doc, c, { x: MARGIN, y: doc.y, width: this.width, height });
    doc.x = MARGIN;
    doc.y += height + 8;
  }

  /** `need`: the heading and the first rows of what follows, so a heading never ends a page alone. */
  private heading(doc: Doc, text: string, need = 110) {
    doc.moveDown(0.8);
    this.ensureSpace(doc, need);
    doc.font('bold').fontSize(12).fillColor(INK).text(text, MARGIN, doc.y, { width: this.width });
    doc.moveDown(0.3);
  }

  /**
   * A long, narrow table folded into two halves side by side (the first half of the rows on the left, the rest on
   * the right), so it takes half the height. `fractions`: one half's column widths as shares of the page width.
   */
  private foldedTable(doc: Doc, t: ReportTable, fractions: number[], fontSize = 9.5) {
    const half = Math.ceil(t.rows.length / 2);
    const blank = t.header.map(() => '');
    const rows = t.rows.slice(0, half).map((r, i) => [...r, ...(t.rows[half + i] ?? blank)]);
    const widths = [...fractions, ...fractions].map((f) => f * this.width);
    this.table(doc, { header: [...t.header, ...t.header], rows }, widths, fontSize, [0, t.header.length]);
  }

  /** A table of a few rows and many figures turned on its side: its rows become columns (e.g. 本校 and 联盟). */
  private transposedTable(doc: Doc, t: ReportTable, fontSize = 9.5) {
    const header = t.rows.map((r) => r[0]);
    const rows = t.header.slice(1).map((h, c) => [h, ...t.rows.map((r) => r[c + 1])]);
    const first = this.width * 0.1;
    const rest = (this.width - first) / header.length;
    this.table(doc, { header: [t.header[0], ...header], rows }, [first, ...header.map(() => rest)], fontSize);
  }

  private table(doc: Doc, t: ReportTable, widths: number[], fontSize = 9.5, leftColumns: number[] = [0]) {
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
          align: leftColumns.includes(i) ? 'left' : 'right',
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

  private footers(doc: Doc, m: SchoolReportModel) {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would make pdfkit start a new page: lift the margin for the footer.
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - MARGIN + 10;
      doc
        .font('regular')
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(
          `${m.examName}　·　${m.schoolName}　·　${m.dateText}　·　第 ${i + 1} 页 / 共 ${range.count} 页　·　不含学生个人成绩与排名`,
          MARGIN,
          y,
          {
            width: this.width,
            align: 'center',
            lineBreak: false,
          },
        );
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
