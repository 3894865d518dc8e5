// The county comparison (区县联盟对比, 量化考核 of its alliances) as a landscape A4 PDF for the bureau: per grade and
// subject the alliances side by side (the columns and cells of results/domain/county-comparison.ts, as the page shows
// them), the reading note, and the trend of balance and of the urban–rural gap over each alliance's released exams.
import { Injectable } from '@nestjs/common';
import {
  COUNTY_COLUMNS,
  COUNTY_NOTE,
  countyCell,
  type ComparisonGroup,
  type CountyComparison,
} from '../../results/domain/county-figures.js';
import { countyTrendCharts, countyTrendLines } from '../domain/county-trend.js';
import { MUTED, PdfLayout } from './layout.js';
import { reportDocument } from './report-document.js';

const MARGIN = 40;
const OUTDATED = '#b45309';

export const COUNTY_TABLE_HEADER = ['联盟', '考试', ...COUNTY_COLUMNS.map((c) => c.label)];

export interface CountyComparisonModel extends CountyComparison {
  county: { name: string };
}

export const countyReportTitle = (countyName: string) => `${countyName}各联盟对比（量化考核）`;

@Injectable()
export class CountyComparisonPdf {
  async render(model: CountyComparisonModel, dateText: string): Promise<Buffer> {
    const title = countyReportTitle(model.county.name);
    const { doc, done } = reportDocument({
      size: 'A4',
      layout: 'landscape',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: title, Author: 'tongkao 统考', Subject: '区县联盟对比' },
    });
    const l = new PdfLayout(doc, { margin: MARGIN, footerBand: 16, footerOffset: 4, headingNeed: 60, headingGap: 0.6 });
    l.fittedLine(title, 17);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text('供教育局教研员、督导阅读：各联盟最近一次已发布考试按年级和学科并列比较，仅限工作使用。', MARGIN, doc.y, {
        width: l.width,
        align: 'center',
      });
    doc.moveDown(0.4);
    if (!model.groups.length) l.paragraphs(['各联盟尚无已发布的考试成绩。']);
    model.groups.forEach((g, i) => this.group(l, g, i + 1));
    if (model.withoutResults.length)
      l.paragraphs([`尚无已发布成绩的联盟：${model.withoutResults.map((a) => a.name).join('、')}`], { color: MUTED });
    l.footers((page, pages) => `${title}　·　${dateText}　·　第 ${page} 页 / 共 ${pages} 页　·　仅限教育局工作使用`);
    doc.end();
    return done;
  }

  private group(l: PdfLayout, g: ComparisonGroup, part: number) {
    const charts = countyTrendCharts(g);
    // A group with its trend takes a page; groups without one follow each other.
    if (part > 1 && charts.length) l.doc.addPage();
    l.heading(`${part}. ${g.grade}${g.subject}`, 120, 14);
    if (g.alliances.some((r) => r.outdated))
      l.paragraphs(['已过时：部分考试在成绩发布后分数有变动，下列数字可能与最新成绩不一致，待联盟管理员重新发布。'], {
        color: OUTDATED,
      });
    const fixed = [100, 170];
    const rest = (l.width - fixed[0] - fixed[1]) / COUNTY_COLUMNS.length;
    l.table(
      {
        header: COUNTY_TABLE_HEADER,
        rows: g.alliances.map((r) => [
          `${r.allianceName}${r.unreliable ? '（小样本）' : ''}`,
          r.examName,
          ...COUNTY_COLUMNS.map((c) => countyCell(r, c)),
        ]),
      },
      [...fixed, ...COUNTY_COLUMNS.map(() => rest)],
      { fontSize: 8.5, rowPad: 8, cellPad: 3, leftColumns: [0, 1], shrinkToFit: true },
    );
    l.doc.moveDown(0.3);
    l.paragraphs([COUNTY_NOTE], { color: MUTED });
    if (!charts.length) return;
    l.heading('纵看：各联盟历次已发布考试的变化', 200, 12);
    for (const c of charts) l.chart(c, 170);
    l.paragraphs(countyTrendLines(g), { bullet: '•', color: MUTED });
  }
}
