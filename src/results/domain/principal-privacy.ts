// What a principal may read of other schools and of the alliance, rounded so that it cannot be undone (issue 14 §11).
// Letters alone do not anonymise: a principal knows every school's size roughly and its name, so any figure that gives
// a school's head count away maps its letter to its name; and any figure that places their own students among the
// alliance's students gives away a rank about individuals. The arithmetic behind each rule:
//
// 1. Rates are counts over the head count n. Given several rates of one school to d decimals, the n for which every
//    rate has an integer count k with |k/n − rate| ≤ half a unit is usually one (4 decimals: any n up to a few
//    hundred). A rate rounded to a step s admits every n with 1/n ≤ s, because the k/n are then spaced at most s apart
//    and one of them falls in every interval of width s. So the rates of other schools are served in steps of
//    OTHER_RATE_STEP = 5%, which admits every n ≥ 20, and withheld below OTHER_RATE_MIN_N = 20. The step is the same for
//    every school: a step chosen by size would itself tell the size.
// 2. A mean is a sum of scores (a multiple of the score step g, at most 1 point) over n: to 1 decimal (±0.05) it
//    admits every n ≥ 10·g, so means (and SDs) of other schools are served to 1 decimal, and 得分率, 超均率, 比均率 and
//    T指数 of other schools are computed from that rounded mean, so they add nothing to it.
// 3. The 95% interval of a school's value-added has half-width t·s/√n with the pooled s public (the own school's
//    interval gives it away): exact bounds give n. Bounds rounded to whole points leave the width uncertain by up to
//    ±1 point, which for a typical width of 2–6 points admits a range of n about twice as wide as it is low. The
//    shrunken estimate is λ·VA with λ = τ²/(τ² + s²/n) and τ² served: VA and shrunken VA to whole points keep λ (and n)
//    from being read off their ratio. The 提升系数 VA/SE = VA·√n/s is withheld for other schools (it is a function of
//    n); the ratio-of-ratios 提升系数 has no n in it and is served to 2 decimals. ΔZ to 2 decimals, Δ比均率 and ΔT to 1.
// 4. The alliance's (and the urban, rural and comparison groups') minimum, maximum and median are withheld: with the own
//    students' totals they say "this student is the alliance's best" or "exactly in the middle". Score bands are
//    merged, from the top down, until each merged band holds at least MIN_OTHERS_PER_BAND students of other schools:
//    then no own student can be placed among fewer than six others, and "our three are the alliance's top 3" cannot
//    be read off band counts. The full-mark count follows the same rule.
// 5. An aggregate made of the own school and fewer than three other schools is hidden: with one other school it is
//    that school; with two, its head count and mean together with the two schools' rounded means solve for both
//    head counts (n₁ = N·(m₂ − M)/(m₂ − m₁)).
//
// The verdict words (明显高于联盟平均…) of every school are decided on the exact figures before any rounding.
import { type VaVerdict, verdictOf } from './va-statement.js';
import type { ScoreBand } from './statistics.js';

export const OTHER_RATE_STEP = 0.05;
export const OTHER_RATE_MIN_N = 20;
export const OTHER_MEAN_DIGITS = 1;
export const MIN_OTHERS_PER_BAND = 6;
export const MIN_OTHER_SCHOOLS_IN_AGGREGATE = 3;

export const PRIVACY_NOTE =
  '为避免推算出其他学校的人数或学生个人的名次：其他学校的平均分、标准差保留1位小数，优秀率、及格率、低分率按5%取整（参考人数少于20人的不显示），增值及其区间取整到1分；联盟不显示最高分、最低分和中位数，分数段按需合并。';

const roundTo = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** x rounded to `digits` decimals; null stays null. */
export function roundOrNull(x: number | null | undefined, digits: number): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : roundTo(x, digits);
}

/** A count rate of another school, in steps of OTHER_RATE_STEP; withheld (null) for schools under OTHER_RATE_MIN_N. */
export function otherSchoolRate(rate: number | null | undefined, n: number): number | null {
  if (rate === null || rate === undefined || n < OTHER_RATE_MIN_N) return null;
  return roundTo(Math.round(rate / OTHER_RATE_STEP) * OTHER_RATE_STEP, 4);
}

