// Findings against expectation (issue 14 §2): an item, knowledge point or cognitive level is a weakness (strength) of
// a school when its score rate is below (above) what the school's own overall level predicts, beyond noise, and
// findings are ranked by the points of mean score at stake. Pure.
//
// The expectation: a school that is uniformly weaker loses most where items are of middle difficulty and little on
// items nearly everyone (or nobody) gets right, as a Rasch-like model says. So the school's expected rate on item i is
// expit(logit(alliance rate of i) + δ), with one shift δ per school chosen so that the expected total equals the
// school's actual mean total. A group (knowledge point, level) expects the max-weighted mean of its items.
// The noise: the difference (school mean on the group − expected) has a standard error from the spread of the
// school's own subtotals on the group (which carries the items' covariance) over √n, plus the alliance's; the spread
// is floored at 3/4 of the alliance's, so that a small school where everyone scored 0 is not "certain".
// A finding needs |z| ≥ 1.645 and a gap of at least MATERIAL_RATE; its certainty in words follows |z|.

/** A rate gap smaller than this (5 percentage points of the group's score rate) is not worth a principal's time. */
export const MATERIAL_RATE = 0.05;
/** Overall level: a school whose mean is below the alliance's by this share of full marks or more, beyond noise. */
export const MATERIAL_OVERALL = 0.03;
/** Floor of the school's spread on a group, as a share of the alliance's spread. */
export const SPREAD_FLOOR = 0.75;

export type Certainty = 'certain' | 'likely' | 'possible';

export const CERTAINTY_WORDS: Record<Certainty, string> = {
  certain: '很有把握',
  likely: '比较有把握',
  possible: '有迹象，尚不能确定',
};

/** |z| at or above these: certain (99%), likely (95%), possible (90%, two-sided). */
const Z_CUTS: [Certainty, number][] = [
  ['certain', 2.576],
  ['likely', 1.96],
  ['possible', 1.645],
];

export function certaintyOf(z: number): Certainty | null {
  const a = Math.abs(z);
  for (const [c, cut] of Z_CUTS) if (a >= cut) return c;
  return null;
}

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface ExpectationItem {
  itemId: number;
  /** What a principal calls it: '第6题（单选题）', or a subject of a 总分 analysis. */
  label: string;
  maxScore: number;
  knowledgePoints: readonly string[];
  cognitiveLevel: string | null;
  school: MeanSd;
  alliance: MeanSd;
}

export interface ExpectationGroup {
  kind: 'knowledge_point' | 'cognitive_level';
  key: string;
  itemIds: number[];
  maxScore: number;
  school: MeanSd;
  alliance: MeanSd;
}

export interface ExpectationInput {
  subject: string;
  /** The school's and the alliance's counted students. */
  n: number;
  allianceN: number;
  fullMarks: number;
  /** Paper totals. */
  school: MeanSd;
  alliance: MeanSd;
  items: ExpectationItem[];
  groups: ExpectationGroup[];
  /** 'subject': the items are the subjects of a 总分 analysis (学科均衡). */
  unit?: 'item' | 'subject';
}

export type FindingTarget = 'item' | 'knowledge_point' | 'cognitive_level' | 'subject' | 'overall';

/** One finding; the suggestion library attaches measures by (kind, subject, knowledgePoint, cognitiveLevel, itemIds). */
export interface Finding {
  kind: 'weakness' | 'strength' | 'overall_low' | 'overall_high';
  target: FindingTarget;
  subject: string;
  knowledgePoint: string | null;
  cognitiveLevel: string | null;
  itemIds: number[];
  /** What it is about, in Chinese: '知识点“一元二次方程”', '第6题（单选题）', '认知层次“运用”', '数学'. */
  label: string;
  schoolRate: number;
  expectedRate: number;
  allianceRate: number;
  /** Points of the school's mean score at stake: what reaching the expectation would add (weakness) or what it keeps. */
  points: number;
  z: number;
  certainty: Certainty;
}

export interface GroupJudgement {
  kind: 'item' | ExpectationGroup['kind'];
  key: string;
  itemIds: number[];
  maxScore: number;
  schoolRate: number;
  expectedRate: number;
  allianceRate: number;
  /** School minus expected, in points of mean score. */
  gapPoints: number;
  z: number;
  certainty: Certainty | null;
}

const clampRate = (p: number) => Math.min(0.995, Math.max(0.005, p));
const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** δ such that Σ maxᵢ·expit(logit(aᵢ) + δ) equals the school's mean total (bisection; the sum is increasing in δ). */
export function levelShift(items: readonly { maxScore: number; allianceRate: number }[], schoolTotal: number): number {
  const expected = (d: number) =>
    items.reduce((s, it) => s + it.maxScore * expit(logit(clampRate(it.allianceRate)) + d), 0);
  let lo = -8;
  let hi = 8;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) < schoolTotal) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The judgement of every item and group of one school: expected rate, gap in points, z and certainty. */
