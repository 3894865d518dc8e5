// Roster (学生名单) validation: spreadsheet rows in, students or a full list of errors out. Pure: the
// caller reads the file into rows and passes the school's classes and the alliance's known exam numbers.

export interface SheetRow {
  /** The spreadsheet's own row number (1-based), so errors point where the teacher looks. */
  rowNo: number;
  cells: string[];
}

export interface RosterClass {
  id: number;
  name: string;
}

export interface RosterContext {
  classes: RosterClass[];
  /** Exam numbers already used in the alliance (only those that matter: a superset of the file's is fine). */
  existingExamNos: ReadonlySet<string>;
  /** Digit count of the alliance's existing exam numbers, if it has any: one sheet grid serves them all. */
  examNoLength: number | null;
}

export interface RosterStudent {
  rowNo: number;
  examNo: string;
  name: string;
  classId: number;
}

export type RosterResult = { ok: true; students: RosterStudent[] } | { ok: false; errors: string[] };

export const EXAM_NO_MIN_DIGITS = 4;
export const EXAM_NO_MAX_DIGITS = 12;
const NAME_MAX = 60;
/** How many leading non-empty rows may precede the header (a title row such as "七年级学生名单"). */
const HEADER_SEARCH_ROWS = 5;

type Column = 'examNo' | 'name' | 'className';
const COLUMN_LABEL: Record<Column, string> = { examNo: '考号', name: '姓名', className: '班级' };
const HEADER_ALIASES: Record<Column, string[]> = {
  examNo: ['考号', '准考证号', 'examno', 'exam_no', 'exam no'],
  name: ['姓名', '学生姓名', 'name'],
  className: ['班级', 'class', 'classname', 'class_name', 'class name'],
};

/** Full-width → half-width (NFKC), trimmed, inner spaces dropped: "七（9）班 " and "七(9)班" are one class. */
export function normalizeClassName(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '');
}

function normalizeHeader(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

function columnOf(header: string): Column | null {
  const h = normalizeHeader(header);
  for (const col of Object.keys(HEADER_ALIASES) as Column[]) if (HEADER_ALIASES[col].includes(h)) return col;
  return null;
}

const isBlank = (row: SheetRow) => row.cells.every((c) => (c ?? '').trim() === '');

/** The most common value (ties: the first seen), or null for an empty list. */
function mode(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

/** Where the header row has each column; a column named twice or missing is an error. */
function headerPositions(header: SheetRow): { positions: Partial<Record<Column, number>>; errors: string[] } {
  const positions: Partial<Record<Column, number>> = {};
  const errors: string[] = [];
  header.cells.forEach((cell, i) => {
    const col = columnOf(cell ?? '');
    if (!col) return;
    if (positions[col] !== undefined) errors.push(`第${header.rowNo}行：列“${COLUMN_LABEL[col]}”出现了两次`);
    else positions[col] = i;
  });
  for (const col of Object.keys(COLUMN_LABEL) as Column[]) {
    if (positions[col] === undefined) errors.push(`缺少列：${COLUMN_LABEL[col]}`);
  }
  return { positions, errors };
}

const wellFormed = (s: string) => /^\d+$/.test(s) && s.length >= EXAM_NO_MIN_DIGITS && s.length <= EXAM_NO_MAX_DIGITS;

/** What is wrong with a row's exam number (null: nothing); `firstRowOf` holds the file's numbers seen so far. */
function examNoProblem(
  examNo: string,
  expectedLength: number | null,
  firstRowOf: Map<string, number>,
  existing: ReadonlySet<string>,
): string | null {
  if (examNo === '') return '考号为空';
  if (!/^\d+$/.test(examNo)) return `考号 ${examNo} 应只含数字`;
  if (examNo.length < EXAM_NO_MIN_DIGITS || examNo.length > EXAM_NO_MAX_DIGITS)
    return `考号 ${examNo} 位数不对，应为 ${EXAM_NO_MIN_DIGITS}–${EXAM_NO_MAX_DIGITS} 位数字`;
  if (expectedLength !== null && examNo.length !== expectedLength) {
    const hint = examNo.length < expectedLength ? '；若开头的 0 被表格软件去掉了，请把考号列设为文本格式' : '';
    return `考号 ${examNo} 位数不对，应为 ${expectedLength} 位（与本联盟其他考号一致）${hint}`;
  }
  if (firstRowOf.has(examNo)) return `考号 ${examNo} 重复（与第${firstRowOf.get(examNo)}行相同）`;
  if (existing.has(examNo)) return `考号 ${examNo} 重复（本联盟已有学生使用此考号）`;
  return null;
}

export function validateRoster(rows: SheetRow[], ctx: RosterContext): RosterResult {
  const filled = rows.filter((r) => !isBlank(r));
  if (filled.length === 0) return { ok: false, errors: ['文件为空：没有找到表头和学生数据'] };

  // Header: the first row naming a known column, within the first few non-empty rows.
  const headerIdx = Math.max(
    0,
    filled.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.some((c) => columnOf(c ?? '') !== null)),
  );
  const { positions, errors } = headerPositions(filled[headerIdx]);
  if (errors.length) return { ok: false, errors };

  const data = filled.slice(headerIdx + 1);
  if (data.length === 0) return { ok: false, errors: ['文件中只有表头，没有学生数据'] };

  const classByName = new Map<string, number>();
  for (const c of ctx.classes)
    if (!classByName.has(normalizeClassName(c.name))) classByName.set(normalizeClassName(c.name), c.id);

  const cell = (row: SheetRow, col: Column) => (row.cells[positions[col]!] ?? '').trim();
  // Every exam number of an alliance has one length: the sheet's 考号 grid has a fixed number of columns.
  const expectedLength =
    ctx.examNoLength ??
    mode(
      data
        .map((r) => cell(r, 'examNo'))
        .filter(wellFormed)
        .map((s) => s.length),
    );

  const firstRowOf = new Map<string, number>();
  const students: RosterStudent[] = [];
  for (const row of data) {
    const before = errors.length;
    const fail = (msg: string) => errors.push(`第${row.rowNo}行：${msg}`);
    const examNo = cell(row, 'examNo');
    const name = cell(row, 'name');
    const className = cell(row, 'className');

    const problem = examNoProblem(examNo, expectedLength, firstRowOf, ctx.existingExamNos);
    if (problem) fail(problem);
    if (/^\d+$/.test(examNo) && !firstRowOf.has(examNo)) firstRowOf.set(examNo, row.rowNo);

    if (name === '') fail('姓名为空');
    else if (name.length > NAME_MAX) fail(`姓名过长（最多${NAME_MAX}个字）`);

    const classId = className === '' ? undefined : classByName.get(normalizeClassName(className));
    if (className === '') fail('班级为空');
    else if (classId === undefined) fail(`班级“${className}”不存在`);

    if (errors.length === before) students.push({ rowNo: row.rowNo, examNo, name, classId: classId! });
  }
  return errors.length ? { ok: false, errors } : { ok: true, students };
}
