// Import of an earlier exam's results (历史成绩导入): a bureau's spreadsheet of last term's totals, one row per
// student (考号, 姓名, then one column per subject), becomes an exam marked as imported, so that it can serve as
// the prior exam of 纵看. Pure: the caller reads the file into rows and passes the alliance's roster.
import { createHash } from 'node:crypto';
import type { SheetRow } from '../../org/domain/roster.js';

/** Why an imported exam refuses what belongs to a scanned exam (papers, sheets, scans, 缺考, results job). */
export const IMPORTED_EXAM_REFUSAL = '该考试为历史成绩导入，只有成绩，没有试卷、答题卡、扫描和阅卷环节';

export interface RosterEntry {
  id: number;
  name: string;
  schoolId: number;
}

export interface ResultsImportContext {
  /** The alliance's students by exam number (only those that matter: a superset of the file's is fine). */
  studentsByExamNo: ReadonlyMap<string, RosterEntry>;
  /** Full marks given beside the file (form field), by subject; '*' applies to every subject without one in its header. */
  fullMarks: ReadonlyMap<string, number>;
}

export interface ImportedSubject {
  subject: string;
  fullMarks: number;
}

export interface ImportedRow {
  rowNo: number;
  studentId: number;
  schoolId: number;
  /** One per subject, in subject order; null = 缺考 (blank cell or the word 缺考). */
  totals: (number | null)[];
}

export type ResultsImportResult =
  { ok: true; subjects: ImportedSubject[]; rows: ImportedRow[] } | { ok: false; errors: string[] };

export const SUBJECT_MAX = 40;
/** Paper full marks are DECIMAL(7,2); no real exam is out of more than this. */
export const FULL_MARKS_MAX = 1000;
/** How many leading non-empty rows may precede the header (a title row such as "六年级期末成绩"). */
const HEADER_SEARCH_ROWS = 5;
/** Stop listing errors after this many: a wrong file would otherwise give thousands of lines. */
const MAX_ERRORS = 200;

const EXAM_NO_HEADERS = ['考号', '准考证号', 'examno', 'exam_no', 'exam no'];
const NAME_HEADERS = ['姓名', '学生姓名', 'name'];
/** Columns a bureau's export often carries that are not subjects. */
const IGNORED_HEADERS = [
  '学校',
  '校名',
  '班级',
  '序号',
  '总分',
  '名次',
  '排名',
  '性别',
  '学号',
  '备注',
  'school',
  'class',
  'total',
  'rank',
];
const ABSENT_WORDS = ['缺考', '缺', '-', '—', '/'];

const normalize = (s: string) => (s ?? '').normalize('NFKC').trim();
const headerKey = (s: string) => normalize(s).toLowerCase().replace(/\s+/g, ' ');
/** Names compare without spaces and width differences: "张 三" and "张三" are one name. */
export const normalizePersonName = (s: string) => normalize(s).replace(/\s+/g, '');

/** A score or full marks as written in a cell: a non-negative decimal with at most two places, else null. */
export function parseScore(text: string): number | null {
  const t = normalize(text);
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Number(t);
}

/** "数学(100)" / "数学（100分）" / "数学 满分100" → subject and full marks; "数学" → full marks null. */
export function parseSubjectHeader(header: string): { subject: string; fullMarks: number | null } {
  const h = normalize(header).replace(/\s+/g, ' ');
  const m = /^(.+?)\s*(?:\(\s*(?:满分)?\s*(\d+(?:\.\d+)?)\s*分?\s*\)|满分\s*(\d+(?:\.\d+)?)\s*分?)$/.exec(h);
  if (m) return { subject: m[1].trim(), fullMarks: Number(m[2] ?? m[3]) };
  return { subject: h, fullMarks: null };
}

/**
 * The form field with full marks: "100" (every subject), or "数学=100；语文=120" (also ":" / "：", separated by
 * "," "，" ";" "；" or new lines), or a JSON object {"数学":100}. Returns the map or the Chinese reason.
 */
