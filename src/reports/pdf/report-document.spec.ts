// Documents of one process share the parsed CJK fonts and pdfkit's shaped-text cache (report-document.ts): a string
// shaped by one document is not shaped again by the next.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cjkFontFaces } from '../../common/cjk-fonts.js';
import { LAYOUT_CACHE_LIMIT, reportDocument, sharedLayoutCache } from './report-document.js';

async function pdfOf(text: string): Promise<Buffer> {
  const { doc, done } = reportDocument({ size: 'A5' });
  doc.font('regular').fontSize(12).text(text);
  doc.font('bold').text(`${text}（粗体）`);
  doc.end();
  return done;
}

describe('reportDocument', () => {
  it('shares the shaped text of one document with the next, and each PDF reads back its own text', async () => {
    const faces = cjkFontFaces();
    const first = `学校质量诊断报告${Date.now()}`;
    const a = await pdfOf(first);
    expect(sharedLayoutCache(faces.regular)[first]).toBeDefined();
    expect(sharedLayoutCache(faces.bold)[`${first}（粗体）`]).toBeDefined();
    const second = '班级报告：临界生与分数段';
    const b = await pdfOf(second);
    const dir = mkdtempSync(join(tmpdir(), 'report-doc-'));
    const text = (pdf: Buffer, name: string) => {
      writeFileSync(join(dir, name), pdf);
      return execFileSync('pdftotext', [join(dir, name), '-']).toString();
    };
    expect(text(a, 'a.pdf')).toContain(first);
    expect(text(b, 'b.pdf')).toContain(second);
  });

  it("starts a font's cache afresh once it holds more than the limit", () => {
    const face = cjkFontFaces().regular;
    const cache = sharedLayoutCache(face);
    for (let i = 0; i <= LAYOUT_CACHE_LIMIT; i++) cache[`k${i}`] = i;
    const fresh = sharedLayoutCache(face);
    expect(fresh).not.toBe(cache);
    expect(Object.keys(fresh)).toHaveLength(0);
  });
});
