// Noto Sans SC from its npm package, so PDFs need no system font. pdfkit embeds only the glyphs a document
// uses (subsetting), so files stay small and open on any machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

let cache: { regular: Buffer; bold: Buffer } | null = null;

/** The regular and bold TTF bytes, read once per process (about 10 MB each). */
export function cjkFonts(): { regular: Buffer; bold: Buffer } {
  cache ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return cache;
}
