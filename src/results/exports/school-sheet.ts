// The school comparison export's sheet of one paper (or of 总分): 横比 and 纵看 per school. The admin sees every
// school by name; a principal sees their own school named and the others by letter, without head counts.
import type ExcelJS from 'exceljs';
import { type VaVerdict, vaStatement, verdictOf } from '../domain/va-statement.js';
import type { ExamAnalysisData, UnitAnalysis } from '../domain/exam-analysis.js';
import { type AnonymousSchool, principalView } from '../domain/principal-view.js';
import { principalLongitudinalOf, type StoredLongitudinal } from '../domain/stored-longitudinal.js';
import type { StoredAnalysis } from './stored-analysis.js';
import { pct, sheetName, styleHeader } from './workbook.js';

const KIND = { lead: '龙头校', member: '成员校', comparison: '对照校' } as const;
const LOCALITY = { urban: '城区', rural: '乡村' } as const;

const COLUMNS = [
  { header: '学校', key: 'name' },
  { header: '类型', key: 'kind' },
  { header: '城乡', key: 'locality' },
  { header: '参考人数', key: 'n' },
  { header: '平均分', key: 'mean' },
  { header: '标准差(总体)', key: 'sd' },
  { header: '得分率(%)', key: 'scoreRate' },
  { header: '优秀率(%)', key: 'excellent' },
  { header: '及格率(%)', key: 'pass' },
  { header: '低分率(%)', key: 'low' },
  { header: '超均率(%)', key: 'above' },
  { header: '比均率', key: 'ratio' },
  { header: 'T指数', key: 't' },
  { header: '匹配率(%)', key: 'matchRate' },
  { header: 'ΔZ', key: 'dz' },
  { header: 'Δ比均率', key: 'dRatio' },
  { header: 'ΔT指数', key: 'dt' },
  { header: '增值', key: 'va' },
  { header: '增值95%下限', key: 'lo' },
  { header: '增值95%上限', key: 'hi' },
  { header: '结论', key: 'verdict' },
  { header: '收缩后增值', key: 'eb' },
  { header: '提升系数', key: 'imp' },
  { header: '说明', key: 'note' },
];

/** Who reads the sheet: the alliance's admin, or a principal of these schools. */
export type SheetScope = { admin: true } | { admin: false; own: number[] };

type Row = Record<string, unknown>;
/** What a school row shows of a unit: a named school's figures or a lettered one's. */
type Figures = Pick<AnonymousSchool, 'summary' | 'relative' | 'suppressed' | 'unreliable'>;
interface SchoolVa {
  matchRate?: number | null;
  deltaZ: number | null;
  deltaRatio: number | null;
  deltaTIndex: number | null;
  va: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  verdict?: VaVerdict | null;
  vaShrunk: number | null;
  improvement: number | null;
}

const note = (u: { suppressed: boolean; unreliable: boolean }) =>
  u.suppressed ? '人数≤5，不显示' : u.unreliable ? '人数<15，仅供参考' : '';

/** 横比 figures of a unit (no head count: the caller adds it where it may be shown). */
const figures = (u: Figures): Row => ({
  mean: u.summary?.mean ?? null,
  sd: u.summary?.sd ?? null,
  scoreRate: pct(u.summary?.scoreRate),
  excellent: pct(u.summary?.excellentRate),
  pass: pct(u.summary?.passRate),
  low: pct(u.summary?.lowRate),
  above: pct(u.relative?.aboveMeanRate),
  ratio: u.relative?.ratioToMean ?? null,
  t: u.relative?.tIndex ?? null,
  note: note(u),
});

const unitRow = (name: string, u: (Figures & { n: number }) | null, extra: Row = {}) =>
  u && { name, n: u.n, ...figures(u), ...extra };

const vaCols = (v: SchoolVa | undefined): Row =>
  v
    ? {
        matchRate: pct(v.matchRate ?? null),
        dz: v.deltaZ,
        dRatio: v.deltaRatio,
        dt: v.deltaTIndex,
        va: v.va,
        lo: v.ciLow,
        hi: v.ciHigh,
        verdict: verdictOf(v) ? vaStatement(verdictOf(v)!) : null,
        eb: v.vaShrunk,
        imp: v.improvement,
      }
    : {};

/** Adds the sheet `title` of one stored analysis. */
export function addSchoolSheet(
  wb: ExcelJS.Workbook,
  used: Set<string>,
  title: string,
  data: StoredAnalysis,
  scope: SheetScope,
) {
  const ws = wb.addWorksheet(sheetName(title, used));
  ws.columns = COLUMNS;
  const l = data.longitudinal ?? null;
  const rows = scope.admin ? adminRows(data, l) : principalRows(data, l, scope.own);
  for (const row of rows) ws.addRow(row);
  if (l) {
    ws.addRow({});
    ws.addRow({ name: `纵向比较：上次考试“${l.priorExamName}”` });
    if ('unavailable' in l) ws.addRow({ name: l.unavailable });
    else {
      ws.addRow({ name: l.improvementFormula.description });
      for (const text of Object.values(l.method)) ws.addRow({ name: text });
    }
  }
  styleHeader(ws);
}

/** Every school by name with its type, locality and value-added, then the aggregates (a missing one as a blank row). */
function adminRows(data: StoredAnalysis, l: StoredLongitudinal | null): (Row | null)[] {
  const va = new Map(l && !('unavailable' in l) ? l.schools.map((s) => [s.schoolId, s]) : []);
  return [
    ...data.schools.map((s) =>
      unitRow(s.name, s, { kind: KIND[s.kind], locality: LOCALITY[s.locality], ...vaCols(va.get(s.schoolId)) }),
    ),
    ...(
      [
        ['联盟', data.alliance],
        ['城区学校', data.urban],
        ['乡村学校', data.rural],
        ['联盟外对照校', data.comparison],
      ] as const
    ).map(([name, u]) => unitRow(name, u)),
  ];
}

/** The principal's own schools named, the others by letter without head count, type or locality; then aggregates. */
function principalRows(data: StoredAnalysis, l: StoredLongitudinal | null, own: number[]): (Row | null)[] {
  const { longitudinal: _l, itemAnalysis: _i, ...plain } = data;
  const view = principalView(plain as ExamAnalysisData, own);
  const pl = principalLongitudinalOf(plain as ExamAnalysisData, l, own);
  const ownVa = new Map(pl && !('unavailable' in pl) ? pl.ownSchools.map((s) => [s.schoolId, s]) : []);
  const otherVa = new Map(pl && !('unavailable' in pl) ? pl.otherSchools.map((s) => [s.label, s]) : []);
  const rows: (Row | null)[] = view.ownSchools.map((s) =>
    unitRow(`${s.name}（本校）`, s, {
      kind: KIND[s.kind],
      locality: LOCALITY[s.locality],
      ...vaCols(ownVa.get(s.schoolId)),
    }),
  );
  // No head count, no type or locality: they would give the letter away.
  for (const o of view.otherSchools) rows.push({ name: o.label, ...figures(o), ...vaCols(otherVa.get(o.label)) });
  rows.push(unitRow('联盟', view.alliance));
  for (const [name, u] of [
    ['城区学校', view.urban],
    ['乡村学校', view.rural],
    ['联盟外对照校', view.comparison],
  ] as const)
    if (u) rows.push(unitRow(name, u));
  return rows;
}
