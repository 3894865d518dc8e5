// Lays out an AllianceOverview (domain/alliance-overview.ts) as a landscape A4 PDF with pdfkit: per subject the school
// table (every school named), the value-added forest plot, the heat map, balance and its trend, the comparison group,
// pairing suggestions and test quality. Charts are ECharts vectors as in the school report (charts.ts).
import { Injectable } from '@nestjs/common';
import { reportDocument } from './report-document.js';
import type { AllianceOverview, OverviewRow, OverviewSubject } from '../domain/alliance-overview.js';
import { SCHOOL_KIND_LABEL, LOCALITY_LABEL } from '../domain/alliance-overview.js';
import { formatNumber, formatPercent } from '../domain/format.js';
import { INK, MUTED, PdfLayout } from './layout.js';

const MARGIN = 40;
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
    const l = new PdfLayout(doc, {
      margin: MARGIN,
      footerBand: 16,
      footerOffset: 12,
      headingNeed: 60,
      headingGap: 0.6,
    });

    doc.y = MARGIN;
    doc.font('bold').fontSize(17).fillColor(INK).text(model.title, MARGIN, doc.y, { width: l.width, align: 'center' });
    doc.moveDown(0.3);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text('供联盟管理员与教育局教研员、督导阅读：各校具名，仅限工作使用，不得公开。', { align: 'center' });
    doc.moveDown(0.6);
    l.heading('概要');
    l.paragraphs(model.summary, { size: 9.5, bullet: '•', indent: 0 });
    model.subjects.forEach((s, i) => this.subject(l, s, i + 1));
    this.footers(l, model, dateText);
    doc.end();
    return done;
  }

  private subject(l: PdfLayout, s: OverviewSubject, part: number) {
    const { doc } = l;
    if (part > 1) {
      doc.addPage();
      doc.y = MARGIN;
    }
    l.heading(`${part}. ${s.subject}（满分${formatNumber(s.fullMarks)}分）`, undefined, 15);
    l.heading('各校三率一分与增值');
    const w = l.width;
    const widths = [110, 44, 34, 62, 46, 46, 46, 46, 46, 46, 110];
    widths.push(w - widths.reduce((a, b) => a + b, 0));
    const color = (r: OverviewRow) => (r.verdict === 'above' ? ABOVE : r.verdict === 'below' ? BELOW : INK);
    const rows = [
      ...s.schools.map((r) => ({ cells: overviewCells(r), color: color(r) })),
      ...s.aggregates.map((r) => ({ cells: overviewCells(r), bold: true })),
    ];
    l.table({ header: OVERVIEW_TABLE_HEADER, rows: rows.map((r) => r.cells) }, widths, {
      fontSize: 8.5,
      rowPad: 8,
      cellPad: 3,
      leftColumns: [0, OVERVIEW_TABLE_HEADER.length - 1],
      rowStyles: rows,
    });
    doc.moveDown(0.3);
    if (s.vaNote) l.paragraphs([s.vaNote], { size: 9.5 });
    if (s.forest) {
      l.heading('增值森林图', 60 + 20 * s.forest.rows.length, 12);
      l.chart(s.forest, Math.min(420, 60 + 20 * s.forest.rows.length));
    }
    if (s.heatChart) {
      const h = Math.min(440, 90 + 20 * s.heatChart.rows.length);
      l.heading('学校 × 知识点热力图（与本校预期之差，已收缩；标“弱/强”者为很有把握的判断）', h + 30, 12);
      l.chart(s.heatChart, h);
      l.paragraphs(s.heatNotes, { size: 9.5 });
    }
    l.heading('校际均衡与城乡差距');
    l.paragraphs(s.balance.lines, { size: 9.5 });
    if (s.balance.chart) l.chart(s.balance.chart, 180);
    l.heading('联盟外对照校');
    l.paragraphs(s.comparisonLines, { size: 9.5 });
    if (!s.isTotal) {
      l.heading('结对建议（城带乡、强带弱）');
      l.paragraphs([s.pairingNote], { size: 9.5 });
      l.paragraphs(
        s.pairings.map((p) => p.text),
        { size: 9.5, bullet: '•', indent: 0 },
      );
    }
    if (s.quality) {
      l.heading('试题质量（学科组参考）');
      l.paragraphs(s.quality.lines, { size: 9.5, bullet: '•', indent: 0 });
    }
  }

  private footers(l: PdfLayout, m: AllianceOverview, dateText: string) {
    l.footers(
      (page, pages) =>
        `${m.title}　·　${dateText}　·　第 ${page} 页 / 共 ${pages} 页　·　各校具名，仅限联盟管理员与教育局工作使用`,
    );
  }
}
