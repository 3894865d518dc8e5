// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { AnswerSnippetRepository } from './answer-snippet.repository.js';
import { ExamAbsenceRepository } from './exam-absence.repository.js';
import { ObjectiveResponseRepository } from './objective-response.repository.js';
import { OmrReviewRepository } from './omr-review.repository.js';
import { ScanBatchRepository } from './scan-batch.repository.js';
import { ScanIngestRepository } from './scan-ingest.repository.js';
import { ScannedPageRepository } from './scanned-page.repository.js';
import { ScanPurgeRepository } from './scan-purge.repository.js';
import { ScanProgressRepository } from './scan-progress.repository.js';

export const SCANS_REPOSITORIES = [
  ScanBatchRepository,
  ScannedPageRepository,
  ObjectiveResponseRepository,
  AnswerSnippetRepository,
  OmrReviewRepository,
  ExamAbsenceRepository,
  ScanIngestRepository,
  ScanProgressRepository,
  ScanPurgeRepository,
];