export function parseFullMarksField(raw: unknown): Map<string, number> | string {
  const out = new Map<string, number>();
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return out;
  const bad = '满分（fullMarks）格式不对：应为一个数（所有科目），或“数学=100；语文=120”';
  const put = (subject: string, value: unknown): string | null => {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? parseScore(value) : null;
    if (n === null || !(n > 0) || n > FULL_MARKS_MAX)
      return `满分（fullMarks）中“${subject === '*' ? '满分' : subject}”的值应为大于 0、不超过 ${FULL_MARKS_MAX} 的数`;
    out.set(subject, n);
    return null;
  };
  if (typeof raw === 'number') return put('*', raw) ?? out;
  if (typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      const err = put(normalize(k), v);
      if (err) return err;
    }
    return out;
  }
  if (typeof raw !== 'string') return bad;
  const text = raw.trim();
  if (text.startsWith('{')) {
    try {
      return parseFullMarksField(JSON.parse(text) as Record<string, unknown>);
    } catch {
      return bad;
    }
  }
  if (parseScore(text) !== null) return put('*', text) ?? out;
  for (const part of text
    .split(/[,，;；\n]+/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(.+?)\s*[=:：]\s*(.+)$/.exec(normalize(part));
    if (!m) return bad;
    const err = put(m[1].trim(), m[2].trim());
    if (err) return err;
  }
  return out;
}

const isBlankRow = (row: SheetRow) => row.cells.every((c) => (c ?? '').trim() === '');

/** Where the header found each column: -1 for a column that is not there. */
interface ResultsColumns {
  examNoCol: number;
  nameCol: number;
  subjects: ImportedSubject[];
  /** Column of each subject, in subject order. */
  subjectCols: number[];
}

/** A subject column's header: the subject with its full marks (from the header or the form), or why not. */
function subjectOf(
  raw: string,
  at: string,
  known: ImportedSubject[],
  ctx: ResultsImportContext,
): ImportedSubject | string {
  const { subject, fullMarks: inHeader } = parseSubjectHeader(raw);
  if (subject.length > SUBJECT_MAX) return `${at}科目名“${subject}”过长（最多${SUBJECT_MAX}个字）`;
  if (known.some((s) => s.subject === subject)) return `${at}科目“${subject}”出现了两次`;
  const fullMarks = inHeader ?? ctx.fullMarks.get(subject) ?? ctx.fullMarks.get('*') ?? null;
  if (fullMarks === null)
    return `科目“${subject}”缺少满分：请把表头写成“${subject}(100)”，或在表单字段 fullMarks 中填写`;
  if (!(fullMarks > 0) || fullMarks > FULL_MARKS_MAX || parseScore(String(fullMarks)) === null)
    return `科目“${subject}”的满分 ${fullMarks} 不对：应为大于 0、不超过 ${FULL_MARKS_MAX} 的数，最多两位小数`;
  return { subject, fullMarks };
}

/** The header row's columns: 考号, 姓名 and one per subject (known extra columns ignored); problems go to `errors`. */
function readColumns(header: SheetRow, ctx: ResultsImportContext, errors: string[]): ResultsColumns {
  const at = `第${header.rowNo}行：`;
  const cols: ResultsColumns = { examNoCol: -1, nameCol: -1, subjects: [], subjectCols: [] };
  header.cells.forEach((raw, i) => {
    const key = headerKey(raw ?? '');
    if (key === '') return;
    if (EXAM_NO_HEADERS.includes(key)) {
      if (cols.examNoCol >= 0) errors.push(`${at}列“考号”出现了两次`);
      else cols.examNoCol = i;
      return;
    }
    if (NAME_HEADERS.includes(key)) {
      if (cols.nameCol >= 0) errors.push(`${at}列“姓名”出现了两次`);
      else cols.nameCol = i;
      return;
    }
    if (IGNORED_HEADERS.includes(key)) return;
    const subject = subjectOf(raw, at, cols.subjects, ctx);
    if (typeof subject === 'string') return void errors.push(subject);
    cols.subjects.push(subject);
    cols.subjectCols.push(i);
  });
  if (cols.subjects.length === 0 && errors.length === 0)
    errors.push('没有科目列：考号、姓名之后应有每个科目一列，如“数学(100)”');
  for (const [subject, n] of ctx.fullMarks) {
    if (subject !== '*' && !cols.subjects.some((s) => s.subject === subject) && n > 0)
      errors.push(`满分（fullMarks）中的科目“${subject}”不在文件中`);
  }
  return cols;
}

