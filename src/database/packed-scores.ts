import { queryOf, type Tx } from './unit-of-work.js';

// One item's scores as the database packs them: "studentId score[ marked]" records joined by "\n" (GROUP_CONCAT per
// item, in index order). The results job reads a paper's 2.5 million OMR readings and final scores so, 25 rows a
// paper instead of one row object each: the rows were most of its reading time and of its garbage. Pure.

const NL = 10;
const SPACE = 32;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;

/**
 * Calls `onRecord` for each record of `text`, in order; returns how many there were. A score is read as Number()
 * reads its decimal text (its digits as an integer over a power of ten: both are the double nearest the decimal).
 * `marked` (withMarks) is the rest of the record after the second space ("" blank); repeated marks share a string.
 */
export function eachPacked(
  text: string,
  withMarks: boolean,
  onRecord: (studentId: number, score: number, marked: string) => void,
): number {
  const marks = new Map<string, string>();
  let count = 0;
  let at = 0;
  const end = text.length;
  while (at < end) {
    let studentId = 0;
    let c = text.charCodeAt(at);
    while (c !== SPACE) {
      studentId = studentId * 10 + (c - ZERO);
      c = text.charCodeAt(++at);
    }
    c = text.charCodeAt(++at);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++at);
    let digits = 0;
    let scale = 1;
    let fraction = false;
    while (at < end && c !== SPACE && c !== NL) {
      if (c === DOT) fraction = true;
      else {
        digits = digits * 10 + (c - ZERO);
        if (fraction) scale *= 10;
      }
      c = text.charCodeAt(++at);
    }
    const score = (negative ? -digits : digits) / scale;
    let marked = '';
    if (withMarks && c === SPACE) {
      const from = ++at;
      while (at < end && text.charCodeAt(at) !== NL) at++;
      marked = markOf(marks, text.slice(from, at));
    } else while (at < end && text.charCodeAt(at) !== NL) at++;
    at++;
    count++;
    onRecord(studentId, score, marked);
  }
  return count;
}

function markOf(marks: Map<string, string>, m: string): string {
  const known = marks.get(m);
  if (known !== undefined) return known;
  marks.set(m, m);
  return m;
}

/** GROUP_CONCAT's limit for a packed item: 100,000 students' records are ~1.5 MB, past MariaDB's default 1 MB. */
const PACKED_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Runs `sql`, whose rows are one item each (`i` its id, `n` its record count, `r` its packed records), and calls
 * `onRecord` for every record. Throws when a row holds fewer records than it counted (GROUP_CONCAT cut it short).
 */
export async function readPacked(
  tx: Tx,
  sql: string,
  params: unknown[],
  withMarks: boolean,
  onRecord: (itemId: number, studentId: number, score: number, marked: string) => void,
): Promise<void> {
  const q = queryOf(tx);
  await q.query(`SET SESSION group_concat_max_len = ${PACKED_MAX_BYTES}`);
  const rows: { i: number; n: number | string; r: string | Buffer | null }[] = await q.query(sql, params);
  for (const row of rows) {
    const itemId = Number(row.i);
    const text = row.r === null ? '' : String(row.r);
    const count = eachPacked(text, withMarks, (s, v, m) => onRecord(itemId, s, v, m));
    if (count !== Number(row.n))
      throw new Error(`item ${itemId}: ${count} of ${row.n} scores read (packed list cut short)`);
  }
}
