import QRCode from 'qrcode';
import { qrModules } from '../../sheets/qr-symbol.js';
import { pageQrText } from '../../sheets/domain/page-qr.js';
import { mulberry32 } from '../../../test/support/synthetic/synthetic-scan.js';
import { decodeQrV3M, QR_MAX_CORRECTIONS } from './qr-decode.js';

const ids = (rng: () => number, personalised: boolean) => ({
  examId: 1 + Math.floor(rng() * 99_999_999),
  paperId: 1 + Math.floor(rng() * 999_999),
  pageNo: 1 + Math.floor(rng() * 15),
  studentId: personalised ? 1 + Math.floor(rng() * 99_999_999) : null,
});

/** Module positions (row-major index) of each of the 70 codewords, in the symbol's zigzag order (as ISO 18004 places them). */
function codewordModules(): number[][] {
  const fn = (r: number, c: number) =>
    (r <= 8 && (c <= 8 || c >= 21)) ||
    (r >= 21 && c <= 8) ||
    r === 6 ||
    c === 6 ||
    (r >= 20 && r <= 24 && c >= 20 && c <= 24);
  const order: number[] = [];
  let up = true;
  for (let c = 28; c > 0; c -= 2) {
    if (c === 6) c--;
    for (let k = 0; k < 29; k++) {
      const r = up ? 28 - k : k;
      for (const cc of [c, c - 1]) if (!fn(r, cc)) order.push(r * 29 + cc);
    }
    up = !up;
  }
  return Array.from({ length: 70 }, (_, n) => order.slice(8 * n, 8 * n + 8));
}

describe('decodeQrV3M (version 3, level M module matrices)', () => {
  it('reads the page texts the sheets print, for anyone and personalised', () => {
    const rng = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const text = pageQrText(ids(rng, n % 2 === 1));
      expect(decodeQrV3M(qrModules(text).data)).toBe(text);
    }
  });

  it('reads numeric, alphanumeric and byte segments', () => {
    for (const text of [
      '0123456789012345678901234567',
      'HELLO WORLD 2025 $%*+-./:',
      'TK1|12|34|5',
      'mixed Case ~ text 12345678 ABC',
    ]) {
      expect(decodeQrV3M(qrModules(text).data)).toBe(text);
    }
  });

  it(`corrects up to ${QR_MAX_CORRECTIONS} spoilt codewords, anywhere in the symbol`, () => {
    const rng = mulberry32(11);
    const cw = codewordModules();
    for (let n = 0; n < 300; n++) {
      const text = pageQrText(ids(rng, true));
      const data = qrModules(text).data.slice();
      const spoilt = new Set<number>();
      while (spoilt.size < 1 + (n % QR_MAX_CORRECTIONS)) spoilt.add(Math.floor(rng() * 70));
      // every module of a spoilt codeword at random: the byte is garbage, as under a blot
      for (const w of spoilt) for (const p of cw[w]) data[p] = rng() < 0.5 ? 1 : 0;
      expect(decodeQrV3M(data)).toBe(text);
    }
  });

  it('gives up, never a wrong text, past its correction limit or on noise', () => {
    const rng = mulberry32(13);
    const cw = codewordModules();
    let nulls = 0;
    for (let n = 0; n < 400; n++) {
      const text = pageQrText(ids(rng, true));
      const data = qrModules(text).data.slice();
      const spoilt = new Set<number>();
      while (spoilt.size < QR_MAX_CORRECTIONS + 1 + (n % 30)) spoilt.add(Math.floor(rng() * 70));
      for (const w of spoilt) for (const p of cw[w]) data[p] ^= rng() < 0.5 ? 1 : 0;
      const got = decodeQrV3M(data);
      if (got === null) nulls++;
      else expect(got).toBe(text); // a spoilt codeword can come out intact by chance
    }
    expect(nulls).toBeGreaterThan(350);
    for (let n = 0; n < 200; n++)
      expect(decodeQrV3M(Uint8Array.from({ length: 841 }, () => (rng() < 0.5 ? 1 : 0)))).toBeNull();
  });

  it('reads through a few wrong format-information modules, and refuses other levels and sizes', () => {
    const text = 'TK1|123456|654321|3|87654321';
    const data = qrModules(text).data.slice();
    for (const p of [8 * 29 + 0, 8 * 29 + 2, 4 * 29 + 8]) data[p] ^= 1; // three bits of the first format copy
    expect(decodeQrV3M(data)).toBe(text);
    const levelL = QRCode.create(text, { version: 3, errorCorrectionLevel: 'L' });
    const l = Uint8Array.from({ length: 841 }, (_, i) => (levelL.modules.get(Math.floor(i / 29), i % 29) ? 1 : 0));
    expect(decodeQrV3M(l)).toBeNull();
    expect(decodeQrV3M(new Uint8Array(25 * 25))).toBeNull();
  });
});
