// An exam's timetable (科目安排): several subjects, each with a date and a start and end time. Pure validation.

export interface TimetableEntry {
  subject: string;
  date: string | null;
  startTime: string | null;
  endTime: string | null;
}

export type TimetableCheck = { ok: true; entries: TimetableEntry[] } | { ok: false; errors: string[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const SUBJECT_MAX = 40;
export const SUBJECTS_MAX = 20;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : null);

function validDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/** One row: subject named; date and times each optional, but a time needs a date and the end follows the start. */
function entryOf(raw: unknown, n: number, errors: string[]): TimetableEntry | null {
  const r = (raw ?? {}) as Record<string, unknown>;
  const [subject, date, startTime, endTime] = [r.subject, r.date, r.startTime, r.endTime].map(text);
  const at = `第${n}行`;
  if (subject === null || !subject) return (errors.push(`${at}：请填写科目`), null);
  if (subject.length > SUBJECT_MAX) return (errors.push(`${at}：科目名称不能超过${SUBJECT_MAX}个字`), null);
  if (date === null || (date && !validDate(date))) return (errors.push(`${at}（${subject}）：日期应为 年-月-日`), null);
  for (const t of [startTime, endTime])
    if (t === null || (t && !TIME.test(t)))
      return (errors.push(`${at}（${subject}）：时间应为 时:分（24小时制），如 08:30`), null);
  if ((startTime || endTime) && !date) return (errors.push(`${at}（${subject}）：填写了时间，请同时填写日期`), null);
  if (startTime && endTime && endTime <= startTime)
    return (errors.push(`${at}（${subject}）：结束时间应晚于开始时间`), null);
  return { subject, date: date || null, startTime: startTime || null, endTime: endTime || null };
}

/** The whole timetable: each row valid, each subject once, no two subjects at the same time on the same day. */
export function checkTimetable(raw: unknown): TimetableCheck {
  if (!Array.isArray(raw)) return { ok: false, errors: ['科目安排应为列表'] };
  if (raw.length > SUBJECTS_MAX) return { ok: false, errors: [`一次考试最多${SUBJECTS_MAX}个科目`] };
  const errors: string[] = [];
  const entries = raw.map((r, i) => entryOf(r, i + 1, errors)).filter((e): e is TimetableEntry => e !== null);
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.subject)) errors.push(`科目“${e.subject}”重复`);
    seen.add(e.subject);
  }
  const timed = entries.filter((e) => e.date && e.startTime && e.endTime);
  for (let i = 0; i < timed.length; i++)
    for (let j = i + 1; j < timed.length; j++) {
      const [a, b] = [timed[i], timed[j]];
      if (a.date === b.date && a.startTime! < b.endTime! && b.startTime! < a.endTime!)
        errors.push(`“${a.subject}”与“${b.subject}”的考试时间重叠（${a.date}）`);
    }
  return errors.length ? { ok: false, errors } : { ok: true, entries: sortTimetable(entries) };
}

/** By date and start time; undated subjects last, in the order given. */
export function sortTimetable(entries: readonly TimetableEntry[]): TimetableEntry[] {
  const key = (e: TimetableEntry) => `${e.date ?? '9999-99-99'} ${e.startTime ?? '99:99'}`;
  return entries
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (key(x.e) < key(y.e) ? -1 : key(x.e) > key(y.e) ? 1 : x.i - y.i))
    .map((x) => x.e);
}
