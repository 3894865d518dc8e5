import { analysePaper, type ItemInfo, type PaperAnalysisInput } from '../../results/domain/exam-analysis.js';
import type { StudentOutcome } from '../../results/domain/student-outcomes.js';
import {
  buildAllianceOverview,
  heatMap,
  pairings,
  testQuality,
  thinKnowledgePoints,
  type HeatCell,
  type HeatMap,
  type OverviewAnalysis,
} from './alliance-overview.js';

// Four alliance schools (two urban, two rural, 60 students each) and one comparison school, a paper of 40 marks.
// Built in: 乡村一中 weak on 函数 and 城区一中 strong on it; 乡村二中 weak on 方程 and 城区二中 strong on it;
// item 2's key is C but strong students mark D (a wrong key); 统计 carries 1 mark of 40 (thin).
const U1 = 1;
const U2 = 2;
const R1 = 3;
const R2 = 4;
const C = 5;
const ITEMS: ItemInfo[] = [
  {
    itemId: 11,
    seq: 1,
    label: '1',
    maxScore: 3,
    knowledgePoints: ['有理数'],
    type: 'single_choice',
    choice: { optionCount: 4, key: 'B', multiple: false },
  },
  {
    itemId: 12,
    seq: 2,
    label: '2',
    maxScore: 3,
    knowledgePoints: ['整式'],
    type: 'single_choice',
    choice: { optionCount: 4, key: 'C', multiple: false },
  },
  { itemId: 13, seq: 3, label: '3', maxScore: 4, knowledgePoints: ['函数'], type: 'fill_blank' },
  { itemId: 14, seq: 4, label: '4', maxScore: 10, knowledgePoints: ['函数'], type: 'short_answer' },
  { itemId: 15, seq: 5, label: '5', maxScore: 10, knowledgePoints: ['方程'], type: 'short_answer' },
  { itemId: 17, seq: 7, label: '7', maxScore: 9, knowledgePoints: ['几何'], type: 'short_answer' },
  { itemId: 16, seq: 6, label: '6', maxScore: 1, knowledgePoints: ['统计'], type: 'fill_blank' },
];
const EFFECT: Record<number, Record<string, number>> = {
  [U1]: { 函数: 1.2 },
  [U2]: { 方程: 1.2 },
  [R1]: { 函数: -1.2 },
  [R2]: { 方程: -1.2 },
};

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function input(): PaperAnalysisInput {
  const rnd = seeded(17);
  const outcomes: StudentOutcome[] = [];
  const marked = new Map<number, Record<number, string>>();
  let id = 1;
  for (const schoolId of [U1, U2, R1, R2, C]) {
    for (let k = 0; k < 60; k++) {
      const theta = (rnd() + rnd() + rnd() - 1.5) * 2;
      const scores: Record<number, number> = {};
      const m: Record<number, string> = {};
      for (const it of ITEMS) {
        const kp = it.knowledgePoints[0];
        const logit = theta + (EFFECT[schoolId]?.[kp] ?? 0);
        const p = 1 / (1 + Math.exp(-logit));
        if (it.itemId === 12) {
          // Strong students mark D, which the wrong key scores 0.
          const mark = theta > 0.3 ? 'D' : rnd() < 0.5 ? 'C' : 'A';
          m[12] = mark;
          scores[12] = mark === 'C' ? 3 : 0;
        } else if (it.itemId === 11) {
          const right = rnd() < p;
          m[11] = right ? 'B' : 'A';
          scores[11] = right ? 3 : 0;
        } else {
          let s = 0;
          for (let j = 0; j < it.maxScore; j++) if (rnd() < p) s++;
          scores[it.itemId] = s;
        }
      }
      const total = Object.values(scores).reduce((a, b) => a + b, 0);
      outcomes.push({ studentId: id, schoolId, status: 'complete', total, itemScores: scores });
      marked.set(id, m);
      id++;
    }
  }
  return {
    examId: 9,
    paper: { paperId: 7, subject: '数学', fullMarks: 40 },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items: ITEMS,
    schools: [
      { schoolId: U1, name: '城区一中', kind: 'lead', locality: 'urban' },
      { schoolId: U2, name: '城区二中', kind: 'member', locality: 'urban' },
      { schoolId: R1, name: '乡村一中', kind: 'member', locality: 'rural' },
      { schoolId: R2, name: '乡村二中', kind: 'member', locality: 'rural' },
      { schoolId: C, name: '县实验中学', kind: 'comparison', locality: 'urban' },
    ],
    outcomes,
    marked,
  };
}

