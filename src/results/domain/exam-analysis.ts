// The analysis of one paper, as stored in ExamAnalysis.data and read by pages and reports.
import { normaliseAnswer } from '../../scans/domain/score-objective.js';
import type { ItemAnalysisItem } from './item-analysis.js';
import { columnsOfRecords, gather, gatherMarks, type ScoreColumns } from './score-columns.js';
import type { StudentOutcome } from './student-outcomes.js';
import { unitDetailColumns, type UnitDetail } from './unit-detail.js';
import {
  groupReliability,
  itemFigures,
  participationRate,
  type RelativeFigures,
  relativeFigures,
  round,
  type ScoreBand,
  scoreBands,
  summarise,
  type Summary,
  type Thresholds,
} from './statistics.js';
import {
  allianceBalance,
  type RateIntervals,
  STATISTICS_METHOD,
  type StoredBalance,
  type StoredItemAnalysis,
  storedItemAnalysisColumns,
  topNBySchool,
  type UnitExtras,
  unitExtras,
} from './units.js';

export type SchoolKindName = 'lead' | 'member' | 'comparison';
export type LocalityName = 'urban' | 'rural';

export interface ItemInfo {
  itemId: number;
  seq: number;
  /** Printed number, e.g. "17(1)". */
  label: string;
  maxScore: number;
  knowledgePoints: string[];
  /** Item type (single_choice, fill_blank, short_answer, …); absent from analyses stored before issue 14. */
  type?: string;
  /** 认知层次 of the 双向细目表 (了解, 理解, 掌握, 运用…), when the paper states it. */
  cognitiveLevel?: string | null;
  /** Choice items (single, multiple, true-false) with a key: options and key, for option shares. */
  choice?: ItemAnalysisItem['choice'];
}

/** The choice description of an item from its type, key and option count; null for other items or without a key. */
export function choiceOf(item: {
  type: string;
  answerKey: string | null;
  optionCount: number;
}): ItemAnalysisItem['choice'] {
  const type = item.type;
  if (type !== 'single_choice' && type !== 'multiple_choice' && type !== 'true_false') return null;
  const key = normaliseAnswer(type, item.answerKey);
  if (!key) return null;
  return type === 'true_false'
    ? { optionCount: 2, options: ['T', 'F'], key, multiple: false }
    : { optionCount: item.optionCount, key, multiple: type === 'multiple_choice' };
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
  /** 未扫描: no sheet read and no 缺考 mark (attendance unknown); excluded from the figures and from 参考率. */
  unscanned?: number;
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
  /** 参考率 = (known − absent)/known, known = roster − unscanned; given even when the figures are suppressed. */
  participationRate?: number | null;
  /** Wilson 95% intervals of the three rates (null when suppressed). Absent from analyses stored before issue 5. */
  rateIntervals?: RateIntervals | null;
  /** Students with full marks: the full-mark band beside the ten 10% bands. */
  fullMarkCount?: number | null;
  /** Score rate per knowledge point, weighted by item max scores. */
  knowledgePoints?: UnitExtras['knowledgePoints'] | null;
  /** Diagnosis figures (item spread, zero/full shares, option shares, group subtotals); null when suppressed. */
  detail?: UnitDetail | null;
}

/** A class of a school as a unit of the analysis: shown only in its own school's report. */
export interface ClassAnalysis extends UnitAnalysis {
  classId: number;
  name: string;
}

export interface SchoolAnalysis extends UnitAnalysis {
  schoolId: number;
  name: string;
  kind: SchoolKindName;
  locality: LocalityName;
  /** Students of the school among the alliance top N (competition ranks, ties included); null when suppressed or outside the alliance. */
  topN?: { topN: number; count: number }[] | null;
  /** The school's classes (those with students on the roster), by name; absent from analyses stored before issue 14. */
  classes?: ClassAnalysis[];
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
  /** Item analysis over the alliance's complete students (null when n ≤ 5). Absent from analyses stored before issue 5. */
  itemAnalysis?: StoredItemAnalysis | null;
  /** 横比: between-school balance of the alliance and the urban–rural gap. */
  balance?: StoredBalance;
  /** How the figures above are defined, in the words a report prints. */
  methods?: typeof STATISTICS_METHOD;
  /** Secret ordering the anonymous letters (学校A, 学校B…); never part of a principal's view. */
  anonymisationKey?: string;
}

