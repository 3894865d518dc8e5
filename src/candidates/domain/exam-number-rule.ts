// The exam-number (考号) rule of an exam: fixed-length digit segments (year, school, class, sequence, room, seat)
// followed by a check digit. Pure: the students come in as plain rows, the numbers go out.
import { checkDigit, type CheckDigitScheme } from './check-digit.js';

export type SegmentKind = 'year' | 'school' | 'class' | 'seq' | 'room' | 'seat';

export const SEGMENT_LABEL: Record<SegmentKind, string> = {
  year: '年份',
  school: '学校编号',
  class: '班级编号',
  seq: '序号',
  room: '考场号',
  seat: '座位号',
};

export interface Segment {
  kind: SegmentKind;
  length: number;
}

export interface ExamNumberRule {
  segments: Segment[];
  checkDigit: CheckDigitScheme;
  /** The year the 'year' segment prints (its last digits). */
  year: number;
}

/** The answer sheet's exam-number grid holds 4–12 digits (src/sheets). */
export const MIN_DIGITS = 4;
export const MAX_DIGITS = 12;

/** School code 2 digits + class 2 + sequence in class 3 + Damm check digit: 8 digits, the sheets' default grid. */
export const DEFAULT_RULE: Omit<ExamNumberRule, 'year'> = {
  segments: [
    { kind: 'school', length: 2 },
    { kind: 'class', length: 2 },
    { kind: 'seq', length: 3 },
  ],
  checkDigit: 'damm',
};

export interface NumberingStudent {
  studentId: number;
  schoolId: number;
  schoolCode: string;
  classId: number;
  className: string;
  /** The roster's student number (学籍号/学号): orders the sequence within a class. */
  rosterNo: string;
  room: number | null;
  seat: number | null;
}

export type RuleCheck = { ok: true; rule: ExamNumberRule } | { ok: false; errors: string[] };

const KINDS = Object.keys(SEGMENT_LABEL) as SegmentKind[];
const SCHEMES: CheckDigitScheme[] = ['damm', 'luhn', 'none'];

/** The digits a number of this rule has, check digit included. */
export function ruleLength(rule: Pick<ExamNumberRule, 'segments' | 'checkDigit'>): number {
  return rule.segments.reduce((n, s) => n + s.length, 0) + (rule.checkDigit === 'none' ? 0 : 1);
}

/** Validates a rule as sent by a page; every problem in Chinese. */
export function parseRule(raw: unknown, year: number): RuleCheck {
  const body = (raw ?? {}) as { segments?: unknown; checkDigit?: unknown };
  const errors: string[] = [];
  const scheme = (body.checkDigit ?? DEFAULT_RULE.checkDigit) as CheckDigitScheme;
  if (!SCHEMES.includes(scheme)) errors.push('校验位方式只能是 damm、luhn 或 none');
  const rawSegments = body.segments ?? DEFAULT_RULE.segments;
  if (!Array.isArray(rawSegments) || !rawSegments.length) return { ok: false, errors: ['考号规则至少要有一段'] };
  const segments: Segment[] = [];
  for (const [i, s] of rawSegments.entries()) {
    const { kind, length } = (s ?? {}) as { kind?: unknown; length?: unknown };
    if (!KINDS.includes(kind as SegmentKind)) errors.push(`第${i + 1}段的类型无效`);
    else if (!Number.isInteger(length) || (length as number) < 1 || (length as number) > 6)
      errors.push(`第${i + 1}段（${SEGMENT_LABEL[kind as SegmentKind]}）的位数应为 1–6`);
    else if (segments.some((x) => x.kind === kind)) errors.push(`${SEGMENT_LABEL[kind as SegmentKind]}只能出现一次`);
    else segments.push({ kind: kind as SegmentKind, length: length as number });
  }
  if (errors.length) return { ok: false, errors };
  const rule = { segments, checkDigit: scheme, year };
  const n = ruleLength(rule);
  if (n < MIN_DIGITS || n > MAX_DIGITS)
    errors.push(`考号共 ${n} 位，答题卡考号栏只能是 ${MIN_DIGITS}–${MAX_DIGITS} 位`);
  if (!segments.some((s) => s.kind === 'seq' || s.kind === 'seat'))
    errors.push('考号规则须含“序号”或“座位号”段，否则不同考生会得到相同考号');
  if (segments.some((s) => s.kind === 'seat') && !segments.some((s) => s.kind === 'room'))
    errors.push('使用座位号时须同时含考场号');
  return errors.length ? { ok: false, errors } : { ok: true, rule };
}

