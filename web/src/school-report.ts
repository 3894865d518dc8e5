// The school report as GET /api/exams/:id/schools/:schoolId/report serves it: the server's own answer type
// (src/reports/api-types.ts, type-only), so a change of the answer breaks this page's typecheck. Charts are the chart
// spec that src/reports/pdf/chart-options.ts turns into ECharts options for the PDF and for this page alike.
import type { PageSection, ReportTable, SchoolReportAnswer, Wire } from '../../src/reports/api-types';

export type Table = ReportTable;
export type Section = Wire<PageSection>;
export type SchoolReport = Wire<SchoolReportAnswer>;
