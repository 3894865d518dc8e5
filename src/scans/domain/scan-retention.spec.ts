import { formatDate, parseRetentionDays, retentionVerdict } from './scan-retention.js';

const released = new Date('2026-07-01T02:00:00Z');
const at = (iso: string) => new Date(iso);

describe('retentionVerdict', () => {
  it.each([
    // examDays, defaultDays, releasedAt, now, due, days, reason fragment
    [null, 0, released, at('2030-01-01T00:00:00Z'), false, 0, '未设置保留期限'],
    [0, 180, released, at('2030-01-01T00:00:00Z'), false, 0, '未设置保留期限'],
    [null, 180, null, at('2030-01-01T00:00:00Z'), false, 180, '成绩尚未发布'],
    [null, 30, released, at('2026-07-30T00:00:00Z'), false, 30, '2026-07-31 之后'],
    [null, 30, released, at('2026-07-31T02:00:00Z'), true, 30, ''],
    [7, 365, released, at('2026-07-08T02:00:00Z'), true, 7, ''],
    [400, 30, released, at('2026-08-01T00:00:00Z'), false, 400, '成绩发布后 400 天'],
  ] as const)('exam %p, default %p → due %p', (examDays, defaultDays, releasedAt, now, due, days, reason) => {
    const v = retentionVerdict({ examDays, defaultDays, releasedAt, now });
    expect(v.due).toBe(due);
    expect(v.days).toBe(days);
    if (!v.due) expect(v.reason).toContain(reason);
  });

  it('gives the day it falls due', () => {
    const v = retentionVerdict({ examDays: 1, defaultDays: 0, releasedAt: released, now: released });
    expect(v.dueAt!.toISOString()).toBe('2026-07-02T02:00:00.000Z');
  });
});

describe('formatDate', () => {
  it('is the China date', () => {
    expect(formatDate(at('2026-07-01T17:00:00Z'))).toBe('2026-07-02');
  });
});

describe('parseRetentionDays', () => {
  it.each([
    [null, null],
    [0, 0],
    [180, 180],
  ])('%p is accepted', (value, out) => expect(parseRetentionDays(value)).toBe(out));
  it.each([[-1], [1.5], ['30'], [undefined], [40000]])('%p is refused', (value) =>
    expect(parseRetentionDays(value)).toEqual({ error: expect.stringContaining('保留天数') }),
  );
});
