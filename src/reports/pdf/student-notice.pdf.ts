// The notices of a class as one PDF for printing: per student a portrait page with the 等级 (or scores) and the
// knowledge points, then the student's own sheet, two pages to a landscape page, with the points of each item drawn
// as vector text and boxes at the item's place. The reduced page JPEGs are embedded as they are (pdfkit passes JPEG
// data through without decoding it).
import { Injectable } from '@nestjs/common';
import { reportDocument } from './report-document.js';
import { formatPercent } from '../domain/format.js';
import { statusText, type KnowledgeNote, type StudentNotice } from '../domain/student-notice.js';

type Doc = PDFKit.PDFDocument;

export interface NoticePdfStudent {
  examNo: string;
  code: string | null;
  notice: StudentNotice;
  sheets: { subject: string; pageNo: number; width: number; height: number; jpeg: Buffer; marks: PlacedMarkLike[] }[];
}

interface PlacedMarkLike {
  box: { x: number; y: number; w: number; h: number };
  at: { x: number; y: number };
  text: string;
  verdict: string;
}

export interface NoticePdfModel {
  title: string;
  outdated: boolean;
  notices: NoticePdfStudent[];
}

const MARGIN = 48;
const INK = '#222222';
const MUTED = '#666666';
const RULE = '#c8ccd2';
const HEAD_FILL = '#eef1f5';
const RED = '#d0021b';
const A4 = { w: 595.28, h: 841.89 };

@Injectable()
export class StudentNoticePdf {
  async render(model: NoticePdfModel): Promise<Buffer> {
    const { doc, done } = reportDocument({
      size: 'A4',
      margin: MARGIN,
      autoFirstPage: false,
      info: { Title: model.title, Author: 'tongkao 统考', Subject: '学生成绩通知单' },
    });
    if (!model.notices.length) {
      doc.addPage();
      doc.font('regular').fontSize(12).fillColor(INK).text('该班级没有学生。');
    }
    for (const n of model.notices) {
      this.summary(doc, n, model.outdated);
      this.sheets(doc, n);
    }
    doc.end();
    return done;
  }

  private summary(doc: Doc, n: NoticePdfStudent, outdated: boolean) {
    doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
    const width = A4.w - 2 * MARGIN;
    const t = n.notice;
    doc.font('bold').fontSize(16).fillColor(INK).text(t.examName, MARGIN, MARGIN, { width, align: 'center' });
    doc.fontSize(13).text('学生成绩通知单', { width, align: 'center' });
    doc.moveDown(0.6);
    doc.font('regular').fontSize(10.5);
    const who = `学校：${t.student.schoolName}　　班级：${t.student.className}　　姓名：${t.student.name}　　考号：${n.examNo}`;
    doc.text(who, MARGIN, doc.y, { width });
    if (outdated) {
      doc.moveDown(0.3).fillColor(RED).text('注意：成绩发布后分数有更正，本通知单按更正后的成绩打印。', { width });
      doc.fillColor(INK);
    }
    doc.moveDown(0.8);

    // One row per subject: 等级 (score), strengths, weaknesses.
    const cols = t.showsScore ? [60, 70, 60, 154, 155] : [70, 90, 169, 170];
    const heads = t.showsScore ? ['科目', '等级', '得分', '强项', '需加强'] : ['科目', '等级', '强项', '需加强'];
    this.row(doc, heads, cols, { head: true });
    for (const s of t.subjects) {
      const band = s.band ? `${s.band.letter}（${s.band.name}）` : statusText(s.status);
      const cells = [s.subject, band];
      if (t.showsScore) cells.push(s.score === null ? '—' : `${s.score} / ${s.fullMarks}`);
      cells.push(notes(s.strengths), notes(s.weaknesses));
      this.row(doc, cells, cols);
    }
    doc.moveDown(0.8);
    doc.font('regular').fontSize(9).fillColor(MUTED);
    doc.text(`等级说明：${t.bandsText}。`, MARGIN, doc.y, { width });
    doc.moveDown(0.3).text(t.note, { width });
    if (n.sheets.length) doc.moveDown(0.3).text('后附本人答题卡原卷，红色标注为各题评阅结果。', { width });

    // The code box at the foot of the page: cut off and handed to the family.
    const y = A4.h - MARGIN - 92;
    doc.page.margins.bottom = 0; // the code box sits in the bottom margin's band: no automatic page break there
    doc
      .save()
      .dash(4, { space: 3 })
      .strokeColor(MUTED)
      .moveTo(MARGIN, y)
      .lineTo(A4.w - MARGIN, y)
      .stroke()
      .restore();
    doc
      .font('bold')
      .fontSize(11)
      .fillColor(INK)
      .text('家长/学生在线查询', MARGIN, y + 12, { width });
    doc.font('regular').fontSize(9.5).fillColor(INK);
    if (n.code) {
      doc
        .text(`查询码：`, MARGIN, y + 32, { continued: true })
        .font('bold')
        .fontSize(16)
        .text(n.code);
      doc
        .font('regular')
        .fontSize(9)
        .fillColor(MUTED)
        .text(
          '在学校告知的网址打开“成绩通知查询”页面（/notice），输入查询码即可查看本通知单。查询码仅限本人使用，请妥善保管；如遗失请联系班主任作废并重新生成。',
          MARGIN,
          doc.y + 2,
          { width },
        );
    } else {
      doc
        .fillColor(MUTED)
        .text('尚未生成查询码：请学校在“学生通知单”中生成查询码后重新打印。', MARGIN, y + 32, { width });
    }
    doc.fillColor(INK);
  }