const cellOf = (row: SheetRow, col: number) => normalize(row.cells[col] ?? '');

/**
 * One data row: the student (by exam number, never guessed; the name, if given, must agree) and a total per subject
 * (null = 缺考). Every problem goes to `fail`; null when there was one.
 */
function readRow(
  row: SheetRow,
  cols: ResultsColumns,
  ctx: ResultsImportContext,
  firstRowOf: Map<string, number>,
  fail: (message: string) => void,
): ImportedRow | null {
  let rowOk = true;
  const problem = (message: string) => {
    fail(message);
    rowOk = false;
  };
  const examNo = cellOf(row, cols.examNoCol);
  let student: RosterEntry | undefined;
  if (examNo === '') problem('考号为空');
  else if (firstRowOf.has(examNo)) problem(`考号 ${examNo} 重复（与第${firstRowOf.get(examNo)}行相同）`);
  else {
    firstRowOf.set(examNo, row.rowNo);
    student = ctx.studentsByExamNo.get(examNo);
    // Never guessed: a number the roster does not know may be a typo, or a student who left.
    if (!student) problem(`考号 ${examNo} 不在本联盟学生名单中`);
  }
  if (student && cols.nameCol >= 0) {
    const name = cellOf(row, cols.nameCol);
    if (name !== '' && normalizePersonName(name) !== normalizePersonName(student.name))
      problem(`考号 ${examNo} 的姓名“${name}”与名单不符（名单为“${student.name}”）`);
  }
  const totals: (number | null)[] = [];
  cols.subjects.forEach((s, j) => {
    const text = cellOf(row, cols.subjectCols[j]);
    if (text === '' || ABSENT_WORDS.includes(text)) return void totals.push(null);
    const score = parseScore(text);
    if (score === null)
      problem(`${s.subject}成绩“${text}”不是有效分数（应为不小于 0 的数，最多两位小数；缺考请留空或填“缺考”）`);
    else if (score > s.fullMarks) problem(`${s.subject}成绩 ${text} 超过满分 ${s.fullMarks}`);
    totals.push(score);
  });
  return rowOk && student ? { rowNo: row.rowNo, studentId: student.id, schoolId: student.schoolId, totals } : null;
}

export function validateResultsImport(rows: SheetRow[], ctx: ResultsImportContext): ResultsImportResult {
  const filled = rows.filter((r) => !isBlankRow(r));
  if (filled.length === 0) return { ok: false, errors: ['文件为空：没有找到表头和成绩数据'] };

  const headerIdx = filled
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) => r.cells.some((c) => EXAM_NO_HEADERS.includes(headerKey(c ?? ''))));
  if (headerIdx < 0)
    return { ok: false, errors: ['缺少列：考号（表头应为 考号、姓名，然后每个科目一列，如“数学(100)”）'] };

  const errors: string[] = [];
  const cols = readColumns(filled[headerIdx], ctx, errors);
  if (errors.length) return { ok: false, errors };

  const data = filled.slice(headerIdx + 1);
  if (data.length === 0) return { ok: false, errors: ['文件中只有表头，没有成绩数据'] };

  const firstRowOf = new Map<string, number>();
  const out: ImportedRow[] = [];
  let listed = 0;
  for (const row of data) {
    const fail = (msg: string) => {
      if (listed++ < MAX_ERRORS) errors.push(`第${row.rowNo}行：${msg}`);
    };
    const imported = readRow(row, cols, ctx, firstRowOf, fail);
    if (imported) out.push(imported);
  }
  if (listed > MAX_ERRORS) errors.push(`另有 ${listed - MAX_ERRORS} 处错误未列出`);
  return errors.length ? { ok: false, errors } : { ok: true, subjects: cols.subjects, rows: out };
}