export interface PaperAnalysisInput {
  examId: number;
  paper: { paperId: number; subject: string; fullMarks: number };
  thresholds: Thresholds;
  items: ItemInfo[];
  schools: { schoolId: number; name: string; kind: SchoolKindName; locality: LocalityName }[];
  outcomes: StudentOutcome[];
  /**
   * The outcomes' item scores and marks as columns, row i being outcomes[i] (the results job reads them so, and its
   * outcomes carry no item scores). Without it they are taken from each outcome's itemScores and from `marked`.
   */
  columns?: ScoreColumns;
  /** What each student marked on choice items: studentId → itemId → marks ("" blank). Optional; not with columns. */
  marked?: ReadonlyMap<number, Readonly<Record<number, string>>>;
  /** Class names by class id (outcomes carry the class id). */
  classes?: ReadonlyMap<number, string>;
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

/** The paper's outcomes with their item scores and marks as columns in the order of input.items (row i: outcomes[i]). */
interface PaperTable {
  input: PaperAnalysisInput;
  cols: Float64Array[];
  /** Marks of choice items (null for other items and where none were read). */
  marks: ((string | undefined)[] | null)[];
}

function paperTable(input: PaperAnalysisInput): PaperTable {
  const ids = input.items.map((it) => it.itemId);
  const c =
    input.columns ??
    columnsOfRecords(
      ids,
      input.outcomes.map((o) => o.itemScores),
      input.marked && input.outcomes.map((o) => input.marked!.get(o.studentId)),
    );
  if (c.rows !== input.outcomes.length) throw new Error('one score row per outcome');
  const at = input.items.map((it) => {
    const j = c.itemIds.indexOf(it.itemId);
    if (j < 0) throw new Error(`no scores of item ${it.itemId}`);
    return j;
  });
  return {
    input,
    cols: at.map((j) => c.scores[j]),
    marks: at.map((j, k) => (input.items[k].choice ? c.marks[j] : null)),
  };
}

/**
 * One unit from its members (positions in input.outcomes, in order). `counts`: store the whole-point counts of the
 * totals (schools and classes; not aggregates of several schools).
 */
function buildUnit(table: PaperTable, members: readonly number[], counts = false): RawUnit {
  const { input } = table;
  const outcomes = input.outcomes;
  // One pass over the members: their statuses counted, the complete ones listed (in order).
  const byStatus: Partial<Record<StudentOutcome['status'], number>> = {};
  const complete: number[] = [];
  for (const i of members) {
    const status = outcomes[i].status;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 'complete') complete.push(i);
  }
  const statusCount = (s: StudentOutcome['status']) => byStatus[s] ?? 0;
  const n = complete.length;
  const reliability = groupReliability(n);
  const suppressed = reliability === 'suppressed';
  const absent = statusCount('absent');
  const unscanned = statusCount('unscanned');
  // Whether an unscanned student sat is not known: 参考率 is taken over the students whose attendance is known.
  const participation = participationRate(members.length - unscanned, absent);
  const unit: UnitAnalysis = {
    roster: members.length,
    absent,
    unscanned,
    incomplete: statusCount('incomplete'),
    n,
    suppressed,
    unreliable: reliability === 'unreliable',
    schoolIds: [...new Set(complete.map((i) => outcomes[i].schoolId))].sort((a, b) => a - b),
    summary: null,
    relative: null,
    bands: null,
    items: null,
    participationRate: participation === null ? null : r4(participation),
    rateIntervals: null,
    fullMarkCount: null,
    knowledgePoints: null,
    detail: null,
  };
  if (suppressed) return { unit, mean: null, sd: null };
  const totals = complete.map((i) => outcomes[i].total as number);
  const s = summarise(totals, input.paper.fullMarks, input.thresholds);
  unit.summary = roundSummary(s);
  unit.bands = scoreBands(totals, input.paper.fullMarks);
  const cols = table.cols.map((col) => gather(col, complete));
  const itemMeans: number[] = [];
  unit.items = input.items.map((it, j) => {
    const f = itemFigures(cols[j], it.maxScore);
    itemMeans.push(f.mean);
    return { itemId: it.itemId, mean: r4(f.mean), scoreRate: r4(f.scoreRate) };
  });
  const extras = unitExtras(
    totals,
    input.paper.fullMarks,
    input.thresholds,
    input.items.map((it, j) => ({ maxScore: it.maxScore, knowledgePoints: it.knowledgePoints, mean: itemMeans[j] })), // unrounded means
  );
  unit.rateIntervals = extras.rateIntervals;
  unit.fullMarkCount = extras.fullMarkCount;
  unit.knowledgePoints = extras.knowledgePoints;
  unit.detail = unitDetailColumns(
    input.items,
    n,
    cols,
    table.marks.map((m) => gatherMarks(m, complete)),
    counts ? input.paper.fullMarks : null,
  );
  return { unit, mean: s.mean, sd: s.sd };
}

