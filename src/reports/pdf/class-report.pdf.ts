// Lays out a ClassReportModel as an A4 PDF with pdfkit, in the look of the school report (school-report.pdf.ts: the
// same fonts, headings, tables and ECharts vector charts).
import { Injectable } from '@nestjs/common';
import type { ReleaseMark } from '../../results/release-gate.js';
import type { ClassReportModel, ClassSection } from '../domain/class-report.js';
import { INK, MUTED, PdfLayout, portraitReport, typicalErrorTables, VERDICT_FILL } from './layout.js';

const MARGIN = 50;
const CHART_HEIGHT = 230;
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];

@Injectable()
export class ClassReportPdf {
  async render(model: ClassReportModel, release: ReleaseMark): Promise<Buffer> {
    const { doc, done, l } = portraitReport({ Title: model.documentTitle, Subject: '班级报告' }, 70);

    this.firstPage(l, model, release);
    model.sections.forEach((s, i) => this.section(l, s, i + 1));
    this.footers(l, model);
    doc.end();
    return done;
  }

  private firstPage(l: PdfLayout, m: ClassReportModel, release: ReleaseMark) {
    const { doc } = l;
    doc.fillColor(INK);
    doc.y = MARGIN;
    l.fittedLine(`${m.examName} 班级报告`, 17);
    l.fittedLine(`${m.schoolName}　${m.className}`, 14);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text(`${m.scopeText}　·　${m.dateText}`, MARGIN, doc.y, { width: l.width, align: 'center' });
    doc.moveDown(0.8);
    const box = [
      ...(release.outdated ? ['成绩发布后分数又有改动：本报告按当前分数生成，与发布时的数据可能不同。'] : []),
      ...m.notes,
    ];
    doc.font('regular').fontSize(9.5);
    const h = box.reduce((s, line) => s + doc.heightOfString(line, { width: l.width - 20 }) + 2, 0);
    const y0 = doc.y;
    doc.rect(MARGIN, y0, l.width, h + 14).fill(VERDICT_FILL);
    doc.fillColor(INK);
    doc.y = y0 + 7;
    for (const line of box) {
      doc.text(line, MARGIN + 10, doc.y, { width: l.width - 20 });
      doc.moveDown(0.1);
    }
    doc.y = y0 + h + 14;
    l.heading(m.showsScores ? '学生成绩（按考号排列，不排名次）' : '学生等级（按考号排列，不排名次）');
    const cols = m.studentTable.header.length;
    const first = l.width * 0.16;
    const second = l.width * 0.18;
    const rest = (l.width - first - second) / Math.max(1, cols - 2);
    l.table(m.studentTable, [first, second, ...Array(cols - 2).fill(rest)], { fontSize: cols > 8 ? 7.5 : 8.5 });
  }

  private section(l: PdfLayout, s: ClassSection, part: number) {
    const { doc } = l;
    let k = 0;
    const title = (t: string) => `${NUMERALS[k++] ?? k}、${t}`;
    const w = l.width;
    doc.addPage();
    doc.fillColor(INK);
    l.fittedLine(`第${NUMERALS[part - 1] ?? part}部分　${s.heading}`, 15);
    l.paragraphs(s.intro, { size: 9, color: MUTED });
    l.heading(title('核心指标（本班、本校与联盟）'));
    l.table(s.mainTable, [w * 0.31, w * 0.23, w * 0.23, w * 0.23], { fontSize: 9 });
    if (s.findings.length) {
      l.heading(title('诊断发现'));
      l.paragraphs(s.findings, { bullet: '1.' });
    }
    const bars = s.charts.filter((c) => c.kind === 'bars');
    if (bars[0]) {
      l.heading(title('各题得分率'), 250);
      l.chart(bars[0], CHART_HEIGHT);
    }
    if (s.knowledgeTable) {
      l.heading(title('知识点：本班、按本班水平的预期与联盟'));
      l.table(s.knowledgeTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], {
        fontSize: 8.5,
      });
    }
    if (s.errors.choice || s.errors.subjective) {
      l.heading(title('典型错误'));
      typicalErrorTables(l, s.errors);
    }
    l.heading(title('临界生'));
    l.paragraphs(s.borderline, { bullet: '·' });
    if (s.movement) {
      l.heading(title('进退步'));
      l.paragraphs(s.movement.lines);
      if (s.movement.table) l.table(s.movement.table, [w * 0.31, w * 0.23, w * 0.23, w * 0.23], { fontSize: 8.5 });
    }
    if (s.mistakes) {
      l.heading(title('错题（每名学生失分最多的题）'));
      l.table(s.mistakes, [w * 0.14, w * 0.5, w * 0.36], { fontSize: 8 });
    }
  }

  private footers(l: PdfLayout, m: ClassReportModel) {
    l.footers(
      (page, pages) =>
        `${m.examName}　·　${m.schoolName}${m.className}　·　${m.dateText}　·　第 ${page} 页 / 共 ${pages} 页　·　仅供本班教师使用，不排名次`,
    );
  }
}