const va = (schoolId: number, v: number, lo: number, hi: number) => ({
  schoolId,
  nCurrent: 60,
  matched: 60,
  matchRate: 1,
  suppressed: false,
  unreliable: false,
  zPrior: null,
  zNow: null,
  deltaZ: null,
  ratioPrior: null,
  ratioNow: null,
  deltaRatio: null,
  tIndexPrior: null,
  tIndexNow: null,
  deltaTIndex: null,
  va: v,
  se: 1,
  ciLow: lo,
  ciHigh: hi,
  shrinkage: 0.8,
  vaShrunk: v * 0.8,
  shrunkLow: lo * 0.8,
  shrunkHigh: hi * 0.8,
  improvement: null,
});

function stored(): OverviewAnalysis {
  const data = analysePaper(input()) as OverviewAnalysis;
  data.longitudinal = {
    version: 2,
    method: { model: '', estimand: '', reliability: '', schoolVa: '', shrinkage: '', verdict: '' } as never,
    improvementFormula: { name: 'va', description: '' } as never,
    nCurrent: 240,
    matched: 240,
    matchRate: 1,
    regression: null,
    tau2: 1,
    schools: [va(U1, 2.1, 0.4, 3.8), va(U2, 0.3, -1.2, 1.8), va(R1, -2.5, -4.1, -0.9), va(R2, 0.1, -1.5, 1.7)],
    priorExamId: 8,
    priorExamName: '七年级上期末',
    priorPaperId: 6,
  };
  return data;
}

