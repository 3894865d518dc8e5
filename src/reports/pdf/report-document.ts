// One report PDF document: pdfkit with the embedded CJK font registered as 'regular' and 'bold', its bytes collected
// into a Buffer that `done` resolves once the document is ended. Every report renderer starts here.
import PDFDocument from 'pdfkit';
import { cjkFonts } from '../../common/cjk-fonts.js';

export function reportDocument(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const f = cjkFonts();
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  return { doc, done };
}
