// Lays out an AllianceOverview (domain/alliance-overview.ts) as a landscape A4 PDF with pdfkit: per subject the school
// table (every school named), the value-added forest plot, the heat map, balance and its trend, the comparison group,
// pairing suggestions and test quality. Charts are ECharts vectors as in the school report (charts.ts).
import { Injectable } from '@nestjs/common';
import { reportDocument } from './report-document.js';
import type { AllianceOverview, OverviewRow, OverviewSubject } from '../domain/alliance-overview.js';
import { SCHOOL_KIND_LABEL, LOCALITY_LABEL } from '../domain/alliance-overview.js';
import type { ReportChart } from '../domain/chart-spec.js';
import { formatNumber, formatPercent } from '../domain/format.js';
import { drawChart } from './charts.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
const INK = '#222222';
const MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';
const ABOVE = '#2f6db5';
const BELOW = '#c0392b';

export const OVERVIEW_TABLE_HEADER = [
  '学校',
  '类型',
  '城乡',
  '参考人数',
  '平均分',
  '得分率',
  '优秀率',
  '及格率',
  '低分率',
  '比均率',
  '增值（95%区间）',
  '增值评价',
];

/** One row of the school table as printed. */
export function overviewCells(r: OverviewRow): string[] {
  const kind = r.kind === 'aggregate' ? '' : SCHOOL_KIND_LABEL[r.kind];
  const small = r.suppressed ? '（≤5人）' : r.unreliable ? '（小样本）' : '';
  return [
    r.name,
    kind,
    r.locality ? LOCALITY_LABEL[r.locality] : '',
    `${r.n}${small}`,
    formatNumber(r.mean),
    formatPercent(r.scoreRate),
    formatPercent(r.excellentRate),
    formatPercent(r.passRate),
    formatPercent(r.lowRate),
    formatNumber(r.ratioToMean, 1),
    r.va === null ? '—' : `${formatNumber(r.va, 1)}（${formatNumber(r.vaLow, 1)}～${formatNumber(r.vaHigh, 1)}）`,
    r.statement ?? '—',
  ];
}

@Injectable()
export class AllianceOverviewPdf {
  async render(model: AllianceOverview, dateText: string): Promise<Buffer> {
    const { doc, done } = reportDocument({
      size: 'A4',
      layout: 'landscape',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: model.title, Author: 'tongkao 统考', Subject: '联盟质量分析总览' },
    });

