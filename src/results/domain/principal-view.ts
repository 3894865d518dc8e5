// What a principal may see of an analysis: their own school in full, the alliance aggregate, and other
// schools only under a letter (学校A, 学校B…). Schools must not receive other schools' identifiable data.
import { createHmac } from 'node:crypto';
import type { ExamAnalysisData, ItemInfo, SchoolAnalysis, UnitAnalysis } from './exam-analysis.js';
import type { RelativeFigures, Summary, Thresholds } from './statistics.js';

/** Keyed shuffle key: without the key, the order of the letters cannot be recomputed from school ids. */
function keyedRank(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** A, B, …, Z, AA, AB, … */
export function letters(index: number): string {
  let s = '';
  let i = index;
  do {
    s = String.fromCharCode(65 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return s;
}

/**
 * Letters for the schools other than the viewer's own, stable for an exam. The order comes from a hash of
 * (exam, school), not from ids, names or results, so 学校A is neither "the first registered" (usually the
 * lead school) nor "the best".
 */
export function anonymousLabels(
  examId: number,
  schoolIds: readonly number[],
  ownSchoolIds: readonly number[],
  key: string,
): Map<number, string> {
  const own = new Set(ownSchoolIds);
  const others = [...new Set(schoolIds)].filter((id) => !own.has(id));
  const rank = new Map(others.map((id) => [id, keyedRank(key, `${examId}:${id}`)]));
  others.sort((a, b) => (rank.get(a)! < rank.get(b)! ? -1 : rank.get(a)! > rank.get(b)! ? 1 : a - b));
  return new Map(others.map((id, i) => [id, `学校${letters(i)}`]));
}

export interface AnonymousSchool {
  label: string;
  // No head count: school sizes are known locally and would give the letter away.
  suppressed: boolean;
  unreliable: boolean;
  /** Aggregate figures only: no min/max, bands or per-item figures of another school. */
  summary: Pick<Summary, 'mean' | 'sd' | 'scoreRate' | 'excellentRate' | 'passRate' | 'lowRate'> | null;
  relative: RelativeFigures | null;
}

export type AggregateView = Omit<UnitAnalysis, 'schoolIds'>;

/**
 * How many of the school's students are in the alliance top N. A count of 1 to 5 is withheld from principals: with
 * their own school's totals it would tell which of their students rank in the alliance top N, a rank about individuals
 * (《未成年人学校保护规定》), and DESIGN suppresses groups of 5 or fewer. 0 and counts of 6 or more are shown.
 */
export interface PrincipalTopN {
  topN: number;
  count: number | null;
  withheld: boolean;
  /** Why the count is not shown (Chinese, for the person reading it); only on withheld counts. */
  reason?: string;
}

export const TOP_N_WITHHELD_MAX = 5;
export const TOP_N_WITHHELD_REASON = `人数在 1～${TOP_N_WITHHELD_MAX} 人之间不予显示，以免据此推断具体学生的联盟排名`;

export function principalTopN(
  list: readonly { topN: number; count: number }[] | null | undefined,
): PrincipalTopN[] | null {
  if (!list) return null;
  return list.map(({ topN, count }) =>
    count >= 1 && count <= TOP_N_WITHHELD_MAX
      ? { topN, count: null, withheld: true, reason: TOP_N_WITHHELD_REASON }
      : { topN, count, withheld: false },
  );
}

export type PrincipalOwnSchool = Omit<SchoolAnalysis, 'schoolIds' | 'topN'> & { topN: PrincipalTopN[] | null };

export interface PrincipalAnalysisView {
  examId: number;
  paper: ExamAnalysisData['paper'];
  thresholds: Thresholds;
  items: ItemInfo[];
  alliance: AggregateView;
  /** null when showing it would reveal one other school's figures (see hideReason). */
  comparison: AggregateView | null;
  urban: AggregateView | null;
  rural: AggregateView | null;
  hidden: { unit: 'comparison' | 'urban' | 'rural'; reason: string }[];
  ownSchools: PrincipalOwnSchool[];
  /** Other alliance schools, sorted by letter. Comparison schools appear only inside the comparison group. */
  otherSchools: AnonymousSchool[];
}

const stripIds = <T extends UnitAnalysis>(u: T): Omit<T, 'schoolIds'> => {
  const { schoolIds: _ignored, ...rest } = u;
  return rest;
};

export const HIDDEN_AGGREGATE_REASON = '该组除本校外只有一所学校，为避免识别该校不予显示';

export function principalView(data: ExamAnalysisData, ownSchoolIds: readonly number[]): PrincipalAnalysisView {
  const own = new Set(ownSchoolIds);
  const allianceSchools = data.schools.filter((s) => s.kind !== 'comparison');
  const labels = anonymousLabels(
    data.examId,
    allianceSchools.map((s) => s.schoolId),
    ownSchoolIds,
    data.anonymisationKey ?? '',
  );
  const hidden: PrincipalAnalysisView['hidden'] = [];
  // An aggregate made of the viewer's school and exactly one other school gives that school's figures away.
  const aggregate = (unit: 'comparison' | 'urban' | 'rural'): AggregateView | null => {
    const u = data[unit];
    const others = u.schoolIds.filter((id) => !own.has(id));
    if (others.length === 1) {
      hidden.push({ unit, reason: HIDDEN_AGGREGATE_REASON });
      return null;
    }
    return stripIds(u);
  };
  const otherSchools: AnonymousSchool[] = allianceSchools
    .filter((s) => !own.has(s.schoolId))
    .map((s) => ({
      label: labels.get(s.schoolId)!,
      suppressed: s.suppressed,
      unreliable: s.unreliable,
      summary: s.summary && {
        mean: s.summary.mean,
        sd: s.summary.sd,
        scoreRate: s.summary.scoreRate,
        excellentRate: s.summary.excellentRate,
        passRate: s.summary.passRate,
        lowRate: s.summary.lowRate,
      },
      relative: s.relative,
    }))
    .sort((a, b) => a.label.length - b.label.length || a.label.localeCompare(b.label));
  return {
    examId: data.examId,
    paper: data.paper,
    thresholds: data.thresholds,
    items: data.items,
    alliance: stripIds(data.alliance),
    comparison: aggregate('comparison'),
    urban: aggregate('urban'),
    rural: aggregate('rural'),
    hidden,
    ownSchools: data.schools
      .filter((s) => own.has(s.schoolId))
      .map((s) => ({ ...stripIds(s), topN: principalTopN(s.topN) })),
    otherSchools,
  };
}
