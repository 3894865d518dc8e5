import { beijingTime, parseReleaseAt } from './release-time.js';

describe('parseReleaseAt', () => {
  it('reads local times as Beijing time and ISO times with their zone', () => {
    expect(parseReleaseAt('2026-06-20 09:00')?.toISOString()).toBe('2026-06-20T01:00:00.000Z');
    expect(parseReleaseAt('2026-06-20T09:00:30')?.toISOString()).toBe('2026-06-20T01:00:30.000Z');
    expect(parseReleaseAt('2026-06-20T09:00:00Z')?.toISOString()).toBe('2026-06-20T09:00:00.000Z');
    expect(parseReleaseAt('2026-06-20T09:00:00.000+02:00')?.toISOString()).toBe('2026-06-20T07:00:00.000Z');
    expect(parseReleaseAt(null)).toBeNull();
  });

  it('refuses what it cannot read', () => {
    for (const v of ['明天', '2026-13-40 09:00', '2026-06-20', 20260620, '', undefined])
      expect(parseReleaseAt(v)).toBeUndefined();
  });

  it('prints Beijing time', () => {
    expect(beijingTime(new Date('2026-06-19T17:30:00Z'))).toBe('2026-06-20 01:30');
  });
});
