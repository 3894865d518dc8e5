// The 纵看 section as stored beside a paper's analysis (ExamAnalysis.data.longitudinal), and a principal's share
// of it. Pure: read by the results API, the exports and the school report.
import type { ExamAnalysisData } from './exam-analysis.js';
import type { VaTrend } from './linked-priors.js';
import { otherSchoolVa } from './principal-privacy.js';
import type { VaVerdict } from './va-statement.js';
import { anonymousLabels } from './principal-view.js';
import { principalLongitudinal, type LongitudinalAnalysis, type PrincipalLongitudinal } from './value-added.js';

/** 纵看 section stored beside the paper analysis (ExamAnalysis.data.longitudinal); null when the exam has no prior exam. */
export type StoredLongitudinal =
  | (LongitudinalAnalysis & {
      priorExamId: number;
      priorExamName: string;
      priorPaperId: number;
      /** The exams whose totals are the prior columns, newest first (the prior exam alone unless several are linked). */
      priorExams?: { examId: number; name: string }[];
      /** Each school's value-added over the linked exams (linked-priors.ts); null or absent: fewer than two. */
      trend?: VaTrend | null;
    })
  | { priorExamId: number; priorExamName: string; priorPaperId: number | null; unavailable: string };

/** Other schools' figures rounded (principal-privacy.ts, rule 3), with the verdict taken on the exact interval. */
export type PrincipalOtherLongitudinal = PrincipalLongitudinal['otherSchools'][number] & { verdict: VaVerdict | null };

export type PrincipalStoredLongitudinal =
  | (Omit<PrincipalLongitudinal, 'otherSchools'> & {
      otherSchools: PrincipalOtherLongitudinal[];
      priorExamId: number;
      priorExamName: string;
      priorPaperId: number;
      priorExams?: { examId: number; name: string }[];
      /** Own school(s) only. */
      trend?: VaTrend | null;
    })
  | { priorExamId: number; priorExamName: string; priorPaperId: number | null; unavailable: string };

/** A principal's share of the stored 纵看 section, with the same letters as the rest of the principal view. */
export function principalLongitudinalOf(
  data: ExamAnalysisData,
  l: StoredLongitudinal | null,
  own: number[],
): PrincipalStoredLongitudinal | null {
  if (!l || 'unavailable' in l) return l;
  const labels = anonymousLabels(
    data.examId,
    data.schools.filter((s) => s.kind !== 'comparison').map((s) => s.schoolId),
    own,
    data.anonymisationKey ?? '',
  );
  const { priorExamId, priorExamName, priorPaperId, priorExams, trend, ...analysis } = l;
  const share = principalLongitudinal(analysis, own, labels);
  // VA/SE grows with √n; the shrunken VA over σ, beside the rounded raw VA, gives the shrinkage factor and so n.
  // Only the ratio of 比均率 (means alone) carries no head count.
  const carriesN = analysis.improvementFormula.name !== 'ratio_change';
  return {
    priorExamId,
    priorExamName,
    priorPaperId,
    ...(priorExams && { priorExams }),
    // Other schools' earlier value-added would tie this exam's letters to figures the principal saw elsewhere.
    ...(trend !== undefined && {
      trend: trend && { ...trend, schools: trend.schools.filter((s) => own.includes(s.schoolId)) },
    }),
    ...share,
    otherSchools: share.otherSchools.map((o) => otherSchoolVa(o, carriesN)),
  };
}
