// The roster of a school for one paper as the scanner works through it: who has a whole sheet read, who has only
// some of its pages (缺页), who is marked 缺考 and whose sheet is still missing. Plain data in, plain data out.

export interface RosterEntry {
  id: number;
  examNo: string;
  name: string;
  className: string;
}

export interface RosterPage {
  id: number;
  studentId: number | null;
  pageNo: number | null;
  /** 'processed' (read) or 'queued' (waiting to be read). */
  status: string;
  originalName: string;
}

export type RosterState = 'scanned' | 'partial' | 'absent' | 'missing';

export interface RosterRow {
  studentId: number;
  examNo: string;
  name: string;
  className: string;
  state: RosterState;
  /** Page numbers of the sheet not read for a student with some read (缺页). */
  missingPages: number[];
  absent: boolean;
  pages: { pageId: number; pageNo: number | null; status: string; originalName: string }[];
}

/**
 * Each student's state. A sheet of several pages is whole when every page of the paper's layout (`pageNos`) is read
 * for the student: a student with some pages read and others not is 缺页 (partial), so the scanner looks for the page
 * before the results count the student as incomplete.
 */
export function rosterRows(
  students: RosterEntry[],
  pages: RosterPage[],
  absent: Set<number>,
  pageNos: number[],
): RosterRow[] {
  const pagesOf = new Map<number, RosterPage[]>();
  for (const p of pages) if (p.studentId !== null) pagesOf.set(p.studentId, [...(pagesOf.get(p.studentId) ?? []), p]);
  return students.map((s) => {
    const id = Number(s.id);
    const mine = pagesOf.get(id) ?? [];
    const read = new Set(mine.filter((p) => p.status === 'processed').map((p) => p.pageNo));
    const missingPages = read.size ? pageNos.filter((n) => !read.has(n)) : [];
    const state: RosterState = read.size
      ? missingPages.length
        ? 'partial'
        : 'scanned'
      : absent.has(id)
        ? 'absent'
        : 'missing';
    return {
      studentId: id,
      examNo: s.examNo,
      name: s.name,
      className: s.className,
      state,
      missingPages,
      absent: absent.has(id),
      pages: mine.map((p) => ({ pageId: p.id, pageNo: p.pageNo, status: p.status, originalName: p.originalName })),
    };
  });
}

/** How many students are in each state, and on the roster. */
export function rosterCounts(rows: RosterRow[]) {
  const count = (state: RosterState) => rows.filter((r) => r.state === state).length;
  return {
    roster: rows.length,
    scanned: count('scanned'),
    partial: count('partial'),
    absent: count('absent'),
    missing: count('missing'),
  };
}
