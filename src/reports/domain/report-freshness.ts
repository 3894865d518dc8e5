// Whether a school's stored PDF is the report of the exam's current results, or an earlier version kept downloadable
// while the new one is rendered (or failed): said, never served silently under a status that suggests otherwise.

export interface StoredReport {
  status: 'queued' | 'ready' | 'failed';
  /** Null: no PDF stored yet. */
  blobKey: string | null;
  /** The score version of the results the PDF was drawn from (null: from before it was kept). */
  scoreVersion: number | null;
}

/**
 * True when the stored PDF is an earlier version: a render of newer results is queued or failed, or the PDF was drawn
 * from older results than the exam's stored ones (`computedVersion`: null when none). False without a PDF, and for a
 * ready PDF of unknown version (kept from before versions were recorded: nothing says it is older).
 */
export function pdfOutdated(report: StoredReport | null, computedVersion: number | null): boolean {
  if (!report?.blobKey) return false;
  if (report.status !== 'ready') return true;
  return report.scoreVersion !== null && computedVersion !== null && report.scoreVersion < computedVersion;
}
