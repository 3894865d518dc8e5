// The one place for how numbers and dates read on a page. Intl does the rounding (correctly for decimal inputs such as
// 1.005, which Math.round(x * 100) gets wrong) and the time zone: every date a teacher sees is China time.

const DASH = '—';
const TIME_ZONE = 'Asia/Shanghai';

const scoreFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2, useGrouping: false });
const signedFormat = new Intl.NumberFormat('zh-CN', {
  maximumFractionDigits: 2,
  useGrouping: false,
  signDisplay: 'exceptZero',
});
const percentFormat = new Intl.NumberFormat('zh-CN', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

type Num = number | string | null | undefined;
const missing = (x: Num): x is null | undefined | '' => x === null || x === undefined || x === '';

/** A score or other figure: at most two decimals, none when whole (7.5, 10, 7.25); — when missing. */
export const score = (x: Num): string => (missing(x) ? DASH : scoreFormat.format(Number(x)));

/** A difference with its sign (+0.5, −1.25, 0). */
export const signed = (x: Num): string => (missing(x) ? DASH : signedFormat.format(Number(x)).replace('-', '−'));

/** A share (0–1) as a percentage with one decimal (12.3%). */
export const percent = (x: Num): string => (missing(x) ? DASH : percentFormat.format(Number(x)));

function parts(d: Date, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, hourCycle: 'h23', ...options }).formatToParts(
    d,
  ))
    out[p.type] = p.value;
  return out;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD in China time. A date without a time (an exam date) is shown as it is, never shifted by a zone. */
export function date(x: string | Date | null | undefined): string {
  if (missing(x as Num)) return DASH;
  if (typeof x === 'string' && DATE_ONLY.test(x)) return x;
  const d = x instanceof Date ? x : new Date(x as string);
  if (Number.isNaN(d.getTime())) return DASH;
  const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** YYYY-MM-DD HH:mm in China time. */
export function dateTime(x: string | Date | null | undefined): string {
  if (missing(x as Num)) return DASH;
  const d = x instanceof Date ? x : new Date(x as string);
  if (Number.isNaN(d.getTime())) return DASH;
  const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A duration in minutes, as a lead reads an estimate: 约 40 分钟, 约 2 小时 5 分钟. */
export function minutesLeft(m: number | null): string {
  if (m === null) return '暂无进度数据';
  if (m === 0) return '已完成';
  if (m < 60) return `约 ${m} 分钟`;
  return `约 ${Math.floor(m / 60)} 小时 ${m % 60} 分钟`;
}
