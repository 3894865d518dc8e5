// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { ExamAnalysisRepository } from './exam-analysis.repository.js';
import { ExamRosterRepository } from './exam-roster.repository.js';
import { ExportRowsRepository } from './exports/export-rows.repository.js';
import { PaperInputsRepository } from './paper-inputs.repository.js';
import { ReleaseGate } from './release-gate.js';
import { ResultsReleaseRepository } from './results-release.repository.js';
import { ResultsRetryRepository } from './results-retry.repository.js';
import { ScoreVersionRepository } from './score-version.repository.js';
import { StudentResultRepository } from './student-result.repository.js';

export const RESULTS_REPOSITORIES = [
  StudentResultRepository,
  ExamAnalysisRepository,
  PaperInputsRepository,
  ExamRosterRepository,
  ExportRowsRepository,
  ScoreVersionRepository,
  ResultsReleaseRepository,
  ResultsRetryRepository,
  ReleaseGate,
];