    doc.y = MARGIN;
    doc
      .font('bold')
      .fontSize(17)
      .fillColor(INK)
      .text(model.title, MARGIN, doc.y, { width: this.width(doc), align: 'center' });
    doc.moveDown(0.3);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text('供联盟管理员与教育局教研员、督导阅读：各校具名，仅限工作使用，不得公开。', { align: 'center' });
    doc.moveDown(0.6);
    this.heading(doc, '概要');
    this.paragraphs(doc, model.summary, '•');
    model.subjects.forEach((s, i) => this.subject(doc, s, i + 1));
    this.footers(doc, model, dateText);
    doc.end();
    return done;
  }

  private width(doc: Doc) {
    return doc.page.width - 2 * MARGIN;
  }

  private bottom(doc: Doc) {
    return doc.page.height - MARGIN - 16;
  }

  private ensureSpace(doc: Doc, height: number) {
    if (doc.y + height > this.bottom(doc)) doc.addPage();
  }

  private heading(doc: Doc, text: string, size = 12, need = 60) {
    doc.moveDown(0.6);
    this.ensureSpace(doc, need);
    doc
      .font('bold')
      .fontSize(size)
      .fillColor(INK)
      .text(text, MARGIN, doc.y, { width: this.width(doc) });
    doc.moveDown(0.3);
  }

  private paragraphs(doc: Doc, lines: string[], bullet?: string) {
    doc.font('regular').fontSize(9.5).fillColor(INK);
    for (const line of lines) {
      const text = bullet ? `${bullet} ${line}` : line;
      this.ensureSpace(doc, doc.heightOfString(text, { width: this.width(doc) }) + 3);
      doc.text(text, MARGIN, doc.y, { width: this.width(doc) });
      doc.moveDown(0.2);
    }
  }

  private chart(doc: Doc, c: ReportChart, height: number) {
    this.ensureSpace(doc, height + 8);
    drawChart(doc, c, { x: MARGIN, y: doc.y, width: this.width(doc), height });
    doc.x = MARGIN;
    doc.y += height + 8;
  }

  private table(
    doc: Doc,
    header: string[],
    rows: { cells: string[]; bold?: boolean; color?: string }[],
    widths: number[],
  ) {
    const fontSize = 8.5;
    const rowH = fontSize + 8;
    const drawRow = (cells: string[], head: boolean, bold = false, color = INK) => {
      if (doc.y + rowH > this.bottom(doc)) {
        doc.addPage();
        if (!head) drawRow(header, true);
      }
      const y = doc.y;
      if (head) doc.rect(MARGIN, y, this.width(doc), rowH).fill(HEAD_FILL);
      let x = MARGIN;
      cells.forEach((c, i) => {
        doc
          .font(head || bold ? 'bold' : 'regular')
          .fontSize(fontSize)
          .fillColor(i === cells.length - 1 && !head ? color : INK)
          .text(c, x + 3, y + (rowH - fontSize) / 2 - 1, {
            width: widths[i] - 6,
            align: i === 0 || i === cells.length - 1 ? 'left' : 'right',
            lineBreak: false,
            ellipsis: true,
          });
        x += widths[i];
      });
      doc
        .moveTo(MARGIN, y + rowH)
        .lineTo(MARGIN + this.width(doc), y + rowH)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      doc.x = MARGIN;
      doc.y = y + rowH;
    };
    this.ensureSpace(doc, rowH * Math.min(rows.length + 1, 4));
    drawRow(header, true);
    for (const r of rows) drawRow(r.cells, false, r.bold, r.color);
    doc.fillColor(INK);
  }

  private subject(doc: Doc, s: OverviewSubject, part: number) {
    if (part > 1) {
      doc.addPage();
      doc.y = MARGIN;
    }
    this.heading(doc, `${part}. ${s.subject}（满分${formatNumber(s.fullMarks)}分）`, 15);
    this.heading(doc, '各校三率一分与增值', 12);
    const w = this.width(doc);
    const widths = [110, 44, 34, 62, 46, 46, 46, 46, 46, 46, 110];
    widths.push(w - widths.reduce((a, b) => a + b, 0));
    const color = (r: OverviewRow) => (r.verdict === 'above' ? ABOVE : r.verdict === 'below' ? BELOW : INK);
    this.table(
      doc,
      OVERVIEW_TABLE_HEADER,
      [
        ...s.schools.map((r) => ({ cells: overviewCells(r), color: color(r) })),
        ...s.aggregates.map((r) => ({ cells: overviewCells(r), bold: true })),
      ],
      widths,
    );
    doc.moveDown(0.3);
    if (s.vaNote) this.paragraphs(doc, [s.vaNote]);
    if (s.forest) {
      this.heading(doc, '增值森林图', 12, 60 + 20 * s.forest.rows.length);
      this.chart(doc, s.forest, Math.min(420, 60 + 20 * s.forest.rows.length));
    }
    if (s.heatChart) {
      const h = Math.min(440, 90 + 20 * s.heatChart.rows.length);
      this.heading(doc, '学校 × 知识点热力图（与本校预期之差，已收缩；标“弱/强”者为很有把握的判断）', 12, h + 30);
      this.chart(doc, s.heatChart, h);
      this.paragraphs(doc, s.heatNotes);
    }
    this.heading(doc, '校际均衡与城乡差距', 12);
    this.paragraphs(doc, s.balance.lines);
    if (s.balance.chart) this.chart(doc, s.balance.chart, 180);
    this.heading(doc, '联盟外对照校', 12);
    this.paragraphs(doc, s.comparisonLines);
    if (!s.isTotal) {
      this.heading(doc, '结对建议（城带乡、强带弱）', 12);
      this.paragraphs(doc, [s.pairingNote]);
      this.paragraphs(
        doc,
        s.pairings.map((p) => p.text),
        '•',
      );
    }
    if (s.quality) {
      this.heading(doc, '试题质量（学科组参考）', 12);
      this.paragraphs(doc, s.quality.lines, '•');
    }
  }

  private footers(doc: Doc, m: AllianceOverview, dateText: string) {
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
          `${m.title}　·　${dateText}　·　第 ${i + 1} 页 / 共 ${range.count} 页　·　各校具名，仅限联盟管理员与教育局工作使用`,
          MARGIN,
          doc.page.height - MARGIN + 12,
          { width: this.width(doc), align: 'center', lineBreak: false },
        );
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
