// Every migration, in timestamp order. A new migration is added here as well as in its own file
// (one line each, so parallel branches merge without conflicts).
import { CoreSchema1764000000000 } from './1764000000000-core-schema.js';
import { OmrReview1764600000000 } from './1764600000000-omr-review.js';
import { PaperWorkflow1764700000000 } from './1764700000000-paper-workflow.js';
import { MarkingQc1764800000000 } from './1764800000000-marking-qc.js';
import { ExamPriorLink1765200000000 } from './1765200000000-exam-prior-link.js';
import { ScanExceptions1765300000000 } from './1765300000000-scan-exceptions.js';
import { ObjectiveFinalScores1765320000000 } from './1765320000000-objective-final-scores.js';
import { MarkingHotPath1765330000000 } from './1765330000000-marking-hot-path.js';
import { SessionEpoch1765350000000 } from './1765350000000-session-epoch.js';
import { UserRoleUnique1765350000100 } from './1765350000100-user-role-unique.js';
import { ExamImportHash1765390000000 } from './1765390000000-exam-import-hash.js';
import { DropTaskQcForIndex1765400000000 } from './1765400000000-drop-task-qc-for-index.js';
import { PaperLayoutHash1765410000000 } from './1765410000000-paper-layout-hash.js';
import { SuggestionLibrary1765470000000 } from './1765470000000-suggestion-library.js';
import { ExamKindGrade1765520000000 } from './1765520000000-exam-kind-grade.js';
import { ReportSuggestions1765480000000 } from './1765480000000-report-suggestions.js';
import { ScoreVersionRelease1765530000000 } from './1765530000000-score-version-release.js';
import { ExamCandidates1765540000000 } from './1765540000000-exam-candidates.js';
import { MarkingBlocks1765560000000 } from './1765560000000-marking-blocks.js';
import { ScoreVersionShards1765570000000 } from './1765570000000-score-version-shards.js';
import { TeacherClassGrant1765600000000 } from './1765600000000-teacher-class-grant.js';
import { County1765620000000 } from './1765620000000-county.js';
import { StudentNotices1765630000000 } from './1765630000000-student-notices.js';
import { PageSourcePage1765640000000 } from './1765640000000-page-source-page.js';
import { ScanRetention1765660000000 } from './1765660000000-scan-retention.js';
import { ImportedPriorReliability1766100000000 } from './1766100000000-imported-prior-reliability.js';
import { ResultsRetry1766300000000 } from './1766300000000-results-retry.js';
import { ExamSchoolAnalysis1766500000000 } from './1766500000000-exam-school-analysis.js';
import { ScoreReadIndexes1766900000000 } from './1766900000000-score-read-indexes.js';
import { SubjectStatedReliability1767100000000 } from './1767100000000-subject-stated-reliability.js';
import { ReportScoreVersion1767300000000 } from './1767300000000-report-score-version.js';
import { JobGeneration1767500000000 } from './1767500000000-job-generation.js';

export const MIGRATIONS: Function[] = [
  CoreSchema1764000000000,
  OmrReview1764600000000,
  PaperWorkflow1764700000000,
  MarkingQc1764800000000,
  ExamPriorLink1765200000000,
  ScanExceptions1765300000000,
  ObjectiveFinalScores1765320000000,
  MarkingHotPath1765330000000,
  SessionEpoch1765350000000,
  UserRoleUnique1765350000100,
  ExamImportHash1765390000000,
  DropTaskQcForIndex1765400000000,
  PaperLayoutHash1765410000000,
  SuggestionLibrary1765470000000,
  ReportSuggestions1765480000000,
  ExamKindGrade1765520000000,
  ScoreVersionRelease1765530000000,
  ExamCandidates1765540000000,
  MarkingBlocks1765560000000,
  ScoreVersionShards1765570000000,
  TeacherClassGrant1765600000000,
  County1765620000000,
  StudentNotices1765630000000,
  PageSourcePage1765640000000,
  ScanRetention1765660000000,
  ImportedPriorReliability1766100000000,
  ResultsRetry1766300000000,
  ExamSchoolAnalysis1766500000000,
  ScoreReadIndexes1766900000000,
  SubjectStatedReliability1767100000000,
  ReportScoreVersion1767300000000,
  JobGeneration1767500000000,
];
