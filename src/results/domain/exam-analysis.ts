// The analysis of one paper, as stored in ExamAnalysis.data and read by pages and reports.
import type { StudentOutcome } from './student-outcomes.js';
import {
  groupReliability,
  itemFigures,
  RelativeFigures,
  relativeFigures,
  round,
  ScoreBand,
  scoreBands,
  summarise,
  Summary,
  Thresholds,
} from './statistics.js';

export type SchoolKindName = 'lead' | 'member' | 'comparison';
export type LocalityName = 'urban' | 'rural';

export interface ItemInfo {
  itemId: number;
  seq: number;
  /** Printed number, e.g. "17(1)". */
  label: string;
  maxScore: number;
  knowledgePoints: string[];
}

export interface UnitItemFigures {
  itemId: number;
  mean: number;
  /** Score rate P = mean / item max (0..1). */
  scoreRate: number;
}

/**
 * Figures of one unit (a school, the alliance, the comparison group, urban or rural schools).
 * Counts are always given; figures are null when the group is suppressed (n ≤ 5).
 * All rates are fractions (0.853 = 85.3%); numbers are rounded to 4 decimals.
 */
export interface UnitAnalysis {
  /** Roster students of the unit (those of the exam's grade). */
  roster: number;
  absent: number;
  /** Present but with some item not finally scored yet; excluded from the figures. */
  incomplete: number;
  /** Students counted in the figures. */
  n: number;
  /** n ≤ 5: no figures at all. */
  suppressed: boolean;
  /** 5 < n < 15: figures given but flagged as unreliable. */
  unreliable: boolean;
  /** Schools that contribute to the unit (n > 0); lets views hide aggregates that would identify one school. */
  schoolIds: number[];
  summary: Summary | null;
  /** Against the alliance; null when this unit or the alliance is suppressed. */
  relative: RelativeFigures | null;
  bands: ScoreBand[] | null;
  /** Same order as ExamAnalysisData.items. */
  items: UnitItemFigures[] | null;
}

export interface SchoolAnalysis extends UnitAnalysis {
  schoolId: number;
  name: string;
  kind: SchoolKindName;
  locality: LocalityName;
}

export interface ExamAnalysisData {
  version: 1;
  examId: number;
  paper: { paperId: number; subject: string; fullMarks: number };
  thresholds: Thresholds;
  items: ItemInfo[];
  /** Lead + member schools. Comparison schools are outside the alliance and never part of it. */
  alliance: UnitAnalysis;
  /** 联盟外对照校 together. */
  comparison: UnitAnalysis;
  /** Alliance schools by locality (城区 / 乡村). */
  urban: UnitAnalysis;
  rural: UnitAnalysis;
  /** Every school of the alliance record, comparison schools included, ordered by school id. */
  schools: SchoolAnalysis[];
}

export interface PaperAnalysisInput {
  examId: number;
  paper: { paperId: number; subject: string; fullMarks: number };
  thresholds: Thresholds;
  items: ItemInfo[];
  schools: { schoolId: number; name: string; kind: SchoolKindName; locality: LocalityName }[];
  outcomes: StudentOutcome[];
}

const r4 = (x: number) => round(x, 4);
const roundSummary = (s: Summary): Summary => ({
  n: s.n,
  mean: r4(s.mean),
  sd: r4(s.sd),
  median: r4(s.median),
  min: s.min,
  max: s.max,
  scoreRate: r4(s.scoreRate),
  excellentRate: r4(s.excellentRate),
  passRate: r4(s.passRate),
  lowRate: r4(s.lowRate),
});
const roundRelative = (r: RelativeFigures): RelativeFigures => ({
  aboveMeanRate: r.aboveMeanRate === null ? null : r4(r.aboveMeanRate),
  ratioToMean: r.ratioToMean === null ? null : r4(r.ratioToMean),
  tIndex: r.tIndex === null ? null : r4(r.tIndex),
});

interface RawUnit {
  unit: UnitAnalysis;
  /** Unrounded mean and SD, so relative figures do not compound rounding. */
  mean: number | null;
  sd: number | null;
}

function buildUnit(outcomes: StudentOutcome[], input: PaperAnalysisInput): RawUnit {
  const complete = outcomes.filter((o) => o.status === 'complete');
  const n = complete.length;
  const reliability = groupReliability(n);
  const suppressed = reliability === 'suppressed';
  const unit: UnitAnalysis = {
    roster: outcomes.length,
    absent: outcomes.filter((o) => o.status === 'absent').length,
    incomplete: outcomes.filter((o) => o.status === 'incomplete').length,
    n,
    suppressed,
    unreliable: reliability === 'unreliable',
    schoolIds: [...new Set(complete.map((o) => o.schoolId))].sort((a, b) => a - b),
    summary: null,
    relative: null,
    bands: null,
    items: null,
  };
  if (suppressed) return { unit, mean: null, sd: null };
  const totals = complete.map((o) => o.total as number);
  const s = summarise(totals, input.paper.fullMarks, input.thresholds);
  unit.summary = roundSummary(s);
  unit.bands = scoreBands(totals, input.paper.fullMarks);
  unit.items = input.items.map((it) => {
    const f = itemFigures(complete.map((o) => o.itemScores[it.itemId]), it.maxScore);
    return { itemId: it.itemId, mean: r4(f.mean), scoreRate: r4(f.scoreRate) };
  });
  return { unit, mean: s.mean, sd: s.sd };
}

/** Builds the stored analysis of one paper from every roster student's outcome. */
export function analysePaper(input: PaperAnalysisInput): ExamAnalysisData {
  const schoolOf = new Map(input.schools.map((s) => [s.schoolId, s]));
  const inUnit = (pred: (s: PaperAnalysisInput['schools'][number]) => boolean) =>
    input.outcomes.filter((o) => {
      const s = schoolOf.get(o.schoolId);
      return s !== undefined && pred(s);
    });
  const inAlliance = (s: { kind: SchoolKindName }) => s.kind !== 'comparison';

  const alliance = buildUnit(inUnit(inAlliance), input);
  const withRelative = (raw: RawUnit): UnitAnalysis => {
    if (raw.mean !== null && alliance.mean !== null && alliance.sd !== null) {
      raw.unit.relative = roundRelative(relativeFigures(raw.mean, alliance.mean, alliance.sd));
    }
    return raw.unit;
  };

  return {
    version: 1,
    examId: input.examId,
    paper: input.paper,
    thresholds: input.thresholds,
    items: input.items,
    alliance: withRelative(alliance),
    comparison: withRelative(buildUnit(inUnit((s) => s.kind === 'comparison'), input)),
    urban: withRelative(buildUnit(inUnit((s) => inAlliance(s) && s.locality === 'urban'), input)),
    rural: withRelative(buildUnit(inUnit((s) => inAlliance(s) && s.locality === 'rural'), input)),
    schools: [...input.schools]
      .sort((a, b) => a.schoolId - b.schoolId)
      .map((s) => ({ schoolId: s.schoolId, name: s.name, kind: s.kind, locality: s.locality, ...withRelative(buildUnit(inUnit((x) => x.schoolId === s.schoolId), input)) })),
  };
}
