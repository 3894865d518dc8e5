// What a principal may see of an analysis: their own school in full, the alliance aggregate, and other
// schools only under a letter (学校A, 学校B…). Schools must not receive other schools' identifiable data.
import { createHmac } from 'node:crypto';
import type { ExamAnalysisData, ItemInfo, SchoolAnalysis, UnitAnalysis } from './exam-analysis.js';
import {
  figuresFromRoundedMean,
  mergedBands,
  MIN_OTHER_SCHOOLS_IN_AGGREGATE,
  OTHER_MEAN_DIGITS,
  otherSchoolRate,
  principalFullMarkCount,
  roundOrNull,
} from './principal-privacy.js';
import type { RelativeFigures, ScoreBand, Summary, Thresholds } from './statistics.js';

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
 * One letter per alliance school for the exam, the same in every report, page and export of it (the bureau can then
 * discuss "学校C" with every principal), whoever is reading: the letters are dealt over all the exam's alliance
 * schools, then the viewer's own are left out of the map. The order comes from a keyed hash of (exam, school), not
 * from ids, names or results, so 学校A is neither "the first registered" (usually the lead school) nor "the best".
 */
export function anonymousLabels(
  examId: number,
  schoolIds: readonly number[],
  ownSchoolIds: readonly number[],
  key: string,
): Map<number, string> {
  const all = [...new Set(schoolIds)];
  const rank = new Map(all.map((id) => [id, keyedRank(key, `${examId}:${id}`)]));
  all.sort((a, b) => (rank.get(a)! < rank.get(b)! ? -1 : rank.get(a)! > rank.get(b)! ? 1 : a - b));
  const own = new Set(ownSchoolIds);
  return new Map(all.map((id, i) => [id, `学校${letters(i)}`] as const).filter(([id]) => !own.has(id)));
}

/** The letters of the viewer's own schools (the same deal as anonymousLabels), e.g. to print "本校（学校C）". */
export function ownLabels(examId: number, schoolIds: readonly number[], ownSchoolIds: readonly number[], key: string) {
  const all = anonymousLabels(examId, schoolIds, [], key);
  return new Map(ownSchoolIds.filter((id) => all.has(id)).map((id) => [id, all.get(id)!]));
}

export interface AnonymousSchool {
  label: string;
  // No head count: school sizes are known locally and would give the letter away.
  suppressed: boolean;
  unreliable: boolean;
  /**
   * Aggregate figures only (no min/max, bands or per-item figures of another school), rounded so they do not give the
   * head count away: mean and SD to 1 decimal, 得分率 from that mean, the three rates in 5% steps and null under 20
   * students (principal-privacy.ts).
   */
  summary:
    | (Pick<Summary, 'mean' | 'sd' | 'scoreRate'> & {
        excellentRate: number | null;
        passRate: number | null;
        lowRate: number | null;
      })
    | null;
  relative: RelativeFigures | null;
}

/** A group's summary as principals see it: no minimum, maximum or median (see principal-privacy.ts, rule 4). */
export type AggregateSummary = Omit<Summary, 'min' | 'max' | 'median'> & { min: null; max: null; median: null };

/**
 * The alliance or another group as principals see it: its figures, without min/max/median, with its score bands
 * merged so that every band holds at least six students of other schools (bands may be fewer than the own school's
 * ten, each with its from/to), and the full-mark count only when it cannot single out own students.
 */
export type AggregateView = Omit<UnitAnalysis, 'schoolIds' | 'summary'> & { summary: AggregateSummary | null };

/** A unit as a principal's reader takes it: the own school in full, or an aggregate without min, max and median. */
export type ViewedUnit = Omit<UnitAnalysis, 'schoolIds' | 'summary'> & { summary: Summary | AggregateSummary | null };

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

export type PrincipalOwnSchool = Omit<SchoolAnalysis, 'schoolIds' | 'topN'> & {
  topN: PrincipalTopN[] | null;
  /** The school's letter in this exam, as other principals read it. */
  label: string;
};

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

export const HIDDEN_AGGREGATE_REASON = '该组除本校外不足三所学校，为避免推算出这些学校的数据不予显示';

/** The own schools' band counts summed (null when none has bands). */
function ownBands(schools: readonly SchoolAnalysis[]): ScoreBand[] | null {
  const withBands = schools.filter((s) => s.bands);
  if (!withBands.length) return null;
  return withBands[0].bands!.map((b, i) => ({ ...b, count: withBands.reduce((t, s) => t + s.bands![i].count, 0) }));
}

