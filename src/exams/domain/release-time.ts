// The moment an exam's paper PDFs stop being confidential, as a teacher types it.

export const RELEASE_AT_ERROR =
  '公开时间（releaseAt）应为“2026-06-20 09:00”（北京时间）或带时区的 ISO 时间，或 null 表示不公开';

/**
 * "2026-06-20T09:00:00+08:00" or "…Z" as given; "2026-06-20 09:00" read as Beijing time (UTC+8), which is how
 * schools say it. null → not released. undefined → not understood.
 */
export function parseReleaseAt(v: unknown): Date | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const s = v.trim();
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s);
  const d = local
    ? new Date(`${local[1]}T${local[2]}:${local[3]}:${local[4] ?? '00'}+08:00`)
    : iso
      ? new Date(s)
      : new Date(NaN);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "2026-06-20 09:00" in Beijing time, for messages. */
export function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
