import type { ExamAnalysisData } from '../domain/exam-analysis.js';
import type { StoredLongitudinal } from '../domain/stored-longitudinal.js';

/** A paper's analysis as the results job stored it, with the 纵看 section and the item analysis the exports read. */
export type StoredAnalysis = ExamAnalysisData & {
  longitudinal?: StoredLongitudinal | null;
  itemAnalysis?: { items?: Record<string, unknown>[]; alpha?: number | null; sem?: number | null };
};
