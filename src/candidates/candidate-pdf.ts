// 座位表, 门贴 and 准考证 as PDF (pdfkit, Noto Sans SC embedded and subsetted, as the answer sheets). Plain view models
// in, bytes out: what to print is decided by the service.
import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import { cjkFonts } from '../common/cjk-fonts.js';
import { type Doc, FRAME, INK, LIGHT_FRAME, text, TEXT } from '../sheets/sheet-pdf-draw.js';
import { code128Widths, qrMatrix } from './code-symbols.js';

export interface SeatView {
  seat: number;
  name: string;
  examNumber: string;
  schoolName: string;
  className: string;
}

export interface RoomView {
  examName: string;
  roomName: string;
  venue: string;
  capacity: number;
  columns: number;
  seats: SeatView[];
}

export interface TicketView {
  examName: string;
  name: string;
  schoolName: string;
  className: string;
  examNumber: string;
  roomName: string;
  seat: number | null;
  venue: string;
  timetable: { subject: string; when: string }[];
}

const A4: [number, number] = [595.28, 841.89];
const A4_LANDSCAPE: [number, number] = [841.89, 595.28];

function open(title: string): { doc: Doc; done: Promise<Buffer> } {
  const f = cjkFonts();
  const doc = new PDFDocument({ autoFirstPage: false, margin: 0, info: { Title: title, Author: 'tongkao 统考' } });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

@Injectable()
export class CandidatePdf {
  /** 座位表: one landscape page per room, seats as the room is laid out, the front (讲台) at the top. */
  async seatingCharts(rooms: RoomView[]): Promise<Buffer> {
    const { doc, done } = open('座位表');
    for (const room of rooms) {
      doc.addPage({ size: A4_LANDSCAPE, margin: 0 });
      this.chart(doc, room);
    }
    doc.end();
    return done;
  }

  private chart(doc: Doc, room: RoomView) {
    const [W, H] = A4_LANDSCAPE;
    text(doc, `${room.examName}　座位表`, W / 2, 44, { font: 'bold', size: 16, anchor: 'middle', maxWidth: W - 80 });
    text(doc, `${room.roomName}　考点：${room.venue}　共 ${room.seats.length} 人`, W / 2, 66, {
      size: 11,
      anchor: 'middle',
    });
    doc
      .lineWidth(0.8)
      .rect(W / 2 - 70, 80, 140, 22)
      .stroke(FRAME);
    text(doc, '讲　台', W / 2, 91, { size: 10, anchor: 'middle', middle: true });
    const rows = Math.ceil(room.capacity / room.columns);
    const top = 116;
    const gap = 6;
    const cellW = Math.min(150, (W - 60 - gap * (room.columns - 1)) / room.columns);
    const cellH = Math.min(74, (H - top - 36 - gap * (rows - 1)) / rows);
    const left = (W - (cellW * room.columns + gap * (room.columns - 1))) / 2;
    const bySeat = new Map(room.seats.map((s) => [s.seat, s]));
    for (let k = 0; k < room.capacity; k++) {
      const x = left + (k % room.columns) * (cellW + gap);
      const y = top + Math.floor(k / room.columns) * (cellH + gap);
      const s = bySeat.get(k + 1);
      doc
        .lineWidth(0.6)
        .rect(x, y, cellW, cellH)
        .stroke(s ? FRAME : LIGHT_FRAME);
      text(doc, `${k + 1}号`, x + 5, y + 12, { size: 8, color: s ? TEXT : '#999999' });
      if (!s) {
        text(doc, '（空）', x + cellW / 2, y + cellH / 2, {
          size: 8,
          anchor: 'middle',
          middle: true,
          color: '#999999',
        });
        continue;
      }
      const size = Math.min(12, cellH / 5);
      text(doc, s.name, x + cellW / 2, y + cellH * 0.42, {
        font: 'bold',
        size,
        anchor: 'middle',
        maxWidth: cellW - 10,
      });
      text(doc, s.examNumber, x + cellW / 2, y + cellH * 0.64, {
        size: size * 0.85,
        anchor: 'middle',
        maxWidth: cellW - 10,
      });
      text(doc, `${s.schoolName} ${s.className}`, x + cellW / 2, y + cellH * 0.86, {
        size: size * 0.7,
        anchor: 'middle',
        maxWidth: cellW - 10,
      });
    }
  }

  /** 门贴: one portrait page per room, for its door: the room in large type and its list by seat. */
  async doorLists(rooms: RoomView[]): Promise<Buffer> {
    const { doc, done } = open('门贴');
    for (const room of rooms) {
      doc.addPage({ size: A4, margin: 0 });
      this.door(doc, room);
    }
    doc.end();
    return done;
  }

  private door(doc: Doc, room: RoomView) {
    const [W, H] = A4;
    text(doc, room.examName, W / 2, 60, { size: 13, anchor: 'middle', maxWidth: W - 80 });
    text(doc, room.roomName, W / 2, 116, { font: 'bold', size: 40, anchor: 'middle', maxWidth: W - 60 });
    const seats = [...room.seats].sort((a, b) => a.seat - b.seat);
    // Exam numbers of a room are not a range (classes and schools interleave): the list says who sits where.
    text(doc, `考点：${room.venue}　${seats.length} 人`, W / 2, 146, { size: 11, anchor: 'middle', maxWidth: W - 60 });
    const cols = seats.length > 30 ? 2 : 1;
    const perCol = Math.ceil(seats.length / cols);
    const rowH = Math.min(20, (H - 200 - 40) / Math.max(perCol, 1));
    const colW = (W - 80) / cols;
    const heads: [string, number][] = [
      ['座位', 0],
      ['考号', 0.14],
      ['姓名', 0.42],
      ['学校 / 班级', 0.62],
    ];
    for (let c = 0; c < cols; c++) {
      const x0 = 40 + c * colW;
      heads.forEach(([h, f]) => text(doc, h, x0 + f * colW + 4, 186, { font: 'bold', size: 9 }));
      doc
        .lineWidth(0.6)
        .moveTo(x0, 192)
        .lineTo(x0 + colW - 8, 192)
        .stroke(FRAME);
      seats.slice(c * perCol, (c + 1) * perCol).forEach((s, i) => {
        const y = 192 + (i + 1) * rowH - rowH * 0.3;
        const size = Math.min(10, rowH * 0.55);
        text(doc, String(s.seat), x0 + 4, y, { size });
        text(doc, s.examNumber, x0 + 0.14 * colW + 4, y, { size });
        text(doc, s.name, x0 + 0.42 * colW + 4, y, { font: 'bold', size, maxWidth: 0.2 * colW - 6 });
        text(doc, `${s.schoolName} ${s.className}`, x0 + 0.62 * colW + 4, y, {
          size: size * 0.85,
          maxWidth: 0.38 * colW - 12,
        });
        doc
          .lineWidth(0.3)
          .moveTo(x0, 192 + (i + 1) * rowH)
          .lineTo(x0 + colW - 8, 192 + (i + 1) * rowH)
          .stroke(LIGHT_FRAME);
      });
    }
  }

  /** 准考证: two per A4 page (cut along the dashed line), each with the exam number as Code 128 and as a QR code. */
  async admissionTickets(tickets: TicketView[]): Promise<Buffer> {
    const { doc, done } = open('准考证');
    tickets.forEach((t, i) => {
      if (i % 2 === 0) doc.addPage({ size: A4, margin: 0 });
      const top = i % 2 === 0 ? 0 : A4[1] / 2;
      this.ticket(doc, t, top);
      if (i % 2 === 0) {
        doc
          .save()
          .lineWidth(0.5)
          .dash(4, { space: 3 })
          .moveTo(20, A4[1] / 2)
          .lineTo(A4[0] - 20, A4[1] / 2)
          .stroke(LIGHT_FRAME)
          .restore();
        doc.undash();
      }
    });
    doc.end();
    return done;
  }

  private ticket(doc: Doc, t: TicketView, top: number) {
    const W = A4[0];
    const x0 = 48;
    const x1 = W - 48;
    doc
      .lineWidth(1)
      .rect(x0, top + 30, x1 - x0, 360)
      .stroke(FRAME);
    text(doc, t.examName, W / 2, top + 60, { font: 'bold', size: 15, anchor: 'middle', maxWidth: x1 - x0 - 20 });
    text(doc, '准　考　证', W / 2, top + 86, { font: 'bold', size: 18, anchor: 'middle' });
    const fields: [string, string][] = [
      ['姓　　名', t.name],
      ['学　　校', t.schoolName],
      ['班　　级', t.className],
      ['考　　号', t.examNumber],
      ['考　　场', t.roomName],
      ['座 位 号', t.seat === null ? '—' : String(t.seat)],
      ['考　　点', t.venue],
    ];
    fields.forEach(([label, value], i) => {
      const y = top + 118 + i * 22;
      text(doc, label, x0 + 20, y, { size: 10 });
      text(doc, value, x0 + 86, y, {
        font: label.startsWith('考　　号') ? 'bold' : 'regular',
        size: label.startsWith('考　　号') ? 13 : 11,
        maxWidth: 200,
        color: INK,
      });
      doc
        .lineWidth(0.3)
        .moveTo(x0 + 84, y + 5)
        .lineTo(x0 + 290, y + 5)
        .stroke(LIGHT_FRAME);
    });
    this.qr(doc, t.examNumber, x1 - 145, top + 108, 100);
    this.barcode(doc, t.examNumber, x1 - 170, top + 232, 150, 36);
    text(doc, t.examNumber, x1 - 95, top + 280, { size: 9, anchor: 'middle' });
    this.timetable(doc, t, x0 + 20, x1 - 20, top + 290);
    text(doc, '请携带本准考证按时进入考场，对号入座；答题卡上印制的考号须与本证一致。', x0 + 20, top + 378, {
      size: 8,
      maxWidth: x1 - x0 - 40,
    });
  }

  private timetable(doc: Doc, t: TicketView, x0: number, x1: number, y: number) {
    text(doc, '考试科目', x0, y + 12, { font: 'bold', size: 9 });
    const items = t.timetable.length ? t.timetable : [{ subject: '—', when: '' }];
    const w = (x1 - x0 - 56) / Math.max(items.length, 1);
    items.forEach((it, i) => {
      const x = x0 + 56 + i * w;
      doc.lineWidth(0.4).rect(x, y, w, 34).stroke(LIGHT_FRAME);
      text(doc, it.subject, x + w / 2, y + 13, { font: 'bold', size: 9, anchor: 'middle', maxWidth: w - 6 });
      text(doc, it.when || '时间以考试安排为准', x + w / 2, y + 27, { size: 7, anchor: 'middle', maxWidth: w - 6 });
    });
  }

  private barcode(doc: Doc, value: string, x: number, y: number, w: number, h: number) {
    const widths = code128Widths(value);
    const modules = widths.reduce((a, b) => a + b, 0);
    const m = w / modules;
    let cx = x;
    widths.forEach((bw, i) => {
      if (i % 2 === 0) doc.rect(cx, y, bw * m, h);
      cx += bw * m;
    });
    doc.fill(INK);
  }

  private qr(doc: Doc, value: string, x: number, y: number, w: number) {
    const { size, data } = qrMatrix(value);
    const m = w / size;
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) if (data[r * size + c]) doc.rect(x + c * m, y + r * m, m, m);
    doc.fill(INK);
  }
}
