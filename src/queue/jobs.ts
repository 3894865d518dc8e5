// Every name that crosses processes: queues, jobs and their payloads. Workers check at start-up
// that each job name has exactly one handler.

export const QUEUES = {
  ingest: 'scan-ingest',
  results: 'results',
  reports: 'reports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  ingestPage: 'ingest-page',
  rereadPage: 'reread-page',
  copyPage: 'copy-page',
  computeResults: 'compute-results',
  renderReport: 'render-report',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** One page image; job id = content hash (plus exam), so uploading the same page twice enqueues nothing new. */
export interface IngestPagePayload {
  pageId: number;
}
/**
 * One page read again after a person fixed it (assigned a student, turned it, restored it, withdrew a 缺考 mark):
 * queued ahead of the uploads waiting (LIFO), read by the worker, never inside the HTTP request.
 */
export interface RereadPagePayload {
  pageId: number;
  /** Who asked, for the audit rows of the pages read after it (later pages of the sheet that waited for it). */
  userId: number | null;
}
/**
 * The reduced copy of a page read for a student (for the students' notices), made after the page is read: on the
 * scan-ingest queue at a low priority, so a worker makes copies only when no page waits to be read.
 */
export interface CopyPagePayload {
  pageId: number;
}
/**
 * One exam. Every trigger bumps the exam's generation; a job whose generation is no longer the latest
 * skips itself, so a burst of triggers computes once and a trigger during a run is never lost.
 */
export interface ComputeResultsPayload {
  examId: number;
  generation: number;
}
/** One exam × school, generation-stamped like the results job. */
export interface RenderReportPayload {
  examId: number;
  schoolId: number;
  generation: number;
}

export interface JobPayloads {
  [JOBS.ingestPage]: IngestPagePayload;
  [JOBS.rereadPage]: RereadPagePayload;
  [JOBS.copyPage]: CopyPagePayload;
  [JOBS.computeResults]: ComputeResultsPayload;
  [JOBS.renderReport]: RenderReportPayload;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JOBS.ingestPage]: QUEUES.ingest,
  [JOBS.rereadPage]: QUEUES.ingest,
  [JOBS.copyPage]: QUEUES.ingest,
  [JOBS.computeResults]: QUEUES.results,
  [JOBS.renderReport]: QUEUES.reports,
};

/** Job ids derived from what a job works on: adding the same work twice adds nothing. */
export const jobIds = {
  ingestPage: (examId: number, contentHash: string) => `page-${examId}-${contentHash}`,
  rereadPage: (pageId: number, generation: number) => `reread-${pageId}-${generation}`,
  copyPage: (pageId: number) => `copy-${pageId}`,
  computeResults: (examId: number, generation: number) => `results-${examId}-${generation}`,
  renderReport: (examId: number, schoolId: number, generation: number) => `report-${examId}-${schoolId}-${generation}`,
};

/** A job that used up its attempts, as the 失败任务 page lists it. */
export interface FailedJob {
  queue: QueueName;
  id: string;
  name: JobName;
  data: Record<string, unknown>;
  failedReason: string;
  attemptsMade: number;
  failedAt: Date | null;
}
