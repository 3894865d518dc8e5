// The results feature's answers as JSON readers (the web pages) receive them. Type-only: this file and what it imports
// hold no runtime import of a framework, so web/ imports it (`import type`, resolved by vite and vue-tsc) and a change
// of an answer here breaks the web's typecheck instead of a page at run time.
import type { AnalysisSummary } from './domain/analysis-summary.js';
import type { ExamAnalysisData, SchoolAnalysis } from './domain/exam-analysis.js';
import type { PrincipalAnalysisView, PrincipalOwnSchool } from './domain/principal-view.js';
import type { PrincipalStoredLongitudinal, StoredLongitudinal } from './domain/stored-longitudinal.js';
import type { OutcomeStatus } from './domain/student-outcomes.js';

/** A server answer as JSON gives it to the page: dates as ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** 成绩发布 of an exam as readers are told it. */
export interface ReleaseMark {
  released: boolean;
  releasedAt: Date | null;
  /** Scores changed since the release: the figures shown are not the released ones' basis any more. */
  outdated: boolean;
}

/** GET /api/exams/:id/analysis */
export interface AnalysisResponse {
  examId: number;
  examName: string;
  /**
   * 'admin': every unit with school names; 'bureau' (the county's 教研员/督导): the same, without the anonymisation
   * key; 'principal': own school(s) + aggregates + others anonymised.
   */
  view: 'admin' | 'bureau' | 'principal';
  /** 成绩发布: released or not, and outdated by a later change of scores. */
  release: ReleaseMark;
  /**
   * 'admin'/'bureau': each school as its summary (AnalysisSummary: no classes, per-item figures, bands, knowledge
   * points or diagnosis detail; GET …/schools/:schoolId/analysis serves those per school). 'principal': the own school
   * in full.
   */
  papers: ((AnalysisSummary | PrincipalAnalysisView) & {
    computedAt: Date;
    longitudinal: StoredLongitudinal | PrincipalStoredLongitudinal | null;
  })[];
}

/** GET /api/exams/:id/schools/:schoolId/analysis: one school's part of each paper's analysis, classes and all. */
export interface SchoolAnalysisResponse {
  examId: number;
  schoolId: number;
  /** As in AnalysisResponse: 'principal' reads the own school as in its own analysis (top-N counts 1–5 withheld). */
  view: 'admin' | 'bureau' | 'principal';
  release: ReleaseMark;
  papers: {
    paper: ExamAnalysisData['paper'];
    /** The paper's items (the school's per-item figures follow this order). */
    items: ExamAnalysisData['items'];
    computedAt: Date;
    /** null: the paper's analysis has no part for this school. */
    school: SchoolAnalysis | Omit<PrincipalOwnSchool, 'label'> | null;
  }[];
}

/** GET /api/exams/:id/schools/:schoolId/students: one row per student × paper of the school. No ranks. */
export interface SchoolStudentRow {
  studentId: number;
  examNo: string;
  name: string;
  className: string;
  paperId: number;
  subject: string;
  /** 'not_computed' until the results job has run for the paper. */
  status: OutcomeStatus | 'not_computed';
  absent: boolean;
  /** null also when the exam's kind gives this reader 等级 only (学业质量监测: no score lists). */
  total: number | null;
  /** 等级 by the exam's cut-offs (null without a total). */
  band: string | null;
}