/** Builds the stored analysis of one paper from every roster student's outcome. */
export function analysePaper(input: PaperAnalysisInput): ExamAnalysisData {
  const table = paperTable(input);
  const outcomes = input.outcomes;
  const schoolOf = new Map(input.schools.map((s) => [s.schoolId, s]));
  const positions = outcomes.map((_, i) => i);
  const inUnit = (pred: (s: PaperAnalysisInput['schools'][number]) => boolean) =>
    positions.filter((i) => {
      const s = schoolOf.get(outcomes[i].schoolId);
      return s !== undefined && pred(s);
    });
  const inAlliance = (s: { kind: SchoolKindName }) => s.kind !== 'comparison';
  // Each school's outcomes in roster order, grouped once: filtering every outcome once per school was a fifth of
  // the analysis's time at 200 schools and 100,000 students (bench:analysis, city case).
  const bySchool = new Map<number, number[]>();
  positions.forEach((i) => {
    const list = bySchool.get(outcomes[i].schoolId);
    if (list) list.push(i);
    else bySchool.set(outcomes[i].schoolId, [i]);
  });
  const ofSchool = (schoolId: number): number[] => bySchool.get(schoolId) ?? [];

  const allianceMembers = inUnit(inAlliance);
  const alliance = buildUnit(table, allianceMembers);
  const withRelative = (raw: RawUnit): UnitAnalysis => {
    if (raw.mean !== null && alliance.mean !== null && alliance.sd !== null) {
      raw.unit.relative = roundRelative(relativeFigures(raw.mean, alliance.mean, alliance.sd));
    }
    return raw.unit;
  };

  const allianceComplete = allianceMembers.filter((i) => outcomes[i].status === 'complete');
  const itemAnalysis = storedItemAnalysisColumns(
    input.items.map((it) => ({ itemId: it.itemId, maxScore: it.maxScore, choice: it.choice ?? null })),
    allianceComplete.length,
    table.cols.map((col) => gather(col, allianceComplete)),
    table.marks.map((m) => gatherMarks(m, allianceComplete)),
  );
  const urban = buildUnit(
    table,
    inUnit((s) => inAlliance(s) && s.locality === 'urban'),
  );
  const rural = buildUnit(
    table,
    inUnit((s) => inAlliance(s) && s.locality === 'rural'),
  );
  const totalsBySchool = new Map<number, number[]>();
  for (const i of allianceComplete) {
    const o = outcomes[i];
    const list = totalsBySchool.get(o.schoolId);
    if (list) list.push(o.total as number);
    else totalsBySchool.set(o.schoolId, [o.total as number]);
  }
  const balance = allianceBalance(
    input.schools
      .filter(inAlliance)
      .map((s) => ({ schoolId: s.schoolId, totals: totalsBySchool.get(s.schoolId) ?? [] })),
    { n: urban.unit.n, mean: urban.mean },
    { n: rural.unit.n, mean: rural.mean },
    input.paper.fullMarks,
    alliance.sd,
  );
  const topN = topNBySchool(
    allianceComplete.map((i) => ({ schoolId: outcomes[i].schoolId, total: outcomes[i].total as number })),
  );
  const withTopN = (s: SchoolAnalysis): SchoolAnalysis => ({
    ...s,
    topN: s.kind === 'comparison' || s.suppressed ? null : (topN.get(s.schoolId) ?? null),
  });

  return {
    version: 1,
    examId: input.examId,
    paper: input.paper,
    thresholds: input.thresholds,
    items: input.items,
    alliance: withRelative(alliance),
    comparison: withRelative(
      buildUnit(
        table,
        inUnit((s) => s.kind === 'comparison'),
      ),
    ),
    urban: withRelative(urban),
    rural: withRelative(rural),
    schools: [...input.schools]
      .sort((a, b) => a.schoolId - b.schoolId)
      .map((s) =>
        withTopN({
          schoolId: s.schoolId,
          name: s.name,
          kind: s.kind,
          locality: s.locality,
          ...withRelative(buildUnit(table, ofSchool(s.schoolId), true)),
          classes: classUnits(table, ofSchool(s.schoolId), withRelative),
        }),
      ),
    itemAnalysis,
    balance,
    methods: STATISTICS_METHOD,
  };
}

/** The classes of one school's members, by class name (numbers by value); none when the roster gives no classes. */
function classUnits(
  table: PaperTable,
  members: readonly number[],
  withRelative: (raw: RawUnit) => UnitAnalysis,
): ClassAnalysis[] {
  const { input } = table;
  if (!input.classes) return [];
  const byClass = new Map<number, number[]>();
  for (const i of members) {
    const classId = input.outcomes[i].classId;
    if (classId === undefined) continue;
    const list = byClass.get(classId);
    if (list) list.push(i);
    else byClass.set(classId, [i]);
  }
  return (
    [...byClass.entries()]
      .map(([classId, list]) => ({
        classId,
        name: input.classes!.get(classId) ?? `${classId}`,
        ...withRelative(buildUnit(table, list, true)),
      }))
      // Numbers in names by value (七年级(2)班 before 七年级(10)班): a city school of 10+ classes read 1, 10, 11, 2….
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN', { numeric: true }) || a.classId - b.classId)
  );
}
