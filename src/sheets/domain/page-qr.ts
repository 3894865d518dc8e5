// What the QR code of a sheet page says. Pure: the text only; drawing and reading the symbol live in adapters.
//
// "TK1|<examId>|<paperId>|<pageNo>" on a sheet for anyone, "TK1|<examId>|<paperId>|<pageNo>|<studentId>" on a
// personalised one. Short on purpose: a small QR version prints large modules, which survive poor scans.

export interface PageQr {
  examId: number;
  paperId: number;
  pageNo: number;
  /** Present on a personalised sheet: the student it was printed for. */
  studentId: number | null;
}

const PREFIX = 'TK1';
const ID = /^[1-9][0-9]{0,9}$/;

export function pageQrText(q: PageQr): string {
  for (const v of [q.examId, q.paperId, q.pageNo, ...(q.studentId === null ? [] : [q.studentId])]) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`page QR: not a positive id: ${v}`);
  }
  return [PREFIX, q.examId, q.paperId, q.pageNo, ...(q.studentId === null ? [] : [q.studentId])].join('|');
}

/** The page code in a QR text, or null if the text is not one of ours (another QR on the page, a misread). */
export function parsePageQr(text: string | null | undefined): PageQr | null {
  if (!text) return null;
  const parts = text.trim().split('|');
  if (parts[0] !== PREFIX || (parts.length !== 4 && parts.length !== 5)) return null;
  if (!parts.slice(1).every((p) => ID.test(p))) return null;
  const [examId, paperId, pageNo, studentId] = parts.slice(1).map(Number);
  return { examId, paperId, pageNo, studentId: studentId ?? null };
}
