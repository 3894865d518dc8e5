// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { AnswerSnippet } from './answer-snippet.entity.js';
import { ExamAbsence } from './exam-absence.entity.js';
import { ObjectiveResponse } from './objective-response.entity.js';
import { OmrReview } from './omr-review.entity.js';
import { ScanBatch } from './scan-batch.entity.js';
import { ScannedPage } from './scanned-page.entity.js';
import { ScanPurge } from './scan-purge.entity.js';

export const SCANS_ENTITIES = [
  ScanBatch,
  ScannedPage,
  ObjectiveResponse,
  AnswerSnippet,
  OmrReview,
  ExamAbsence,
  ScanPurge,
];