/**
 * Fingerprint of imported results: the subjects with their full marks and every student's totals, in student order.
 * The same results give the same fingerprint whatever the file (CSV or XLSX, row order, title rows, 姓名 column), so
 * importing them a second time is recognised; any changed score gives another fingerprint.
 */
export function resultsFingerprint(
  subjects: readonly ImportedSubject[],
  rows: readonly Pick<ImportedRow, 'studentId' | 'totals'>[],
): string {
  const canonical = {
    subjects: subjects.map((s) => [s.subject, s.fullMarks]),
    rows: [...rows].sort((a, b) => a.studentId - b.studentId).map((r) => [r.studentId, ...r.totals]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Longest 信度来源 stored (exam.stated_reliability_source). */
export const RELIABILITY_SOURCE_MAX = 200;

export interface StatedReliability {
  /** 0 < r ≤ 1, at most three decimals (DECIMAL(4,3)). */
  reliability: number;
  /** Where it came from, as the admin wrote it (e.g. "原考试系统报告 α"). */
  source: string;
}

/**
 * The imported totals' reliability as the admin states it at import (issue 15 item 3), and where it came from:
 * both blank = not stated (null); a reliability needs its source (the report cites it) and a source its reliability.
 * Returns the stated reliability, null, or the Chinese reasons.
 */
export function parseStatedReliability(
  rawReliability: unknown,
  rawSource: unknown,
): StatedReliability | null | string[] {
  const text = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? normalize(v) : '');
  const r = text(rawReliability);
  const source = text(rawSource).replace(/\s+/g, ' ');
  if (r === '' && source === '') return null;
  const errors: string[] = [];
  const value = /^(0(\.\d{1,3})?|1(\.0{1,3})?|\.\d{1,3})$/.test(r) ? Number(r) : NaN;
  if (r === '') errors.push('填写了信度来源，但没有填写信度（0 到 1 之间的小数，如 0.82）');
  else if (!(value > 0 && value <= 1))
    errors.push(`信度“${r}”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82`);
  if (source === '' && r !== '') errors.push('请填写信度的来源，如“原考试系统报告 α”');
  else if (source.length > RELIABILITY_SOURCE_MAX) errors.push(`信度来源过长（最多${RELIABILITY_SOURCE_MAX}个字）`);
  return errors.length ? errors : { reliability: value, source };
}

/** One subject's stated reliability (issue 15, imported priors with several subjects). */
export interface SubjectReliability extends StatedReliability {
  subject: string;
}

/**
 * Reliabilities stated per subject at import: a JSON list `[{"subject":"数学","reliability":0.85,"source":"…"}]` (the
 * form sends it as one field), each checked as parseStatedReliability does and against the file's subjects. A row
 * with both figures blank is left out; subjects without a row keep the exam's stated reliability (the default).
 * Returns the list (empty when none), or the Chinese reasons.
 */
export function parseSubjectReliabilities(raw: unknown, subjects: readonly string[]): SubjectReliability[] | string[] {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return [];
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return ['各科信度的格式不对：应为科目、信度、来源的列表'];
    }
  }
  if (!Array.isArray(list)) return ['各科信度的格式不对：应为科目、信度、来源的列表'];
  const errors: string[] = [];
  const out: SubjectReliability[] = [];
  const seen = new Set<string>();
  for (const entry of list) {
    const e = (entry ?? {}) as { subject?: unknown; reliability?: unknown; source?: unknown };
    const subject = typeof e.subject === 'string' ? normalize(e.subject) : '';
    const stated = parseStatedReliability(e.reliability, e.source);
    if (subject === '') {
      if (stated !== null) errors.push('各科信度中有一行没有填写科目');
      continue;
    }
    if (!subjects.includes(subject)) {
      errors.push(`各科信度中的科目“${subject}”不在成绩文件中（文件中的科目：${subjects.join('、')}）`);
      continue;
    }
    if (seen.has(subject)) {
      errors.push(`科目“${subject}”的信度填写了不止一次`);
      continue;
    }
    seen.add(subject);
    if (Array.isArray(stated)) errors.push(...stated.map((m) => `${subject}：${m}`));
    else if (stated) out.push({ subject, ...stated });
  }
  return errors.length ? errors : out;
}
