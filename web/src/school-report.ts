// The school report as GET /api/exams/:id/schools/:schoolId/report serves it (src/reports/domain/school-report-page.ts:
// the PDF's model, less the suggestion library's keys). Tables are text as the PDF prints them; charts are the chart
// spec that src/reports/pdf/chart-options.ts turns into ECharts options for the PDF and for this page alike.
import type { ReportChart } from '../../src/reports/domain/chart-spec';

export interface Table {
  header: string[];
  rows: string[][];
}

export interface Section {
  heading: string;
  subject: string;
  isTotal: boolean;
  intro: string[];
  mainTable: Table;
  findings: string[];
  charts: ReportChart[];
  chartNote: string | null;
  knowledgeTable: Table | null;
  levelTable: Table | null;
  errors: { choice: Table | null; subjective: Table | null; notes: string[] };
  borderline: string[];
  bandTable: Table | null;
  classTable: Table | null;
  classKnowledgeTable: Table | null;
  classNotes: string[];
  peerTable: Table;
  peerNotes: string[];
  valueAdded: {
    intro: string[];
    warnings: string[];
    table: Table | null;
    peerTable: Table | null;
    /** The own school's value-added over the linked exams (考试, 增值, 95%置信区间, 结论), oldest first. */
    trendTable?: Table | null;
    notes: string[];
  } | null;
  loop: { lines: string[]; table: Table | null } | null;
}

export interface SchoolReport {
  examId: number;
  schoolId: number;
  documentTitle: string;
  examName: string;
  schoolName: string;
  dateText: string;
  release: { released: boolean; releasedAt: string | null; outdated: boolean };
  verdict: { headline: string; movement: string[]; standing: string[]; findings: string[]; levers: string[] };
  measures: { about: string; suggestions: string[] }[];
  sections: Section[];
  appendix: { heading: string; lines: string[] }[];
  pdf: string | null;
  exports: { label: string; url: string }[];
}