describe('alliance overview', () => {
  const data = stored();
  const overview = buildAllianceOverview({ examName: '八年级上期中', analyses: [data] });
  const s = overview.subjects[0];

  it('names every school with 三率一分 and the value-added statement, comparison schools last', () => {
    expect(overview.title).toBe('八年级上期中 联盟质量分析总览');
    expect(s.schools.map((r) => [r.name, r.kind, r.locality, r.n])).toEqual([
      ['城区一中', 'lead', 'urban', 60],
      ['城区二中', 'member', 'urban', 60],
      ['乡村一中', 'member', 'rural', 60],
      ['乡村二中', 'member', 'rural', 60],
      ['县实验中学', 'comparison', 'urban', 60],
    ]);
    const byName = new Map(s.schools.map((r) => [r.name, r]));
    expect(byName.get('城区一中')!.statement).toBe('明显高于联盟平均');
    expect(byName.get('城区二中')!.statement).toBe('与联盟平均无可分辨差别');
    expect(byName.get('乡村一中')!.statement).toBe('明显低于联盟平均');
    expect(byName.get('县实验中学')!.statement).toBeNull();
    for (const r of s.schools) {
      expect(r.mean).not.toBeNull();
      expect(r.excellentRate).not.toBeNull();
      expect(r.passRate).not.toBeNull();
      expect(r.lowRate).not.toBeNull();
    }
    expect(s.aggregates.map((r) => r.name)).toEqual(['联盟', '城区学校', '乡村学校', '对照校']);
    expect(s.aggregates[0].n).toBe(240);
  });

  it('draws the forest plot of every named school, highest first, with intervals', () => {
    expect(s.forest!.rows.map((r) => [r.label, r.estimate, r.low, r.high])).toEqual([
      ['城区一中', 2.1, 0.4, 3.8],
      ['城区二中', 0.3, -1.2, 1.8],
      ['乡村二中', 0.1, -1.5, 1.7],
      ['乡村一中', -2.5, -4.1, -0.9],
    ]);
    expect(overview.summary[0]).toContain('增值明显高于联盟平均：城区一中');
    expect(overview.summary[0]).toContain('明显低于：乡村一中');
  });

  it('says there is no value-added without a linked prior exam', () => {
    const plain = analysePaper(input());
    const o = buildAllianceOverview({ examName: 'x', analyses: [plain] }).subjects[0];
    expect(o.forest).toBeNull();
    expect(o.vaNote).toBe('本次考试未关联前次考试，没有增值评价。');
    expect(o.schools.every((r) => r.va === null && r.statement === null)).toBe(true);
  });

  it('maps schools × knowledge points, flagging only certain gaps against each school’s own expectation', () => {
    const map = s.heatmap!;
    expect(map.schools.map((x) => x.name)).toEqual(['城区一中', '城区二中', '乡村一中', '乡村二中']);
    expect(map.knowledgePoints).toEqual(['有理数', '整式', '函数', '方程', '几何', '统计']);
    const cell = (school: string, kp: string) =>
      map.cells[map.schools.findIndex((x) => x.name === school)][map.knowledgePoints.indexOf(kp)]!;
    expect(cell('乡村一中', '函数').flag).toBe('weak');
    expect(cell('城区一中', '函数').flag).toBe('strong');
    expect(cell('乡村二中', '方程').flag).toBe('weak');
    expect(cell('城区二中', '方程').flag).toBe('strong');
    // The expectation is each school's own: 城区一中's strength on 函数 raises what it is expected to score, so its
    // 方程 falls below that with certainty too (and 城区二中's 几何 likewise). Nothing else is flagged, and the
    // comparison school is not in the map.
    const flagged = map.cells.flatMap((row, i) =>
      row.flatMap((c, j) => (c?.flag ? [[map.schools[i].name, map.knowledgePoints[j], c.flag, c.certainty]] : [])),
    );
    expect(flagged).toEqual([
      ['城区一中', '函数', 'strong', 'certain'],
      ['城区一中', '方程', 'weak', 'certain'],
      ['城区二中', '方程', 'strong', 'certain'],
      ['城区二中', '几何', 'weak', 'certain'],
      ['乡村一中', '函数', 'weak', 'certain'],
      ['乡村二中', '方程', 'weak', 'certain'],
    ]);
    // Shrunk towards 0, never past it.
    for (const c of map.cells.flat())
      if (c) {
        expect(Math.abs(c.shrunkGap)).toBeLessThanOrEqual(Math.abs(c.gap) + 1e-9);
        expect(c.shrunkGap * c.gap).toBeGreaterThanOrEqual(0);
      }
  });

  it('pairs each certainly weak school with a certainly strong one, urban for rural', () => {
    expect(s.pairings.map((p) => [p.knowledgePoint, p.weak.name, p.partner.name, p.reason])).toEqual([
      ['函数', '乡村一中', '城区一中', '城带乡'],
      ['方程', '城区一中', '城区二中', '强带弱'],
      ['方程', '乡村二中', '城区二中', '城带乡'],
    ]);
    // 城区二中 is certainly weak on 几何, but no school is certainly strong there: no suggestion.
    expect(s.pairings.some((p) => p.knowledgePoint === '几何')).toBe(false);
    expect(s.pairings[0].text).toMatch(
      /^知识点“函数”：乡村一中得分率\d+%，明显低于按其整体水平的预期（\d+%）；城区一中/,
    );
  });

  it('gives the urban–rural gap and between-school balance, with a trend over linked exams', () => {
    expect(s.balance.current.cv).toBeGreaterThan(0);
    expect(s.balance.current.icc).not.toBeNull();
    expect(s.balance.current.gapRate).toBeGreaterThan(0);
    expect(s.balance.lines[0]).toMatch(/^校际均衡：各校平均分的差异系数（CV）为\d+\.\d%/);
    expect(s.balance.lines[1]).toMatch(/^城区学校得分率高于乡村学校|^城乡差距：城区学校得分率高于乡村学校/);
    expect(s.balance.chart).toBeNull();

    const prior = structuredClone(data);
    prior.balance!.between!.cvOfMeans = 0.5;
    prior.balance!.urbanRural!.scoreRateGap = 0.2;
    const total = { ...structuredClone(data), paper: { paperId: 0, subject: '总分', fullMarks: 40 } };
    const o = buildAllianceOverview({
      examName: '八年级上期中',
      analyses: [total, data],
      priors: [
        { examName: '七年级下期末', analyses: [prior] },
        { examName: '七年级上期末', analyses: [] },
      ],
    });
    expect(o.subjects.map((x) => x.subject)).toEqual(['数学', '总分']);
    const b = o.subjects[0].balance;
    expect(b.trend.map((t) => t.examName)).toEqual(['七年级下期末', '八年级上期中']);
    expect(b.lines[2]).toMatch(/^与七年级下期末相比：差异系数缩小（50\.0% → /);
    expect(b.chart!.series.map((x) => x.name)).toEqual(['差异系数CV', 'ICC', '城乡得分率差']);
    expect(b.chart!.series[0].values[0]).toBe(50);
    // The 总分 section reads no subject's prior, has no heat map, pairings or test quality.
    expect(o.subjects[1].balance.trend).toHaveLength(1);
    expect(o.subjects[1].heatmap).toBeNull();
    expect(o.subjects[1].quality).toBeNull();
  });

  it('describes the comparison group beside the alliance', () => {
    expect(s.comparisonLines[0]).toMatch(/^对照校（县实验中学，共60人）平均分[\d.]+分，得分率/);
    expect(s.comparisonLines[1]).toBe('对照校不属于联盟，不参加联盟的排名与均衡统计，仅作参照。');
    const none = analysePaper({ ...input(), schools: input().schools.filter((x) => x.kind !== 'comparison') });
    expect(buildAllianceOverview({ examName: 'x', analyses: [none] }).subjects[0].comparisonLines).toEqual([
      '本次考试没有联盟外对照校。',
    ]);
  });

  it('judges the paper: α, SEM, negative discrimination, the suspected key and thin knowledge points', () => {
    const q = s.quality!;
    expect(q.n).toBe(240);
    expect(q.alpha).not.toBeNull();
    expect(q.sem).not.toBeNull();
    expect(q.negativeDiscrimination.map((x) => x.label)).toEqual(['第2题（单选题）']);
    expect(q.suspectedKeys).toMatchObject([{ label: '第2题（单选题）', key: 'C', option: 'D' }]);
    expect(q.suspectedKeys[0].optionTop).toBeGreaterThan(q.suspectedKeys[0].keyTop);
    expect(q.thinKnowledgePoints).toEqual([{ knowledgePoint: '统计', points: 1, share: 0.025, items: 1 }]);
    expect(q.lines.some((l) => l.startsWith('第2题（单选题）疑似答案有误：高分组选D的比例'))).toBe(true);
    // Leaves the section out for a reader without the item analysis.
    expect(
      buildAllianceOverview({ examName: 'x', analyses: [data], itemAnalysis: false }).subjects[0].quality,
    ).toBeNull();
  });

  it('has no test quality when the alliance is suppressed', () => {
    expect(testQuality({ ...data, itemAnalysis: null })).toBeNull();
  });
});