/** 得分率, 超均率, 比均率 and T指数 of another school from its rounded mean, so they say no more than that mean does. */
export function figuresFromRoundedMean(
  mean: number,
  fullMarks: number,
  alliance: { mean: number; sd: number } | null,
): { scoreRate: number; aboveMeanRate: number | null; ratioToMean: number | null; tIndex: number | null } {
  const m = roundTo(mean, OTHER_MEAN_DIGITS);
  const a = alliance && alliance.mean > 0 ? alliance : null;
  return {
    scoreRate: roundTo(m / fullMarks, 3),
    aboveMeanRate: a ? roundTo((m - a.mean) / a.mean, 3) : null,
    ratioToMean: a ? roundTo((m / a.mean) * 100, 1) : null,
    tIndex: a && alliance!.sd > 0 ? roundTo(50 + (10 * (m - a.mean)) / alliance!.sd, 1) : null,
  };
}

/**
 * Bands of a group as a principal may see them: merged from the top down until each merged band holds at least
 * MIN_OTHERS_PER_BAND students of other schools (the group's count minus the viewer's own in that band); a remainder
 * at the bottom that falls short joins the band above it. `own` is null when the viewer's school is not in the group.
 */
export function mergedBands(group: readonly ScoreBand[], own: readonly ScoreBand[] | null): ScoreBand[] {
  const others = group.map((b, i) => b.count - (own?.[i]?.count ?? 0));
  type Acc = { from: number; to: number; count: number; others: number };
  const merged: Acc[] = [];
  let open = null as Acc | null;
  for (let i = group.length - 1; i >= 0; i--) {
    const b = group[i];
    const prev = open;
    open = prev
      ? { from: b.from, to: prev.to, count: prev.count + b.count, others: prev.others + others[i] }
      : { from: b.from, to: b.to, count: b.count, others: others[i] };
    if (open.others >= MIN_OTHERS_PER_BAND) {
      merged.push(open);
      open = null;
    }
  }
  if (open) {
    const last = merged.pop();
    merged.push(
      last ? { from: open.from, to: last.to, count: last.count + open.count, others: last.others + open.others } : open,
    );
  }
  return merged.reverse().map(({ from, to, count }) => ({ from, to, count }));
}

/** The group's full-mark count, or null when fewer than MIN_OTHERS_PER_BAND of them are of other schools (and some are). */
export function principalFullMarkCount(group: number | null | undefined, own: number): number | null {
  if (group === null || group === undefined) return null;
  return group === 0 || group - own >= MIN_OTHERS_PER_BAND ? group : null;
}

/** Other schools' 纵看 figures, rounded as rule 3 says; the improvement only when it carries no head count. */
export function otherSchoolVa<
  T extends {
    deltaZ: number | null;
    deltaRatio: number | null;
    deltaTIndex: number | null;
    va: number | null;
    ciLow: number | null;
    ciHigh: number | null;
    vaShrunk: number | null;
    improvement: number | null;
  },
>(s: T, improvementCarriesN: boolean): T & { verdict: VaVerdict | null } {
  return {
    ...s,
    // decided on the exact interval (or the stored verdict), before any rounding
    verdict: verdictOf({ verdict: (s as { verdict?: VaVerdict | null }).verdict, ciLow: s.ciLow, ciHigh: s.ciHigh }),
    deltaZ: roundOrNull(s.deltaZ, 2),
    deltaRatio: roundOrNull(s.deltaRatio, 1),
    deltaTIndex: roundOrNull(s.deltaTIndex, 1),
    va: roundOrNull(s.va, 0),
    ciLow: roundOrNull(s.ciLow, 0),
    ciHigh: roundOrNull(s.ciHigh, 0),
    vaShrunk: roundOrNull(s.vaShrunk, 0),
    improvement: improvementCarriesN ? null : roundOrNull(s.improvement, 2),
  };
}
