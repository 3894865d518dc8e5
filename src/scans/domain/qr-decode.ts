// Decoding the module matrix of a version 3 QR code at level M (the symbol our sheets print, layout.ts) into its
// text. Pure. Follows ISO/IEC 18004 as ZXing implements it: format information (BCH), unmasking, the codeword
// zigzag, Reed–Solomon correction over GF(256), then the numeric, alphanumeric and byte segments. Anything else
// (another version or level, Kanji, ECI, non-ASCII bytes, too many errors) gives null: the caller falls back to a
// general reader. Reed–Solomon is never skipped: a text comes out only from a matrix whose corrected codewords
// are a valid codeword (all syndromes zero after correction).

const SIZE = 29;
const TOTAL_CODEWORDS = 70;
const DATA_CODEWORDS = 44;
const EC_CODEWORDS = TOTAL_CODEWORDS - DATA_CODEWORDS;
/** Level M in the format information's two EC bits. */
const EC_LEVEL_M = 0b00;
/**
 * At most this many codewords corrected, of the 13 that 26 EC codewords could: the margin left keeps the chance of
 * "correcting" a badly read symbol into another valid codeword negligible. A symbol with more errors goes to jsQR.
 */
export const QR_MAX_CORRECTIONS = 8;

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);
const div = (a: number, b: number) => (a === 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]]);

/** The 32 valid 15-bit format words (BCH(15,5), generator 0x537, masked with 0x5412), indexed by their 5 data bits. */
const FORMAT_WORDS = Array.from({ length: 32 }, (_, d) => {
  let r = d << 10;
  for (let bit = 14; bit >= 10; bit--) if (r & (1 << bit)) r ^= 0x537 << (bit - 10);
  return ((d << 10) | r) ^ 0x5412;
});

const popcount = (v: number) => {
  let n = 0;
  for (; v; v &= v - 1) n++;
  return n;
};

/** The 5 data bits of the format information, from either copy, if one is within 3 bit errors of a valid word. */
function formatBits(dark: (row: number, col: number) => number): number | null {
  let a = 0;
  for (let c = 0; c <= 5; c++) a = (a << 1) | dark(8, c);
  a = (a << 1) | dark(8, 7);
  a = (a << 1) | dark(8, 8);
  a = (a << 1) | dark(7, 8);
  for (let r = 5; r >= 0; r--) a = (a << 1) | dark(r, 8);
  let b = 0;
  for (let r = SIZE - 1; r >= SIZE - 7; r--) b = (b << 1) | dark(r, 8);
  for (let c = SIZE - 8; c < SIZE; c++) b = (b << 1) | dark(8, c);
  let best = -1;
  let bestDistance = 4;
  for (let d = 0; d < 32; d++) {
    const distance = Math.min(popcount(a ^ FORMAT_WORDS[d]), popcount(b ^ FORMAT_WORDS[d]));
    if (distance < bestDistance) {
      best = d;
      bestDistance = distance;
    }
  }
  return best < 0 ? null : best;
}

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** Function modules of version 3: finders with separators and format information, timing lines, the alignment pattern. */
function isFunction(r: number, c: number): boolean {
  if (r <= 8 && (c <= 8 || c >= SIZE - 8)) return true;
  if (r >= SIZE - 8 && c <= 8) return true;
  if (r === 6 || c === 6) return true;
  return r >= 20 && r <= 24 && c >= 20 && c <= 24;
}

/** The 70 codewords in the order of the symbol's zigzag (pairs of columns from the right, up then down). */
function readCodewords(
  dark: (row: number, col: number) => number,
  mask: (r: number, c: number) => boolean,
): Uint8Array | null {
  const out = new Uint8Array(TOTAL_CODEWORDS);
  let n = 0;
  let byte = 0;
  let bits = 0;
  let up = true;
  for (let c = SIZE - 1; c > 0; c -= 2) {
    if (c === 6) c--;
    for (let k = 0; k < SIZE; k++) {
      const r = up ? SIZE - 1 - k : k;
      for (let dc = 0; dc < 2; dc++) {
        if (isFunction(r, c - dc)) continue;
        byte = (byte << 1) | (dark(r, c - dc) ^ (mask(r, c - dc) ? 1 : 0));
        if (++bits === 8) {
          if (n < TOTAL_CODEWORDS) out[n] = byte;
          n++;
          bits = 0;
          byte = 0;
        }
      }
    }
    up = !up;
  }
  // 70 codewords and 7 remainder bits
  return n === TOTAL_CODEWORDS ? out : null;
}

/** Syndromes S_i = r(α^i), i < 26, of the received word (first codeword the highest power); true if all are zero. */
function syndromes(word: Uint8Array, s: Uint8Array): boolean {
  let clean = true;
  for (let i = 0; i < EC_CODEWORDS; i++) {
    let v = 0;
    const x = EXP[i];
    for (let k = 0; k < word.length; k++) v = mul(v, x) ^ word[k];
    s[i] = v;
    if (v) clean = false;
  }
  return clean;
}

/**
 * Reed–Solomon correction in place (generator roots α^0…α^25): Berlekamp–Massey, Chien search, Forney. False if the
 * word has more errors than QR_MAX_CORRECTIONS or cannot be corrected to a valid codeword.
 */