describe('thinKnowledgePoints', () => {
  const it1 = (id: number, max: number, kps: string[]): ItemInfo => ({
    itemId: id,
    seq: id,
    label: String(id),
    maxScore: max,
    knowledgePoints: kps,
  });
  it.each([
    ['below 3% of full marks', [it1(1, 2, ['a']), it1(2, 98, ['b'])], 100, ['a']],
    ['exactly 3% is not thin', [it1(1, 3, ['a']), it1(2, 97, ['b'])], 100, []],
    ['an item with two points counts for both', [it1(1, 2, ['a', 'b']), it1(2, 98, ['c'])], 100, ['a', 'b']],
    ['several small items add up', [it1(1, 2, ['a']), it1(2, 2, ['a']), it1(3, 96, ['b'])], 100, []],
  ])('%s', (_name, items, full, thin) => {
    expect(thinKnowledgePoints(items, full).map((k) => k.knowledgePoint)).toEqual(thin);
  });
});

describe('pairings', () => {
  const cell = (rate: number, flag: HeatCell['flag']): HeatCell => ({
    shrunkGap: 0,
    gap: flag === 'weak' ? -0.2 : flag === 'strong' ? 0.2 : 0,
    schoolRate: rate,
    expectedRate: rate,
    certainty: flag ? 'certain' : null,
    flag,
  });
  const map = (cells: HeatCell[]): HeatMap => ({
    kind: 'heatmap',
    title: '',
    schools: cells.map((_, i) => ({ schoolId: i + 1, name: `校${i + 1}` })),
    knowledgePoints: ['kp'],
    cells: cells.map((c) => [c]),
  });
  type Loc = 'urban' | 'rural';
  const meta = (locs: Loc[]) => locs.map((locality, i) => ({ schoolId: i + 1, locality, kind: 'member' as const }));
  it.each<[string, HeatCell[], Loc[], [string, string, string][]]>([
    [
      'urban partner for a rural school even if a rural one is stronger',
      [cell(0.3, 'weak'), cell(0.6, 'strong'), cell(0.8, 'strong')],
      ['rural', 'urban', 'rural'],
      [['校1', '校2', '城带乡']],
    ],
    [
      'the strongest for an urban school',
      [cell(0.3, 'weak'), cell(0.6, 'strong'), cell(0.8, 'strong')],
      ['urban', 'urban', 'rural'],
      [['校1', '校3', '强带弱']],
    ],
    ['no partner with a lower rate', [cell(0.7, 'weak'), cell(0.6, 'strong')], ['rural', 'urban'], []],
    ['no partner that is not certainly strong', [cell(0.3, 'weak'), cell(0.9, null)], ['rural', 'urban'], []],
    [
      'several weak schools, one partner',
      [cell(0.3, 'weak'), cell(0.2, 'weak'), cell(0.9, 'strong')],
      ['rural', 'rural', 'urban'],
      [
        ['校1', '校3', '城带乡'],
        ['校2', '校3', '城带乡'],
      ],
    ],
  ])('%s', (_name, cells, locs, expected) => {
    expect(pairings(map(cells), meta(locs)).map((p) => [p.weak.name, p.partner.name, p.reason])).toEqual(expected);
  });
  it('is empty without a heat map', () => expect(pairings(null, [])).toEqual([]));
});

describe('heatMap', () => {
  it('is null for a paper without knowledge points', () => {
    const i = input();
    i.items = i.items.map((x) => ({ ...x, knowledgePoints: [] }));
    expect(heatMap(analysePaper(i))).toBeNull();
  });
});
