import { describe, expect, it } from '@jest/globals';
import { date, dateTime, minutesLeft, percent, score, signed } from './format';

describe('format', () => {
  it('shows scores with at most two decimals, rounding as the decimal reads', () => {
    expect([score(7.5), score(10), score(7.25), score(1 / 3), score('8.50'), score(1.005)]).toEqual([
      '7.5',
      '10',
      '7.25',
      '0.33',
      '8.5',
      '1.01',
    ]);
    expect([score(null), score(undefined), score('')]).toEqual(['—', '—', '—']);
    expect(score(12345)).toBe('12345'); // no thousands separator in a score
  });

  it('signs differences and shows shares as percentages with one decimal', () => {
    expect([signed(0.5), signed(-1.25), signed(0), signed(null)]).toEqual(['+0.5', '−1.25', '0', '—']);
    expect([percent(0.123), percent(1), percent(0), percent(null)]).toEqual(['12.3%', '100.0%', '0.0%', '—']);
  });

  it('shows dates and times in China time', () => {
    // 2025-12-31 17:30 UTC is 2026-01-01 01:30 in Beijing.
    expect(date('2025-12-31T17:30:00.000Z')).toBe('2026-01-01');
    expect(dateTime('2025-12-31T17:30:00.000Z')).toBe('2026-01-01 01:30');
    expect(dateTime(new Date(Date.UTC(2026, 2, 5, 4, 7)))).toBe('2026-03-05 12:07');
    // A date without a time (an exam date) is never shifted by a zone.
    expect(date('2026-01-15')).toBe('2026-01-15');
    expect([date(null), dateTime('not a date')]).toEqual(['—', '—']);
  });

  it('reads a remaining time as a lead would say it', () => {
    expect([minutesLeft(null), minutesLeft(0), minutesLeft(40), minutesLeft(125)]).toEqual([
      '暂无进度数据',
      '已完成',
      '约 40 分钟',
      '约 2 小时 5 分钟',
    ]);
  });
});
