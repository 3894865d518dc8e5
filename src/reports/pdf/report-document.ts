// One report PDF document: pdfkit with the embedded CJK font registered as 'regular' and 'bold', its bytes collected
// into a Buffer that `done` resolves once the document is ended. Every report renderer starts here.
//
// A worker renders hundreds of reports one after the other, and most of their strings recur (headings, table
// headers, labels, numbers). So every document of the process shares the parsed fonts (cjkFontFaces) and, per font,
// pdfkit's cache of shaped text (fontkit layout: glyphs and advances, for the font's 1000 units, the same in every
// document). Shaping CJK text with fontkit was most of a report's time; a document still embeds only its glyphs.
import PDFDocument from 'pdfkit';
import { cjkFontFaces, type FontFace } from '../../common/cjk-fonts.js';

/** Past this many strings a font's shared cache starts afresh, so a long-running worker's memory stays bounded. */
export const LAYOUT_CACHE_LIMIT = 20_000;

type LayoutCache = Record<string, unknown>;
const layoutCaches = new Map<FontFace, LayoutCache>();

/** The shaped-text cache every document shares for this font (a new one once the old is full). */
export function sharedLayoutCache(face: FontFace): LayoutCache {
  let c = layoutCaches.get(face);
  if (!c || Object.keys(c).length > LAYOUT_CACHE_LIMIT)
    layoutCaches.set(face, (c = Object.create(null) as LayoutCache));
  return c;
}

/** pdfkit's font of a document (EmbeddedFont): its fontkit font and its cache of shaped text (`layoutCached`). */
interface EmbeddedFont {
  font: FontFace;
  layoutCache?: LayoutCache;
}

export function reportDocument(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const faces = cjkFontFaces();
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // pdfkit takes a parsed fontkit font where its types say bytes (PDFFontFactory.open: any object with `layout`).
  for (const name of ['regular', 'bold'] as const) {
    doc.registerFont(name, faces[name] as unknown as Buffer);
    // Opened now, so the document's font takes the shared cache before it shapes anything.
    const font = (doc.font(name) as unknown as { _font: EmbeddedFont })._font;
    font.layoutCache = sharedLayoutCache(font.font);
  }
  // Back to pdfkit's default font, as a new document starts.
  doc.font('Helvetica');
  return { doc, done };
}
