// 量化考核 of the alliances of a county (issue 17 item 1): for each alliance its latest released exam per grade and
// subject, side by side: students, 三率一分, the urban–rural gap, the between-school balance (CV of school means) and
// the share of its schools whose value-added is 明显高于 / 明显低于 the alliance's. Every alliance's own reports stay
// as they are; this only reads what their analyses stored. Pure: no framework, no database.
import type { ExamAnalysisData } from './exam-analysis.js';
import { groupReliability } from './statistics.js';
import type { StoredLongitudinal } from './stored-longitudinal.js';
import { TOTAL_SUBJECT } from './subject-totals.js';
import { verdictOf } from './va-statement.js';
import {
  type AllianceFigures,
  type AllianceTrend,
  type ComparisonGroup,
  type CountyComparison,
  TREND_EXAMS,
  type TrendPoint,
} from './county-figures.js';

export * from './county-figures.js';

/** One paper's stored analysis (the total as subject 总分), as the comparison reads it. */
export interface ComparisonPaper {
  subject: string;
  data: Pick<ExamAnalysisData, 'alliance' | 'urban' | 'rural' | 'schools' | 'balance' | 'paper'>;
  longitudinal: StoredLongitudinal | null;
}

/** A released exam of an alliance (only released ones are given). */
export interface ComparisonExam {
  examId: number;
  name: string;
  /** The grade as the exam states it (七年级); '' when none. */
  grade: string;
  examDate: string | null;
  releasedAt: Date | null;
  /** Scores changed since the release (the view says so). */
  outdated?: boolean;
  papers: ComparisonPaper[];
}

export interface ComparisonAlliance {
  allianceId: number;
  name: string;
  exams: ComparisonExam[];
}

const r4 = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1e4) / 1e4);

/** Later first: exam date, then release time, then id (an exam without a date counts as its release's day). */
function later(a: ComparisonExam, b: ComparisonExam): number {
  const da = a.examDate ?? '';
  const db = b.examDate ?? '';
  if (da !== db) return da < db ? 1 : -1;
  const ra = a.releasedAt?.getTime() ?? 0;
  const rb = b.releasedAt?.getTime() ?? 0;
  if (ra !== rb) return rb - ra;
  return b.examId - a.examId;
}

/** The figures of one alliance's paper. */
export function allianceFigures(a: ComparisonAlliance, exam: ComparisonExam, paper: ComparisonPaper): AllianceFigures {
  const { alliance, balance, schools, paper: p } = paper.data;
  const s = alliance.suppressed ? null : alliance.summary;
  const inAlliance = new Set(schools.filter((x) => x.kind !== 'comparison').map((x) => x.schoolId));
  const l = paper.longitudinal;
  const verdicts =
    l && !('unavailable' in l)
      ? l.schools
          .filter((x) => inAlliance.has(x.schoolId) && !x.suppressed)
          .map((x) => verdictOf(x))
          .filter((v) => v !== null)
      : [];
  const share = (v: string) => (verdicts.length ? r4(verdicts.filter((x) => x === v).length / verdicts.length) : null);
  const gap = balance?.urbanRural ?? null;
  return {
    allianceId: a.allianceId,
    allianceName: a.name,
    examId: exam.examId,
    examName: exam.name,
    examDate: exam.examDate,
    outdated: exam.outdated ?? false,
    fullMarks: p.fullMarks,
    students: alliance.n,
    suppressed: groupReliability(alliance.n) === 'suppressed' || alliance.suppressed,
    unreliable: groupReliability(alliance.n) === 'unreliable',
    mean: r4(s?.mean),
    scoreRate: r4(s?.scoreRate),
    excellentRate: r4(s?.excellentRate),
    passRate: r4(s?.passRate),
    lowRate: r4(s?.lowRate),
    urbanRuralGap: r4(gap?.meanGap),
    urbanRuralRateGap: r4(gap?.scoreRateGap),
    cvOfMeans: r4(balance?.between?.cvOfMeans),
    balanceSchools: balance?.between ? balance.schoolIds.length : 0,
    vaSchools: verdicts.length,
    vaAboveShare: share('above'),
    vaBelowShare: share('below'),
  };
}

function trendPoint(f: AllianceFigures): TrendPoint {
  return {
    examId: f.examId,
    examName: f.examName,
    examDate: f.examDate,
    students: f.students,
    suppressed: f.suppressed,
    scoreRate: f.suppressed ? null : f.scoreRate,
    cvOfMeans: f.cvOfMeans,
    urbanRuralRateGap: f.urbanRuralRateGap,
  };
}

/**
 * For every grade × subject that some alliance has results of, each alliance's latest released exam with that
 * subject, and its trend over its released exams of that grade and subject (oldest first, the latest last). Groups by
 * grade, subjects in the order first met with 总分 last; alliances in the order given.
 */
export function countyComparison(alliances: readonly ComparisonAlliance[]): CountyComparison {
  const groups = new Map<string, ComparisonGroup>();
  const withoutResults: CountyComparison['withoutResults'] = [];
  for (const a of alliances) {
    const exams = [...a.exams].filter((e) => e.papers.length).sort(later);
    if (!exams.length) withoutResults.push({ allianceId: a.allianceId, name: a.name });
    const taken = new Map<string, AllianceTrend>();
    for (const exam of exams)
      for (const paper of exam.papers) {
        const key = `${exam.grade}\u0000${paper.subject}`;
        const trend = taken.get(key);
        if (trend) {
          if (trend.points.length < TREND_EXAMS) trend.points.unshift(trendPoint(allianceFigures(a, exam, paper)));
          continue;
        }
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { grade: exam.grade, subject: paper.subject, alliances: [], trend: [] }));
        const figures = allianceFigures(a, exam, paper);
        g.alliances.push(figures);
        const mine: AllianceTrend = { allianceId: a.allianceId, allianceName: a.name, points: [trendPoint(figures)] };
        g.trend.push(mine);
        taken.set(key, mine);
      }
  }
  const order = [...groups.values()];
  const gradeOrder = [...new Set(order.map((g) => g.grade))];
  const seen = new Map(order.map((g, i) => [g, i]));
  const firstSeen = (g: ComparisonGroup) => seen.get(g)!;
  order.sort(
    (x, y) =>
      gradeOrder.indexOf(x.grade) - gradeOrder.indexOf(y.grade) ||
      Number(x.subject === TOTAL_SUBJECT) - Number(y.subject === TOTAL_SUBJECT) ||
      firstSeen(x) - firstSeen(y),
  );
  const allianceOrder = alliances.map((a) => a.allianceId);
  const byAlliance = (x: { allianceId: number }, y: { allianceId: number }) =>
    allianceOrder.indexOf(x.allianceId) - allianceOrder.indexOf(y.allianceId);
  for (const g of order) {
    g.alliances.sort(byAlliance);
    g.trend.sort(byAlliance);
  }
  return { groups: order, withoutResults };
}