export function judgeGroups(input: ExpectationInput): { shift: number; judgements: GroupJudgement[] } {
  const rates = input.items.map((it) => ({
    itemId: it.itemId,
    maxScore: it.maxScore,
    allianceRate: it.maxScore > 0 ? it.alliance.mean / it.maxScore : 0,
  }));
  const shift = levelShift(rates, input.school.mean);
  const expectedPoints = new Map(
    rates.map((r) => [r.itemId, r.maxScore * expit(logit(clampRate(r.allianceRate)) + shift)]),
  );
  const judge = (
    kind: GroupJudgement['kind'],
    key: string,
    itemIds: number[],
    maxScore: number,
    school: MeanSd,
    alliance: MeanSd,
  ): GroupJudgement => {
    const expected = itemIds.reduce((s, id) => s + (expectedPoints.get(id) ?? 0), 0);
    const gap = school.mean - expected;
    const spread = Math.max(school.sd, SPREAD_FLOOR * alliance.sd);
    const se = Math.sqrt(
      (spread * spread) / Math.max(1, input.n) + (alliance.sd * alliance.sd) / Math.max(1, input.allianceN),
    );
    const z = se > 0 ? gap / se : 0;
    const material = maxScore > 0 && Math.abs(gap) / maxScore >= MATERIAL_RATE - 1e-9;
    return {
      kind,
      key,
      itemIds,
      maxScore,
      schoolRate: maxScore > 0 ? school.mean / maxScore : 0,
      expectedRate: maxScore > 0 ? expected / maxScore : 0,
      allianceRate: maxScore > 0 ? alliance.mean / maxScore : 0,
      gapPoints: gap,
      z,
      certainty: material ? certaintyOf(z) : null,
    };
  };
  const judgements = [
    ...input.items.map((it) => judge('item', it.label, [it.itemId], it.maxScore, it.school, it.alliance)),
    ...input.groups.map((g) => judge(g.kind, g.key, g.itemIds, g.maxScore, g.school, g.alliance)),
  ];
  return { shift, judgements };
}

/** The overall level against the alliance: 整体偏低 / 整体偏高 when beyond noise and material; else null. */
export function overallFinding(input: ExpectationInput): Finding | null {
  const gap = input.school.mean - input.alliance.mean;
  const se = Math.sqrt(
    input.school.sd ** 2 / Math.max(1, input.n) + input.alliance.sd ** 2 / Math.max(1, input.allianceN),
  );
  const z = se > 0 ? gap / se : 0;
  const certainty = certaintyOf(z);
  if (!certainty || certainty === 'possible' || Math.abs(gap) < MATERIAL_OVERALL * input.fullMarks) return null;
  return {
    kind: gap < 0 ? 'overall_low' : 'overall_high',
    target: 'overall',
    subject: input.subject,
    knowledgePoint: null,
    cognitiveLevel: null,
    itemIds: input.items.map((i) => i.itemId),
    label: gap < 0 ? '整体偏低' : '整体偏高',
    schoolRate: input.school.mean / input.fullMarks,
    expectedRate: input.alliance.mean / input.fullMarks,
    allianceRate: input.alliance.mean / input.fullMarks,
    points: Math.abs(gap),
    z,
    certainty,
  };
}

/**
 * The school's findings on one paper, ranked: weaknesses by points at stake, then strengths, the overall level among
 * them by its own points. An item inside a flagged knowledge point (same direction) is not flagged again.
 */
export function judgeFindings(input: ExpectationInput): Finding[] {
  const { judgements } = judgeGroups(input);
  const items = new Map(input.items.map((i) => [i.itemId, i]));
  const flagged = judgements.filter((j) => j.certainty !== null);
  const coveredBy = (dir: number) =>
    new Set(
      flagged.filter((j) => j.kind === 'knowledge_point' && Math.sign(j.gapPoints) === dir).flatMap((j) => j.itemIds),
    );
  const covered = { [-1]: coveredBy(-1), [1]: coveredBy(1) } as Record<number, Set<number>>;
  const subjectUnit = input.unit === 'subject';
  const out: Finding[] = [];
  for (const j of flagged) {
    const dir = Math.sign(j.gapPoints);
    if (j.kind === 'item' && covered[dir]?.has(j.itemIds[0])) continue;
    const item = j.kind === 'item' ? items.get(j.itemIds[0]) : undefined;
    out.push({
      kind: dir < 0 ? 'weakness' : 'strength',
      target: j.kind === 'item' ? (subjectUnit ? 'subject' : 'item') : j.kind,
      subject: subjectUnit && item ? item.label : input.subject,
      knowledgePoint:
        j.kind === 'knowledge_point'
          ? j.key
          : item && item.knowledgePoints.length === 1
            ? item.knowledgePoints[0]
            : null,
      cognitiveLevel: j.kind === 'cognitive_level' ? j.key : (item?.cognitiveLevel ?? null),
      itemIds: j.itemIds,
      label:
        j.kind === 'knowledge_point' ? `知识点“${j.key}”` : j.kind === 'cognitive_level' ? `认知层次“${j.key}”` : j.key,
      schoolRate: j.schoolRate,
      expectedRate: j.expectedRate,
      allianceRate: j.allianceRate,
      points: Math.abs(j.gapPoints),
      z: j.z,
      certainty: j.certainty!,
    });
  }
  const overall = overallFinding(input);
  if (overall) out.push(overall);
  const rank = (f: Finding) => (f.kind === 'weakness' || f.kind === 'overall_low' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || b.points - a.points);
}
