import { analysePaper, type ItemInfo } from '../../results/domain/exam-analysis.js';
import {
  buildAllianceOverview,
  heatMap,
  heatNotes,
  pairingNote,
  pairings,
  testQuality,
  thinKnowledgePoints,
  type HeatCell,
  type HeatMap,
} from './alliance-overview.js';
import { drawnVaCharts } from './chart-spec.js';
import { input, stored } from './__fixtures__/overview-sample.js';

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

  it("lists every school's value-added over the linked exams in the statements, with its line (drawn from 3 exams on)", () => {
    expect(s.vaTrend).toBeNull(); // the sample stores no trend: one linked exam
    const d = stored();
    const l = d.longitudinal as { trend?: unknown; schools: { schoolId: number }[] };
    const ids = l.schools.map((x) => x.schoolId);
    const point = (va: number | null, verdict: 'above' | 'indistinguishable' | 'below' | null) => ({
      va,
      ciLow: va === null ? null : va - 1,
      ciHigh: va === null ? null : va + 1,
      vaShrunk: va,
      verdict,
    });
    l.trend = {
      exams: [
        { examId: 1, name: '七年级下期末' },
        { examId: 2, name: '八年级上期中' },
      ],
      schools: ids.map((schoolId, i) => ({
        schoolId,
        points:
          i === 0 ? [point(null, null), point(2, 'above')] : [point(-0.5, 'indistinguishable'), point(-2, 'below')],
      })),
    };
    const t = buildAllianceOverview({ examName: '八年级上期中', analyses: [d] }).subjects[0].vaTrend!;
    expect(t.exams).toEqual(['七年级下期末', '八年级上期中']);
    expect(t.schools.map((x) => x.name)).toEqual(['城区一中', '城区二中', '乡村一中', '乡村二中'].slice(0, ids.length));
    expect(t.schools[0].points.map((p) => p.statement)).toEqual([null, '明显高于联盟平均']);
    expect(t.schools[1].points.map((p) => p.statement)).toEqual(['与联盟平均无可分辨差别', '明显低于联盟平均']);
    // one series per school and the alliance's 0; two exams: the school report's rule draws no line
    expect(t.chart.series.map((x) => x.name)).toEqual([...t.schools.map((x) => x.name), '联盟平均']);
    expect(drawnVaCharts([t.chart])).toHaveLength(0);
    l.trend = {
      exams: [{ examId: 0, name: '七年级上期末' }, ...(l.trend as { exams: unknown[] }).exams],
      schools: (l.trend as { schools: { schoolId: number; points: unknown[] }[] }).schools.map((x) => ({
        ...x,
        points: [point(1, 'indistinguishable'), ...x.points],
      })),
    };
    const three = buildAllianceOverview({ examName: '八年级上期中', analyses: [d] }).subjects[0].vaTrend!;
    expect(drawnVaCharts([three.chart])).toHaveLength(1);
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
    const notes = heatNotes(map);
    expect(notes[1]).toMatch(/^很有把握低于自身预期：城区一中·方程（\d+%，预期\d+%）、城区二中·几何/);
    expect(notes[2]).toMatch(/^很有把握高于自身预期：城区一中·函数/);
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
  it.each<[string, HeatCell[], RegExp]>([
    [
      'names a weak school left without a partner',
      [cell(0.3, 'weak'), cell(0.9, null)],
      /^校1·kp很有把握低于自身预期，但没有学校/,
    ],
    [
      'says there is nothing certainly weak',
      [cell(0.3, null), cell(0.9, 'strong')],
      /^没有“很有把握”（99%）低于自身预期的知识点/,
    ],
    ['states the rule when there are pairings', [cell(0.3, 'weak'), cell(0.9, 'strong')], /^结对建议只用“很有把握”/],
  ])('its note %s', (_name, cells, expected) => {
    const m = map(cells);
    expect(pairingNote(m, pairings(m, meta(['rural', 'urban'])))).toMatch(expected);
  });
});

describe('heatMap', () => {
  it('says when no cell is certain', () => {
    const m: HeatMap = {
      kind: 'heatmap',
      title: '',
      schools: [{ schoolId: 1, name: 'a' }],
      knowledgePoints: ['k'],
      cells: [[null]],
    };
    expect(heatNotes(m)[1]).toBe(
      '没有“很有把握”（99%）低于或高于自身预期的格子：各校在各知识点上的表现与其整体水平相符。',
    );
    expect(heatNotes(null)).toEqual([]);
  });

  it('is null for a paper without knowledge points', () => {
    const i = input();
    i.items = i.items.map((x) => ({ ...x, knowledgePoints: [] }));
    expect(heatMap(analysePaper(i))).toBeNull();
  });
});
