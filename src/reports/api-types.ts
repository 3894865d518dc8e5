// The reports feature's answers as the web pages read them. Type-only, like src/results/api-types.ts: web/ imports
// these (`import type`), so a change of an answer breaks the web's typecheck instead of a page at run time.
import type { ReleaseMark } from '../results/api-types.js';
import type { AllianceOverview } from './domain/alliance-overview.js';
import type { SchoolReportPage } from './domain/school-report-page.js';

export type { Wire } from '../results/api-types.js';
export type { AllianceOverview, OverviewRow, OverviewSubject } from './domain/alliance-overview.js';
export type { PageSection, SchoolReportPage } from './domain/school-report-page.js';
export type { ReportTable } from './domain/school-report.js';

/** GET /api/exams/:id/overview */
export interface OverviewResponse {
  examId: number;
  examName: string;
  /** 成绩发布 and whether scores changed since (the figures are then not the released ones' basis). */
  release: ReleaseMark;
  pdfUrl: string;
  overview: AllianceOverview;
}

/** GET /api/exams/:id/schools/:schoolId/report: the PDF's model as the result page reads it. */
export type SchoolReportAnswer = SchoolReportPage;
