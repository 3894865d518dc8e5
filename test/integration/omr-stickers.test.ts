// The OMR corpus with barcode stickers, sampled: the sheet with its sticker area (条形码粘贴区) rasterised at 200 and
// 300 dpi, filled, a Code 128 label of the exam number stuck on (clean, askew, scuffed; smudged, half covered, missing;
// another student's), distorted like a scanner, read back. Full run (150 dpi, blur, QR spoilt too): npm run bench:omr.
import { formatStickerTable, runStickerCorpus, type StickerTally } from '../support/sticker-corpus.js';

const CONDITIONS = ['无变形 clean', '旋转 ±3° rotate', '倒置 180°', 'JPEG q50'];

describe('barcode stickers on the OMR corpus (sampled)', () => {
  let rows: StickerTally[];

  beforeAll(async () => {
    rows = await runStickerCorpus({
      dpis: [200, 300],
      sheets: 1,
      seed: 5,
      // every case at 200 dpi through the four conditions; at 300 dpi (2.25× the pixels) the undistorted sheet only
      only: (_c, condition, dpi) => CONDITIONS.includes(condition) && (dpi === 200 || condition === '无变形 clean'),
    });
    console.log(formatStickerTable(rows));
    const details = rows.flatMap((r) => r.details);
    if (details.length) console.log(details.join('\n'));
  }, 290_000);

  const of = (...cases: string[]) => rows.filter((r) => cases.includes(r.sticker));
  const sum = (rs: StickerTally[], k: keyof StickerTally) => rs.reduce((s, r) => s + (r[k] as number), 0);

  it('reads every clean, askew or scuffed sticker as the number printed on it', () => {
    const readable = of('clean', 'askew', 'scuffed');
    expect(sum(readable, 'pages')).toBeGreaterThanOrEqual(15);
    expect(sum(readable, 'read')).toBe(sum(readable, 'pages'));
  });

  it('reads no sticker wrongly', () => {
    expect(sum(rows, 'wrong')).toBe(0);
    expect(sum(rows, 'pageExceptions')).toBe(0);
  });

  it('falls back to the bubbles when the sticker is smudged, half covered or missing', () => {
    const spoilt = of('smudged', 'half-covered', 'missing');
    expect(sum(spoilt, 'pages')).toBeGreaterThanOrEqual(15);
    expect(sum(spoilt, 'read')).toBe(0);
    // identified by the bubbles with the number bubbled, or (bubbles ambiguous by construction) an exception for a person
    expect(sum(spoilt, 'fallback') + sum(spoilt, 'fallbackException')).toBe(sum(spoilt, 'pages'));
    expect(sum(spoilt, 'fallback')).toBeGreaterThan(sum(spoilt, 'fallbackException'));
  });

  it('flags a sticker disagreeing with the bubbles as an exception, never a silent choice', () => {
    const foreign = of('foreign');
    expect(sum(foreign, 'pages')).toBeGreaterThanOrEqual(5);
    expect(sum(foreign, 'mismatchCaught')).toBe(sum(foreign, 'pages'));
  });
});