export function correctCodewords(word: Uint8Array): boolean {
  const n = word.length;
  const s = new Uint8Array(EC_CODEWORDS);
  if (syndromes(word, s)) return true;
  // Berlekamp–Massey: error locator Λ(x), coefficients lowest power first.
  let lambda = new Uint8Array(EC_CODEWORDS + 1);
  let prev = new Uint8Array(EC_CODEWORDS + 1);
  lambda[0] = 1;
  prev[0] = 1;
  let L = 0;
  let m = 1;
  let b = 1;
  for (let k = 0; k < EC_CODEWORDS; k++) {
    let d = s[k];
    for (let i = 1; i <= L; i++) d ^= mul(lambda[i], s[k - i]);
    if (d === 0) {
      m++;
      continue;
    }
    const coef = div(d, b);
    const next = lambda.slice();
    for (let i = 0; i + m <= EC_CODEWORDS; i++) next[i + m] ^= mul(coef, prev[i]);
    if (2 * L <= k) {
      prev = lambda;
      L = k + 1 - L;
      b = d;
      m = 1;
    } else m++;
    lambda = next;
  }
  if (L === 0 || L > QR_MAX_CORRECTIONS) return false;
  for (let i = L + 1; i <= EC_CODEWORDS; i++) if (lambda[i]) return false;
  // Ω(x) = S(x)·Λ(x) mod x^26
  const omega = new Uint8Array(EC_CODEWORDS);
  for (let i = 0; i < EC_CODEWORDS; i++) {
    let v = 0;
    for (let j = 0; j <= Math.min(i, L); j++) v ^= mul(lambda[j], s[i - j]);
    omega[i] = v;
  }
  const evalPoly = (p: Uint8Array, deg: number, x: number) => {
    let v = 0;
    for (let i = deg; i >= 0; i--) v = mul(v, x) ^ p[i];
    return v;
  };
  let roots = 0;
  for (let pos = 0; pos < n; pos++) {
    // the codeword at index pos carries power p = n − 1 − pos: locator X = α^p, root of Λ at X⁻¹
    const p = n - 1 - pos;
    const xInv = EXP[(255 - p) % 255];
    if (evalPoly(lambda, L, xInv) !== 0) continue;
    roots++;
    // Λ'(x): the odd-power terms (characteristic 2)
    let deriv = 0;
    for (let i = 1; i <= L; i += 2) deriv ^= mul(lambda[i], i === 1 ? 1 : EXP[(LOG[xInv] * (i - 1)) % 255]);
    if (deriv === 0) return false;
    // Forney with first consecutive root α^0: e = X·Ω(X⁻¹)/Λ'(X⁻¹)
    const magnitude = mul(EXP[p], div(evalPoly(omega, EC_CODEWORDS - 1, xInv), deriv));
    word[pos] ^= magnitude;
  }
  if (roots !== L) return false;
  return syndromes(word, s);
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** The text of the data codewords: numeric, alphanumeric and ASCII byte segments up to the terminator. */
function decodeSegments(data: Uint8Array): string | null {
  const total = data.length * 8;
  let at = 0;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, at++) v = (v << 1) | ((data[at >> 3] >> (7 - (at & 7))) & 1);
    return v;
  };
  let text = '';
  while (total - at >= 4) {
    const mode = read(4);
    if (mode === 0) break;
    if (mode === 0b0001) {
      if (total - at < 10) return null;
      let count = read(10);
      while (count > 0) {
        const digits = Math.min(3, count);
        const width = digits === 3 ? 10 : digits === 2 ? 7 : 4;
        if (total - at < width) return null;
        const v = read(width);
        if (v >= 10 ** digits) return null;
        text += String(v).padStart(digits, '0');
        count -= digits;
      }
    } else if (mode === 0b0010) {
      if (total - at < 9) return null;
      let count = read(9);
      while (count > 0) {
        const pair = count >= 2;
        if (total - at < (pair ? 11 : 6)) return null;
        const v = read(pair ? 11 : 6);
        if (pair) {
          if (v >= 45 * 45) return null;
          text += ALPHANUMERIC[Math.floor(v / 45)] + ALPHANUMERIC[v % 45];
        } else {
          if (v >= 45) return null;
          text += ALPHANUMERIC[v];
        }
        count -= pair ? 2 : 1;
      }
    } else if (mode === 0b0100) {
      if (total - at < 8) return null;
      const count = read(8);
      if (total - at < 8 * count) return null;
      for (let i = 0; i < count; i++) {
        const v = read(8);
        // ASCII only: anything else (a character set question) is left to the general reader
        if (v < 0x20 || v > 0x7e) return null;
        text += String.fromCharCode(v);
      }
    } else return null;
  }
  return text;
}

/**
 * The text of a 29×29 module matrix (row-major, 1 = dark) of a version 3, level M symbol, or null if it is not one
 * or cannot be corrected within QR_MAX_CORRECTIONS codewords.
 */
export function decodeQrV3M(modules: Uint8Array): string | null {
  if (modules.length !== SIZE * SIZE) return null;
  const dark = (r: number, c: number) => modules[r * SIZE + c] & 1;
  const format = formatBits(dark);
  if (format === null || format >> 3 !== EC_LEVEL_M) return null;
  const words = readCodewords(dark, MASKS[format & 7]);
  if (!words || !correctCodewords(words)) return null;
  return decodeSegments(words.subarray(0, DATA_CODEWORDS));
}
