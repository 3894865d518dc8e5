// The admin's and the bureau's analysis answer (GET /api/exams/:id/analysis) carries the alliance-level figures and one
// summary per school; what grows with a school's classes and items (its classes, per-item figures, score bands,
// knowledge points, diagnosis detail) is served per school (GET /api/exams/:id/schools/:schoolId/analysis). A city
// 联考 of 200 schools × 8 classes sent ~17 MB per paper with every class of every school in it.
import type { ExamAnalysisData, SchoolAnalysis } from './exam-analysis.js';

/** The parts of a school's analysis left out of the summary answer: fetched per school. */
export const SCHOOL_DETAIL_PARTS = ['classes', 'items', 'bands', 'knowledgePoints', 'detail'] as const;

export type SchoolDetailPart = (typeof SCHOOL_DETAIL_PARTS)[number];

/** A school in the summary answer: counts, 三率一分, relative figures, rate intervals, top-N counts. */
export type SchoolSummary = Omit<SchoolAnalysis, SchoolDetailPart>;

/** A paper's analysis with every school as its summary. */
export type AnalysisSummary = Omit<ExamAnalysisData, 'schools'> & { schools: SchoolSummary[] };

export function schoolSummary(s: SchoolAnalysis): SchoolSummary {
  const { classes: _c, items: _i, bands: _b, knowledgePoints: _k, detail: _d, ...summary } = s;
  return summary;
}

export function analysisSummary(data: ExamAnalysisData): AnalysisSummary {
  return { ...data, schools: data.schools.map(schoolSummary) };
}
