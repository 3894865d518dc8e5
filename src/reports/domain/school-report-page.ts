// The school report as the result page reads it (GET /api/exams/:id/schools/:schoolId/report): the very model the PDF
// lays out (school-report.ts), minus what only the suggestion library's bookkeeping needs (finding keys with item ids,
// lever keys, version ids). Nothing is recomputed or added here, so the page and the PDF say the same.
import type { ReportSection, SchoolReportModel } from './school-report.js';
import type { Verdict } from './verdict.js';

export type PageSection = Omit<ReportSection, 'findingList'>;

/** A file the reader may download beside the page (the PDF, the XLSX exports the role may have). */
export interface PageLink {
  label: string;
  url: string;
}

export interface SchoolReportPage {
  examId: number;
  schoolId: number;
  documentTitle: string;
  examName: string;
  schoolName: string;
  dateText: string;
  /** 成绩发布: released, when, and outdated when scores changed since (the page says so in a banner). */
  release: { released: boolean; releasedAt: string | null; outdated: boolean };
  verdict: Omit<Verdict, 'leverKeys'>;
  /** 学科组建议的做法 under each lever of page 1. */
  measures: { about: string; suggestions: string[] }[];
  sections: PageSection[];
  appendix: { heading: string; lines: string[] }[];
  /** The rendered PDF of this school, null while it is not rendered (yet). */
  pdf: string | null;
  exports: PageLink[];
}

export interface PageContext {
  examId: number;
  schoolId: number;
  release: { released: boolean; releasedAt: Date | null; outdated: boolean };
  pdf: string | null;
  exports: PageLink[];
}

export function schoolReportPage(model: SchoolReportModel, ctx: PageContext): SchoolReportPage {
  const { leverKeys: _keys, ...verdict } = model.verdict;
  return {
    examId: ctx.examId,
    schoolId: ctx.schoolId,
    documentTitle: model.documentTitle,
    examName: model.examName,
    schoolName: model.schoolName,
    dateText: model.dateText,
    release: {
      released: ctx.release.released,
      releasedAt: ctx.release.releasedAt ? ctx.release.releasedAt.toISOString() : null,
      outdated: ctx.release.outdated,
    },
    verdict,
    measures: model.measures.measures.map((m) => ({ about: m.about, suggestions: m.suggestions.map((s) => s.text) })),
    sections: model.sections.map(({ findingList: _list, ...s }) => s),
    appendix: model.appendix,
    pdf: ctx.pdf,
    exports: ctx.exports,
  };
}
