// Charts of the report built from the principal's view only (principal-view.ts, stored-longitudinal.ts): other schools
// by letter with their rounded figures, the alliance with its merged bands. A PDF's vector paths keep the coordinates
// of what is drawn, so nothing finer than what the principal may read goes in.
import type { AggregateView, PrincipalOwnSchool } from '../../results/domain/principal-view.js';
import type { PrincipalStoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import type { ScoreBand, Thresholds } from '../../results/domain/statistics.js';
import type { ForestChart, HistogramChart } from './chart-spec.js';
import { formatNumber } from './format.js';

const EPS = 1e-9;

/**
 * The school's share per band against the alliance's. A merged alliance band (privacy) is spread evenly over the bands
 * it covers, which is what a histogram with unequal bins shows as density; null without bands on either side.
 */
export function scoreHistogram(
  own: Pick<PrincipalOwnSchool, 'bands' | 'n'>,
  alliance: Pick<AggregateView, 'bands' | 'n'>,
  fullMarks: number,
  t: Thresholds,
): HistogramChart | null {
  if (!own.bands || !alliance.bands || own.n === 0 || alliance.n === 0) return null;
  const groups = alliance.bands;
  const groupOf = (b: ScoreBand) =>
    groups.find((g) => g.from <= b.from + EPS && b.from < g.to - EPS) ?? groups[groups.length - 1];
  const width = (b: { from: number; to: number }) => b.to - b.from;
  const atBand = (share: number) => own.bands!.findIndex((b) => b.from >= share * fullMarks - EPS);
  return {
    kind: 'histogram',
    title: '分数段分布：本校（柱）与联盟（折线）',
    bands: own.bands.map((b) => `${formatNumber(b.from, 0)}–${formatNumber(b.to, 0)}`),
    school: own.bands.map((b) => b.count / own.n),
    alliance: own.bands.map((b) => {
      const g = groupOf(b);
      return ((g.count / alliance.n) * width(b)) / width(g);
    }),
    thresholds: [
      { label: '及格线', atBand: atBand(t.pass) },
      { label: '优秀线', atBand: atBand(t.excellent) },
    ].filter((x) => x.atBand > 0),
  };
}

/** Value-added of every reporting school with its 95% interval: the own school named 本校, the others by letter. */
export function valueAddedForest(l: PrincipalStoredLongitudinal | null): ForestChart | null {
  if (!l || 'unavailable' in l) return null;
  const row = (
    label: string,
    own: boolean,
    s: { suppressed: boolean; va: number | null; ciLow: number | null; ciHigh: number | null },
  ) =>
    s.suppressed || s.va === null || s.ciLow === null || s.ciHigh === null
      ? []
      : [{ label, own, estimate: s.va, low: s.ciLow, high: s.ciHigh }];
  const rows = [
    ...l.ownSchools.flatMap((s) => row('本校', true, s)),
    ...l.otherSchools.flatMap((s) => row(s.label, false, s)),
  ];
  if (rows.length < 2) return null;
  return { kind: 'forest', title: '各校增值及其95%置信区间（其他学校取整到1分）', rows, xLabel: '增值（分）' };
}
