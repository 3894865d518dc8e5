import {
  identityConflict,
  identityNote,
  identitySource,
  stickerFromText,
  type IdentityClues,
  type IdentitySource,
  type StickerReading,
} from './page-identity.js';

const ZHANG = { id: 7, examNo: '20240107', name: '张三' };
const read = (examNo: string): StickerReading => ({ state: 'read', examNo });
const EMPTY: StickerReading = { state: 'empty' };
const SPOILT: StickerReading = { state: 'unreadable' };

/** sticker, bubbles, QR's student → the clue looked up, and the exception code once 张三 (id 7) is found by it. */
const TABLE: [string, IdentityClues, IdentitySource, string | null][] = [
  ['sticker alone', { sticker: read('20240107'), bubbles: null, qrStudentId: null }, 'sticker', null],
  [
    'sticker and the same bubbles',
    { sticker: read('20240107'), bubbles: '20240107', qrStudentId: null },
    'sticker',
    null,
  ],
  ['sticker and the same QR student', { sticker: read('20240107'), bubbles: null, qrStudentId: 7 }, 'sticker', null],
  ['all three agree', { sticker: read('20240107'), bubbles: '20240107', qrStudentId: 7 }, 'sticker', null],
  [
    'sticker vs bubbles',
    { sticker: read('20240107'), bubbles: '20240108', qrStudentId: null },
    'sticker',
    'STICKER_EXAMNO_MISMATCH',
  ],
  [
    'sticker vs QR student',
    { sticker: read('20240107'), bubbles: null, qrStudentId: 8 },
    'sticker',
    'STICKER_QR_MISMATCH',
  ],
  [
    'sticker vs both',
    { sticker: read('20240107'), bubbles: '20240108', qrStudentId: 8 },
    'sticker',
    'STICKER_QR_MISMATCH',
  ],
  [
    'sticker vs QR, bubbles agree with the sticker',
    { sticker: read('20240107'), bubbles: '20240107', qrStudentId: 8 },
    'sticker',
    'STICKER_QR_MISMATCH',
  ],
  [
    'spoilt sticker falls back to the bubbles',
    { sticker: SPOILT, bubbles: '20240107', qrStudentId: null },
    'bubbles',
    null,
  ],
  [
    'empty sticker area falls back to the bubbles',
    { sticker: EMPTY, bubbles: '20240107', qrStudentId: null },
    'bubbles',
    null,
  ],
  ['spoilt sticker falls back to the QR code', { sticker: SPOILT, bubbles: null, qrStudentId: 7 }, 'qr', null],
  [
    'spoilt sticker, QR and bubbles disagree',
    { sticker: SPOILT, bubbles: '20240108', qrStudentId: 7 },
    'qr',
    'EXAMNO_MISMATCH',
  ],
  ['no sticker area, QR and same bubbles', { sticker: null, bubbles: '20240107', qrStudentId: 7 }, 'qr', null],
  ['no sticker area, bubbles', { sticker: null, bubbles: '20240107', qrStudentId: null }, 'bubbles', null],
  ['nothing readable: the page before', { sticker: EMPTY, bubbles: null, qrStudentId: null }, 'previous', null],
];

describe('page identity: precedence and disagreement', () => {
  it.each(TABLE)('%s', (_name, clues, source, code) => {
    expect(identitySource(clues)).toBe(source);
    const conflict = source === 'previous' ? null : identityConflict(clues, source, ZHANG);
    expect(conflict?.code ?? null).toBe(code);
  });

  it('names in Chinese every clue that disagreed', () => {
    const both = identityConflict({ sticker: read('20240107'), bubbles: '20240108', qrStudentId: 8 }, 'sticker', ZHANG);
    expect(both?.reason).toBe(
      '条形码考号 20240107（张三）与填涂的考号 20240108、答题卡二维码中印制的考生不一致，请核对答题卡后指定考生',
    );
    const bubbles = identityConflict(
      { sticker: read('20240107'), bubbles: '20240108', qrStudentId: null },
      'sticker',
      ZHANG,
    );
    expect(bubbles?.reason).toContain('填涂的考号 20240108');
    expect(bubbles?.reason).not.toContain('二维码');
  });

  it('records a fallback from a spoilt sticker, and a foreign label text', () => {
    expect(identityNote({ sticker: SPOILT, bubbles: '20240107', qrStudentId: null })).toEqual({
      identifiedBy: 'bubbles',
      sticker: 'unreadable',
    });
    expect(identityNote({ sticker: { state: 'unreadable', text: 'ABC-123' }, bubbles: null, qrStudentId: 7 })).toEqual({
      identifiedBy: 'qr',
      sticker: 'unreadable',
      stickerText: 'ABC-123',
    });
    expect(identityNote({ sticker: null, bubbles: '20240107', qrStudentId: null })).toEqual({
      identifiedBy: 'bubbles',
    });
  });

  it.each([
    ['20240107', true, { state: 'read', examNo: '20240107' }],
    ['ABC-123', true, { state: 'unreadable', text: 'ABC-123' }],
    ['123', true, { state: 'unreadable', text: '123' }],
    [null, true, { state: 'unreadable' }],
    [null, false, { state: 'empty' }],
  ] as const)('sticker text %p (inked %p)', (text, inked, expected) => {
    expect(stickerFromText(text, inked)).toEqual(expected);
  });
});