/** A group (alliance, urban, rural, comparison) as the viewer may see it; `own` = the viewer's schools in the group. */
function aggregateView(u: UnitAnalysis, own: readonly SchoolAnalysis[]): AggregateView {
  const { schoolIds: _ids, summary, bands, fullMarkCount, ...rest } = u;
  const ownFull = own.reduce((t, s) => t + (s.fullMarkCount ?? 0), 0);
  return {
    ...rest,
    summary: summary && { ...summary, min: null, max: null, median: null },
    bands: bands && mergedBands(bands, ownBands(own)),
    fullMarkCount: principalFullMarkCount(fullMarkCount, ownFull),
  };
}

/** Another school's figures, rounded as principal-privacy.ts says (rules 1 and 2). */
function anonymousSchool(
  s: SchoolAnalysis,
  label: string,
  fullMarks: number,
  alliance: Summary | null,
): AnonymousSchool {
  const base = { label, suppressed: s.suppressed, unreliable: s.unreliable };
  if (!s.summary) return { ...base, summary: null, relative: null };
  const { scoreRate, ...relative } = figuresFromRoundedMean(s.summary.mean, fullMarks, alliance);
  return {
    ...base,
    summary: {
      mean: roundOrNull(s.summary.mean, OTHER_MEAN_DIGITS)!,
      sd: roundOrNull(s.summary.sd, OTHER_MEAN_DIGITS)!,
      scoreRate,
      excellentRate: otherSchoolRate(s.summary.excellentRate, s.n),
      passRate: otherSchoolRate(s.summary.passRate, s.n),
      lowRate: otherSchoolRate(s.summary.lowRate, s.n),
    },
    relative: s.relative && relative,
  };
}

/** An own school as its principal reads it (no school id list; top-N counts of 1 to 5 withheld), without its letter. */
export function principalOwnSchool(s: SchoolAnalysis): Omit<PrincipalOwnSchool, 'label'> {
  const { schoolIds: _ids, ...rest } = s;
  return { ...rest, topN: principalTopN(s.topN) };
}

export function principalView(data: ExamAnalysisData, ownSchoolIds: readonly number[]): PrincipalAnalysisView {
  const own = new Set(ownSchoolIds);
  const allianceSchools = data.schools.filter((s) => s.kind !== 'comparison');
  const ids = allianceSchools.map((s) => s.schoolId);
  const key = data.anonymisationKey ?? '';
  const labels = anonymousLabels(data.examId, ids, ownSchoolIds, key);
  const mine = ownLabels(data.examId, ids, ownSchoolIds, key);
  const ownSchools = data.schools.filter((s) => own.has(s.schoolId));
  const ownIn = (u: UnitAnalysis) => ownSchools.filter((s) => u.schoolIds.includes(s.schoolId));
  const hidden: PrincipalAnalysisView['hidden'] = [];
  // An aggregate of the viewer's school and one or two other schools gives those schools' figures away (rule 5).
  const aggregate = (unit: 'comparison' | 'urban' | 'rural'): AggregateView | null => {
    const u = data[unit];
    const others = u.schoolIds.filter((id) => !own.has(id));
    if (others.length > 0 && others.length < MIN_OTHER_SCHOOLS_IN_AGGREGATE) {
      hidden.push({ unit, reason: HIDDEN_AGGREGATE_REASON });
      return null;
    }
    return aggregateView(u, ownIn(u));
  };
  const otherSchools: AnonymousSchool[] = allianceSchools
    .filter((s) => !own.has(s.schoolId))
    .map((s) => anonymousSchool(s, labels.get(s.schoolId)!, data.paper.fullMarks, data.alliance.summary))
    .sort((a, b) => a.label.length - b.label.length || a.label.localeCompare(b.label));
  return {
    examId: data.examId,
    paper: data.paper,
    thresholds: data.thresholds,
    items: data.items,
    alliance: aggregateView(data.alliance, ownIn(data.alliance)),
    comparison: aggregate('comparison'),
    urban: aggregate('urban'),
    rural: aggregate('rural'),
    hidden,
    ownSchools: ownSchools.map((s) => ({ ...principalOwnSchool(s), label: mine.get(s.schoolId) ?? '' })),
    otherSchools,
  };
}
