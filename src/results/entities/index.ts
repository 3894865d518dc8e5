// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { ExamAnalysis } from './exam-analysis.entity.js';
import { ExamSchoolAnalysis } from './exam-school-analysis.entity.js';
import { ResultsRelease } from './results-release.entity.js';
import { ResultsRetry } from './results-retry.entity.js';
import { ScoreVersion } from './score-version.entity.js';
import { StudentResult } from './student-result.entity.js';

export const RESULTS_ENTITIES = [
  StudentResult,
  ExamAnalysis,
  ExamSchoolAnalysis,
  ScoreVersion,
  ResultsRelease,
  ResultsRetry,
];
