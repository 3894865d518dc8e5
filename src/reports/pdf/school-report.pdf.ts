// Lays out a SchoolReportModel as an A4 PDF with pdfkit. Noto Sans SC is embedded and subsetted
// (pdfkit embeds only the glyphs used), so the file stays small and opens on any machine.
import { Injectable } from '@nestjs/common';
import { drawnVaCharts } from '../domain/chart-spec.js';
import { FOREST_LABELLED_ROWS } from './chart-options.js';
import { INK, MUTED, PdfLayout, portraitReport, typicalErrorTables, VERDICT_FILL } from './layout.js';
import type { ReportSection, SchoolReportModel } from '../domain/school-report.js';
import { columnChunks } from '../domain/diagnosis-tables.js';

const MARGIN = 50;
const CHART_HEIGHT = 145;
/** The report's tables: 8.5 pt in rows of 14.5 pt, so that a report stays within 12 pages. */
const TABLE = { fontSize: 8.5, rowPad: 6 };
/** The knowledge points' bars and the score histogram. */
const SMALL_CHART_HEIGHT = 120;
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
    const { doc, done, l } = portraitReport({ Title: model.documentTitle, Subject: '学校质量诊断报告' }, 110);

    this.verdictPage(l, model);
    // The value-added table of every school (ΔT, VA, interval, shrunken, 提升系数) is printed once, in the last part
    // (总分, or the only subject): each subject's forest plot already shows the other schools' estimates.
    // A value-added explanation that an earlier part printed word for word is not printed again.
    const said = new Set<string>();
    model.sections.forEach((s, i) => this.section(l, s, i + 1, i === model.sections.length - 1, said));
    this.appendix(l, model);
    this.footers(l, model);
    doc.end();
    return done;
  }

  private verdictPage(l: PdfLayout, m: SchoolReportModel) {
    const { doc } = l;
    doc.fillColor(INK);
    doc.y = MARGIN;
    l.fittedLine(`${m.examName} 学校质量诊断报告`, 17);
    l.fittedLine(m.schoolName, 14);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text(m.dateText, MARGIN, doc.y, { width: l.width, align: 'center' });
    doc.moveDown(0.8);
    // The headline in a tinted box: the one sentence to remember.
    doc.font('bold').fontSize(11.5);
    const h = doc.heightOfString(m.verdict.headline, { width: l.width - 20 });
    const y0 = doc.y;
    doc.rect(MARGIN, y0, l.width, h + 16).fill(VERDICT_FILL);
    doc.fillColor(INK).text(m.verdict.headline, MARGIN + 10, y0 + 8, { width: l.width - 20 });
    doc.y = y0 + h + 16;
    const v = m.verdict;
    l.heading('一、进退步');
    l.paragraphs(v.movement);
    l.heading('二、现状');
    l.paragraphs(v.standing);
    l.heading('三、最重要的发现');
    l.paragraphs(v.findings.length ? v.findings : ['没有超出偶然波动的短板或长项。'], { bullet: '1.' });
    l.heading('四、可以抓的措施（按能带来的提高排序）');
    l.paragraphs(v.levers.length ? v.levers : ['本次没有明显的临界生群体或短板知识点。'], { bullet: '1.' });
    this.measures(l, m);
    doc.moveDown(0.5);
    l.paragraphs(
      [
        '“按本校水平预期”指本校按自身整体成绩应有的得分率，不是联盟平均；“把握”说明结论受偶然因素影响的程度。各项计算方法见书末“方法说明”。',
      ],
      { size: 8, color: MUTED },
    );
  }

  /** The subject group's suggestions under each lever (补短板措施), when the library has some. */
  private measures(l: PdfLayout, m: SchoolReportModel) {
    const { doc } = l;
    if (!m.measures.measures.length) return;
    l.heading('五、学科组建议的做法（来自联盟补短板建议库）');
    for (const x of m.measures.measures) {
      l.ensureSpace(40);
      doc.font('bold').fontSize(9.5).fillColor(INK).text(x.about, MARGIN, doc.y, { width: l.width });
      l.paragraphs(
        x.suggestions.map((s) => s.text),
        { size: 9, bullet: '·' },
      );
    }
  }

  private section(l: PdfLayout, s: ReportSection, part: number, last: boolean, said: Set<string>) {
    const { doc } = l;
    const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];
    let k = 0;
    const title = (t: string) => `${numerals[k++] ?? k}、${t}`;
    if (doc.y + PART_NEEDS > l.bottom) doc.addPage();
    else doc.moveDown(1.5);
    doc.fillColor(INK);
    l.fittedLine(`第${numerals[part - 1] ?? part}部分　${s.heading}`, 15);
    l.paragraphs(s.intro, { size: 9, color: MUTED });

    l.heading(title('诊断发现'));
    l.paragraphs(s.findings, { bullet: '1.' });

    l.heading(title('核心指标（本校与联盟）'));
    l.transposedTable(s.mainTable, TABLE);

    const w = l.width;
    const bars = s.charts.filter((c) => c.kind === 'bars');
    if (bars.length || s.chartNote) {
      l.heading(title(s.isTotal ? '各科得分率' : '各题得分率'), bars.length ? CHART_HEIGHT + 40 : 60);
      if (bars[0]) l.chart(bars[0], CHART_HEIGHT);
      else l.paragraphs([s.chartNote ?? '']);
    }
    if (s.knowledgeTable) {
      l.heading(title('知识点：本校、按本校水平的预期与联盟'));
      l.table(s.knowledgeTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], TABLE);
      if (bars[1]) {
        doc.moveDown(0.6);
        l.chart(bars[1], SMALL_CHART_HEIGHT);
      }
    }
    if (s.levelTable) {
      l.heading(title('认知层次'));
      l.table(s.levelTable, [w * 0.34, w * 0.08, w * 0.1, w * 0.11, w * 0.1, w * 0.11, w * 0.16], TABLE);
    }
    if (s.errors.choice || s.errors.subjective) {
      l.heading(title('典型错误'));
      typicalErrorTables(l, s.errors, TABLE);
    }
    if (s.borderline.length || s.bandTable) {
      l.heading(title('临界生与分数段'));
      l.paragraphs(s.borderline, { bullet: '·' });
      const hist = s.charts.find((c) => c.kind === 'histogram');
      // The histogram beside its table of bands: the same figures read two ways, in the height of one.
      const bandWidths = [0.2, 0.09, 0.09, 0.12].map((f) => f * w);
      if (hist && s.bandTable)
        l.chartBesideTable(
          hist,
          s.bandTable,
          bandWidths,
          { ...TABLE, fontSize: 8, shrinkToFit: true },
          SMALL_CHART_HEIGHT,
        );
      else if (hist) l.chart(hist, SMALL_CHART_HEIGHT);
      else if (s.bandTable)
        l.foldedTable(s.bandTable, [0.2, 0.09, 0.09, 0.12], { ...TABLE, fontSize: 8, shrinkToFit: true });
    }
    if (s.classTable) {
      l.heading(title('班级对比（仅本校可见）'));
      l.paragraphs(s.classNotes, { bullet: '·' });
      l.table(s.classTable, [w * 0.16, w * 0.08, w * 0.11, w * 0.12, w * 0.11, w * 0.11, w * 0.11, w * 0.2], TABLE);
      // A school of many classes: the classes in several tables of at most 5 (a name like 七年级(10)班 on one line),
      // each with 知识点 and 全校.
      for (const part of s.classKnowledgeTable ? columnChunks(s.classKnowledgeTable, 2, 5) : []) {
        doc.moveDown(0.5);
        const cols = part.header.length;
        const first = w * 0.2;
        l.table(part, [first, ...Array(cols - 1).fill((w - first) / (cols - 1))], TABLE);
      }
    }
    l.heading(title('横向比较'));
    l.table(s.peerTable, [w * 0.25, w * 0.11, w * 0.12, w * 0.13, w * 0.13, w * 0.13, w * 0.13], TABLE);
    doc.moveDown(0.3);
    l.paragraphs(s.peerNotes, { size: 7.5, color: MUTED });

    const va = s.valueAdded;
    if (va) {
      l.heading(title('进退步（增值评价）'));
      const fresh = (lines: string[]) => lines.filter((x) => !said.has(x));
      l.paragraphs(fresh(va.intro), { size: 9.5 });
      const warnings = fresh(va.warnings);
      if (warnings.length) l.paragraphs(warnings, { size: 9.5, bullet: '·' });
      for (const x of [...va.intro, ...va.warnings]) said.add(x);
      // A trend of two exams says no more than the table's 上次T指数→本次T指数: drawn from three exams on.
      const vaCharts = drawnVaCharts(s.charts);
      const forest = vaCharts.find((c) => c.kind === 'forest');
      // A forest plot of labelled rows beside the school's value-added table (half the width each); otherwise the
      // chart across the page and the table folded below it.
      const forestRows = forest && forest.kind === 'forest' ? forest.rows.length : Infinity;
      const beside = va.table && forestRows <= FOREST_LABELLED_ROWS;
      for (const c of vaCharts) {
        if (c === forest && beside)
          l.chartBesideTable(
            c,
            va.table!,
            [0.27, 0.23].map((f) => f * w),
            TABLE,
            0,
          );
        else l.chart(c, c.kind === 'forest' ? forestHeight(c.rows.length) : TREND_HEIGHT);
      }
      if (va.table && !beside) {
        doc.moveDown(0.4);
        l.foldedTable(va.table, [0.27, 0.23], { ...TABLE, fontSize: 9 });
      }
      if (va.trendTable) {
        doc.moveDown(0.4);
        l.paragraphs(['本校历次增值（各次相对联盟平均，0为联盟平均）：'], { size: 9 });
        l.table(va.trendTable, [w * 0.4, w * 0.16, w * 0.22, w * 0.22], { ...TABLE, leftColumns: [0, 3] });
      }
      if (va.peerTable && last && va.peerTable.rows.length <= FOREST_LABELLED_ROWS + 1) {
        doc.moveDown(0.6);
        l.table(va.peerTable, [w * 0.16, w * 0.12, w * 0.14, w * 0.26, w * 0.17, w * 0.15], TABLE);
      }
      if (va.notes.length) {
        doc.moveDown(0.3);
        l.paragraphs(['增值的计算方法、收缩和各项参数见书末“方法说明”。'], { size: 7.5, color: MUTED });
      }
    }
    if (s.loop) {
      l.heading(title('回看上次的短板'));
      l.paragraphs(s.loop.lines);
      if (s.loop.table) l.table(s.loop.table, [w * 0.28, w * 0.18, w * 0.18, w * 0.16, w * 0.2], TABLE);
    }
  }

  private appendix(l: PdfLayout, m: SchoolReportModel) {
    const { doc } = l;
    l.heading('方法说明', 140);
    for (const part of m.appendix) {
      l.ensureSpace(50);
      doc.font('bold').fontSize(9).fillColor(INK).text(part.heading, MARGIN, doc.y, { width: l.width });
      doc.moveDown(0.15);
      l.paragraphs(part.lines, { size: 7.5, bullet: '·', gap: 0 });
      doc.moveDown(0.2);
    }
  }

  private footers(l: PdfLayout, m: SchoolReportModel) {
    l.footers(
      (page, pages) =>
        `${m.examName}　·　${m.schoolName}　·　${m.dateText}　·　第 ${page} 页 / 共 ${pages} 页　·　不含学生个人成绩与排名`,
    );
  }
}
