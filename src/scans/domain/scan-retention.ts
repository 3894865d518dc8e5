// When an exam's scans and snippets may be deleted (PIPL: kept no longer than needed). The clock starts at the
// results' release (成绩发布): before it, scans are still evidence for 复核 and corrections. Results and reports stay.

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionInput {
  /** The exam's own period (null: the installation's). */
  examDays: number | null;
  /** RETENTION_DAYS (0: keep for ever). */
  defaultDays: number;
  /** When the results were released (null: not released). */
  releasedAt: Date | null;
  now: Date;
}

export type RetentionVerdict =
  { due: true; days: number; dueAt: Date } | { due: false; days: number; dueAt: Date | null; reason: string };

export function retentionVerdict(i: RetentionInput): RetentionVerdict {
  const days = i.examDays ?? i.defaultDays;
  if (days <= 0) return { due: false, days: 0, dueAt: null, reason: '未设置保留期限：答题卡图像长期保存' };
  if (!i.releasedAt)
    return { due: false, days, dueAt: null, reason: `成绩尚未发布：保留期限自成绩发布起算（${days} 天）` };
  const dueAt = new Date(i.releasedAt.getTime() + days * DAY_MS);
  if (i.now.getTime() < dueAt.getTime())
    return {
      due: false,
      days,
      dueAt,
      reason: `保留期限未到：${formatDate(dueAt)} 之后才可删除（成绩发布后 ${days} 天）`,
    };
  return { due: true, days, dueAt };
}

/** YYYY-MM-DD in China time (UTC+8, no daylight saving). */
export function formatDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/** An exam's own period as an admin sets it: whole days 0–36500, or null for the installation's default. */
export function parseRetentionDays(value: unknown): number | null | { error: string } {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 36500) return value;
  return { error: '保留天数应为 0–36500 之间的整数（0 表示长期保存），或 null 表示使用系统默认值' };
}
