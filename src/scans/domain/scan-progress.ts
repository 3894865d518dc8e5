// Scanning progress of one school for the admin: what is left (sheets neither read nor marked 缺考) and when it should
// be done at the recent pace. Pure.

/** The pace behind the estimate: pages read in the last this many minutes. */
export const SCAN_WINDOW_MINUTES = 60;

export interface SchoolScanFacts {
  /** Students of the school's roster who sit the exam (its grade). */
  expected: number;
  /** Per paper (subject): students with a page read, and students marked 缺考. */
  papers: { paperId: number; read: number; absent: number }[];
  pagesRead: number;
  pagesQueued: number;
  /** Pages read in the last SCAN_WINDOW_MINUTES. */
  recentPages: number;
}

export interface SchoolScanProgress {
  /** Sheets (student × paper) neither read nor marked 缺考: 未扫描, never counted as 缺考. */
  unscanned: number;
  ratePerHour: number;
  /** null: sheets are left and nothing was read lately. */
  minutesLeft: number | null;
}

/**
 * Sheets left = per paper, expected students less those read and those marked absent (never below 0: a student read
 * on a page and also marked absent counts once). The time left turns sheets into pages at this school's pages per
 * sheet so far (1 before any), adds the pages waiting to be read, and divides by the recent pace.
 */
export function schoolScanProgress(f: SchoolScanFacts): SchoolScanProgress {
  const unscanned = f.papers.reduce((s, p) => s + Math.max(0, f.expected - p.read - p.absent), 0);
  const sheetsRead = f.papers.reduce((s, p) => s + p.read, 0);
  const pagesPerSheet = sheetsRead > 0 ? f.pagesRead / sheetsRead : 1;
  const pagesLeft = Math.ceil(unscanned * pagesPerSheet) + f.pagesQueued;
  const ratePerHour = Math.round((f.recentPages * 60) / SCAN_WINDOW_MINUTES);
  let minutesLeft: number | null;
  if (pagesLeft === 0) minutesLeft = 0;
  else if (f.recentPages === 0) minutesLeft = null;
  else minutesLeft = Math.ceil(pagesLeft / (f.recentPages / SCAN_WINDOW_MINUTES));
  return { unscanned, ratePerHour, minutesLeft };
}