  private row(doc: Doc, cells: string[], cols: number[], opts: { head?: boolean } = {}) {
    doc.font(opts.head ? 'bold' : 'regular').fontSize(9.5);
    const pad = 4;
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i] - 2 * pad }))) + 2 * pad;
    if (doc.y + h > A4.h - MARGIN - 110) doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
    const y = doc.y;
    let x = MARGIN;
    if (opts.head) doc.save().rect(MARGIN, y, sum(cols), h).fill(HEAD_FILL).restore();
    cells.forEach((c, i) => {
      doc.save().lineWidth(0.5).strokeColor(RULE).rect(x, y, cols[i], h).stroke().restore();
      doc.fillColor(INK).text(c, x + pad, y + pad, { width: cols[i] - 2 * pad });
      x += cols[i];
    });
    doc.x = MARGIN;
    doc.y = y + h;
  }

  /** The sheet pages, two to a landscape A4 page (an A3 sheet alone on one), each with its marks. */
  private sheets(doc: Doc, n: NoticePdfStudent) {
    const W = A4.h;
    const H = A4.w;
    const m = 24;
    const top = m + 16;
    let slot = 0;
    const widths = new Map<string, number>();
    for (const s of n.sheets) {
      const wide = s.width > s.height;
      if (slot === 0 || wide || slot === 2) {
        doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 }); // placed by hand: no automatic page break
        doc
          .font('regular')
          .fontSize(8.5)
          .fillColor(MUTED)
          .text(`${n.notice.student.name}（${n.examNo}）的答题卡`, m, m - 6, { width: W - 2 * m, lineBreak: false });
        slot = 0;
      }
      const boxW = wide ? W - 2 * m : (W - 3 * m) / 2;
      const boxH = H - top - m;
      const k = Math.min(boxW / s.width, boxH / s.height);
      const x0 = m + (wide ? 0 : slot * (boxW + m)) + (boxW - s.width * k) / 2;
      const y0 = top;
      doc.image(s.jpeg, x0, y0, { width: s.width * k, height: s.height * k });
      doc
        .save()
        .lineWidth(0.5)
        .strokeColor(RULE)
        .rect(x0, y0, s.width * k, s.height * k)
        .stroke()
        .restore();
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(MUTED)
        .text(`${s.subject} 第${s.pageNo}页`, x0, y0 + s.height * k + 2, { width: 200, lineBreak: false });
      // Marks in red, one font and line style for all (a few graphics-state changes per page, not per mark).
      doc.save().font('bold').fontSize(8).fillColor(RED).strokeColor(RED).lineWidth(0.6);
      for (const mk of s.marks) this.mark(doc, mk, x0, y0, k, widths);
      doc.restore();
      slot = wide ? 2 : slot + 1;
    }
    doc.fillColor(INK);
  }

  private mark(doc: Doc, mk: PlacedMarkLike, x0: number, y0: number, k: number, widths: Map<string, number>) {
    const size = 8;
    let w = widths.get(mk.text);
    if (w === undefined) widths.set(mk.text, (w = doc.font('bold').fontSize(size).widthOfString(mk.text)));
    const subjective = mk.at.x < mk.box.x + mk.box.w; // written inside the answer box's top right corner
    if (subjective) doc.rect(x0 + mk.box.x * k, y0 + mk.box.y * k, mk.box.w * k, mk.box.h * k).stroke();
    const x = subjective ? x0 + mk.at.x * k - w - 2 : x0 + mk.at.x * k;
    doc.text(mk.text, x, y0 + mk.at.y * k, { lineBreak: false });
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function notes(list: KnowledgeNote[]): string {
  if (!list.length) return '—';
  return list
    .map((k) => (k.ownRate === null ? k.knowledgePoint : `${k.knowledgePoint}（${formatPercent(k.ownRate)}）`))
    .join('、');
}
