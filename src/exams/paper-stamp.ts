// Stamps a school's name on every page of an existing PDF. pdfkit cannot edit a PDF and pdf-lib cannot lay out
// Chinese text without fontkit (not installed), so pdfkit draws the stamp (with Noto Sans SC embedded) into an
// overlay PDF, one page per distinct page size, and pdf-lib draws that overlay page onto each original page.
import { Injectable } from '@nestjs/common';
import { PDFDocument } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { cjkFonts } from '../common/cjk-fonts.js';

/** Bad or encrypted PDFs are refused before they are stored. */
export async function pdfPageCount(data: Buffer): Promise<number | null> {
  if (data.subarray(0, 5).toString('latin1') !== '%PDF-') return null;
  try {
    const doc = await PDFDocument.load(data, { updateMetadata: false });
    return doc.getPageCount();
  } catch {
    return null;
  }
}

function overlay(sizes: [number, number][], lines: { header: string; watermark: string }): Promise<Buffer> {
  const font = cjkFonts().regular;
  const doc = new PDFKit({ autoFirstPage: false, margin: 0, info: { Title: 'stamp' } });
  doc.registerFont('cn', font);
  for (const [w, h] of sizes) {
    doc.addPage({ size: [w, h], margin: 0 });
    doc.font('cn').fillColor('#b00000').fillOpacity(0.85).fontSize(9);
    doc.text(lines.header, 24, 10, { width: w - 48, align: 'center', lineBreak: false });
    doc.text(lines.header, 24, h - 20, { width: w - 48, align: 'center', lineBreak: false });
    // A faint diagonal name across the middle: survives cropping of the header and footer when photocopied.
    doc
      .save()
      .fillOpacity(0.08)
      .fillColor('#000000')
      .fontSize(Math.min(w, h) / 12);
    doc.rotate(-35, { origin: [w / 2, h / 2] });
    doc.text(lines.watermark, 0, h / 2 - Math.min(w, h) / 24, { width: w, align: 'center', lineBreak: false });
    doc.restore();
  }
  doc.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

@Injectable()
export class PaperStamper {
  /** The same PDF with `schoolName` and `note` printed at the top and bottom of every page and faintly across it. */
  async stamp(original: Buffer, schoolName: string, note: string): Promise<Buffer> {
    const pdf = await PDFDocument.load(original, { updateMetadata: false });
    const pages = pdf.getPages();
    const key = (w: number, h: number) => `${w.toFixed(2)}x${h.toFixed(2)}`;
    const sizes = new Map<string, [number, number]>();
    for (const p of pages) {
      const { width, height } = p.getSize();
      sizes.set(key(width, height), [width, height]);
    }
    const list = [...sizes.values()];
    const over = await overlay(list, { header: `${schoolName} · ${note}`, watermark: schoolName });
    const embedded = await pdf.embedPdf(
      over,
      list.map((_, i) => i),
    );
    const byKey = new Map(list.map((s, i) => [key(...s), embedded[i]]));
    for (const p of pages) {
      const { width, height } = p.getSize();
      p.drawPage(byKey.get(key(width, height))!, { x: 0, y: 0, width, height });
    }
    return Buffer.from(await pdf.save());
  }
}