const COLLATOR = new Intl.Collator('zh-CN', { numeric: true });
const DIGITS = /^[0-9]+$/;
// Roster numbers are mostly plain digits: compared as numbers without the collator, which is slow on 100,000 rows.
const natural = (a: string, b: string) =>
  DIGITS.test(a) && DIGITS.test(b) ? a.length - b.length || (a < b ? -1 : a > b ? 1 : 0) : COLLATOR.compare(a, b);

/**
 * Schools' numbers: their codes when every code is digits, fits the segment and stays distinct once padded;
 * otherwise their order by code (1, 2, …), so one alliance never mixes the two.
 */
function schoolNumbers(students: NumberingStudent[], length: number): Map<number, number> {
  const codes = new Map<number, string>();
  for (const s of students) codes.set(s.schoolId, s.schoolCode);
  const numeric = [...codes.values()].every((c) => /^[0-9]+$/.test(c) && Number(c) < 10 ** length);
  const distinct = new Set([...codes.values()].map(Number)).size === codes.size;
  const ordered = [...codes.entries()].sort((a, b) => natural(a[1], b[1]) || a[0] - b[0]);
  return new Map(ordered.map(([id, code], i) => [id, numeric && distinct ? Number(code) : i + 1]));
}

/** Classes' numbers within their school: 1, 2, … in the natural order of their names (七(2)班 before 七(10)班). */
function classNumbers(students: NumberingStudent[]): Map<number, number> {
  const bySchool = new Map<number, Map<number, string>>();
  for (const s of students) {
    const m = bySchool.get(s.schoolId) ?? new Map<number, string>();
    m.set(s.classId, s.className);
    bySchool.set(s.schoolId, m);
  }
  const out = new Map<number, number>();
  for (const classes of bySchool.values())
    [...classes.entries()].sort((a, b) => natural(a[1], b[1]) || a[0] - b[0]).forEach(([id], i) => out.set(id, i + 1));
  return out;
}

/** Sequence numbers 1, 2, … within the narrowest group the rule names (class, else school, else all), by roster number. */
function sequenceNumbers(students: NumberingStudent[], rule: ExamNumberRule): Map<number, number> {
  const kinds = new Set(rule.segments.map((s) => s.kind));
  const group = (s: NumberingStudent) =>
    kinds.has('class') ? `c${s.classId}` : kinds.has('school') ? `s${s.schoolId}` : '';
  const sorted = [...students].sort((a, b) => natural(a.rosterNo, b.rosterNo) || a.studentId - b.studentId);
  const next = new Map<string, number>();
  const out = new Map<number, number>();
  for (const s of sorted) {
    const n = (next.get(group(s)) ?? 0) + 1;
    next.set(group(s), n);
    out.set(s.studentId, n);
  }
  return out;
}

export type Numbering = { ok: true; numbers: Map<number, string> } | { ok: false; errors: string[] };

/** Every student's exam number under the rule (studentId → number), or why the rule cannot number them. */
export function generateExamNumbers(rule: ExamNumberRule, students: NumberingStudent[]): Numbering {
  const len = (k: SegmentKind) => rule.segments.find((s) => s.kind === k)?.length ?? 0;
  const schools = schoolNumbers(students, len('school'));
  const classes = classNumbers(students);
  const seqs = sequenceNumbers(students, rule);
  const errors = new Set<string>();
  const numbers = new Map<number, string>();
  for (const s of students) {
    const values: Record<SegmentKind, number | null> = {
      year: rule.year % 10 ** len('year'),
      school: schools.get(s.schoolId)!,
      class: classes.get(s.classId)!,
      seq: seqs.get(s.studentId)!,
      room: s.room,
      seat: s.seat,
    };
    let payload = '';
    for (const seg of rule.segments) {
      const v = values[seg.kind];
      if (v === null) errors.add('考号规则含考场号或座位号，请先编排考场');
      else if (v >= 10 ** seg.length) errors.add(`${SEGMENT_LABEL[seg.kind]} ${v} 超过 ${seg.length} 位，请加长该段`);
      payload += String(v ?? 0)
        .padStart(seg.length, '0')
        .slice(-seg.length);
    }
    numbers.set(s.studentId, payload + checkDigit(rule.checkDigit, payload));
  }
  if (errors.size) return { ok: false, errors: [...errors] };
  const seen = new Map<string, number>();
  for (const [id, n] of numbers) {
    if (seen.has(n)) return { ok: false, errors: [`规则为两名考生生成了相同考号 ${n}，请调整考号规则`] };
    seen.set(n, id);
  }
  return { ok: true, numbers };
}
