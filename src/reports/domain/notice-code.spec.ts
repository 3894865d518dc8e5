import { codeFromBytes, CODE_ALPHABET, formatCode, noticeWait, normaliseCode } from './notice-code.js';

describe('notice codes', () => {
  it.each([
    ['ABCDE-FGHJK', 'ABCDEFGHJK'],
    ['abcde fghjk', 'ABCDEFGHJK'],
    [' 23456 789AB ', '23456789AB'],
    ['ABCDE-FGHJ', null],
    ['ABCDE-FGHJKM', null],
    ['ABCDE-FGHJO', null],
    ['ABCDE-FGHJ1', null],
    [42, null],
    [undefined, null],
  ])('%p reads as %p', (raw, code) => {
    expect(normaliseCode(raw)).toBe(code);
  });

  it('formats in two groups of five', () => {
    expect(formatCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });

  it('draws characters uniformly: bytes at or above the largest multiple of 31 are skipped', () => {
    const bytes = Uint8Array.from([248, 255, 0, 30, 31, 61, 62, 92, 93, 123, 124, 154]);
    expect(codeFromBytes(bytes)).toBe('2Z2Z2Z2Z2Z');
    expect(codeFromBytes(Uint8Array.from([1, 2, 3]))).toBeNull();
    expect(
      [...codeFromBytes(Uint8Array.from({ length: 10 }, (_, i) => i * 3))!].every((c) => CODE_ALPHABET.includes(c)),
    ).toBe(true);
  });
});

describe('notice throttle', () => {
  const now = 1_000_000_000;
  it.each([
    ['nothing counted', null, null, 0],
    ['9 wrong codes from the address', { count: 9, lastAt: now }, null, 0],
    ['10 wrong codes', { count: 10, lastAt: now }, null, 1],
    ['13 wrong codes', { count: 13, lastAt: now }, null, 8],
    ['30 wrong codes: at most 15 minutes', { count: 30, lastAt: now }, null, 900],
    ['30 wrong codes 14 minutes ago', { count: 30, lastAt: now - 14 * 60_000 }, null, 60],
    ['a code opened 29 times', null, { count: 29, lastAt: now }, 0],
    ['a code opened 40 times', null, { count: 40, lastAt: now }, 600],
  ])('%s: wait %d s', (_n, address, code, wait) => {
    expect(noticeWait({ address, code }, now)).toBe(wait);
  });
});
