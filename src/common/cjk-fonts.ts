// Noto Sans SC from its npm package, so PDFs need no system font. pdfkit embeds only the glyphs a document
// uses (subsetting), so files stay small and open on any machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

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

/** A font parsed by fontkit, as pdfkit takes it in place of the font's bytes (any object with `layout`). */
export type FontFace = fontkit.Font;

let faces: { regular: FontFace; bold: FontFace } | null = null;

/**
 * The regular and bold fonts parsed once per process (fontkit): given to pdfkit instead of the bytes, every
 * document shares one parsed font, its tables (cmap, GSUB, GPOS, metrics) and its glyphs, instead of parsing the
 * 10 MB files again. A fontkit font is read synchronously and keeps no state of a document, so documents made at
 * the same time may share it; each document still embeds its own subset.
 */
export function cjkFontFaces(): { regular: FontFace; bold: FontFace } {
  if (!faces) {
    const f = cjkFonts();
    faces = { regular: fontkit.create(f.regular) as FontFace, bold: fontkit.create(f.bold) as FontFace };
  }
  return faces;
}
