import { pageQrText, parsePageQr } from './page-qr.js';

describe('page QR text', () => {
  it('round-trips a sheet for anyone and a personalised one', () => {
    expect(pageQrText({ examId: 12, paperId: 345, pageNo: 2, studentId: null })).toBe('TK1|12|345|2');
    expect(parsePageQr('TK1|12|345|2')).toEqual({ examId: 12, paperId: 345, pageNo: 2, studentId: null });
    const text = pageQrText({ examId: 999999, paperId: 888888, pageNo: 15, studentId: 77777777 });
    expect(parsePageQr(text)).toEqual({ examId: 999999, paperId: 888888, pageNo: 15, studentId: 77777777 });
    // fits QR version 3 at level M (42 bytes) with room to spare
    expect(text.length).toBeLessThanOrEqual(42);
  });

  it('ignores any other QR text', () => {
    for (const t of [
      '',
      'https://example.org',
      'TK2|1|2|3',
      'TK1|1|2',
      'TK1|1|2|3|4|5',
      'TK1|0|2|3',
      'TK1|01|2|3',
      'TK1|a|2|3',
      'TK1|1|2|3|',
    ])
      expect(parsePageQr(t)).toBeNull();
    expect(parsePageQr(null)).toBeNull();
  });

  it('refuses to write ids that are not positive integers', () => {
    expect(() => pageQrText({ examId: 0, paperId: 1, pageNo: 1, studentId: null })).toThrow();
    expect(() => pageQrText({ examId: 1, paperId: 1.5, pageNo: 1, studentId: null })).toThrow();
  });
});
