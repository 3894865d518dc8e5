import { analysePaper, ItemInfo, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import { findings, itemGaps } from './findings.js';
import { formatNumber, formatPercent, formatPoints } from './format.js';

const unit = (rates: number[], over: Partial<UnitAnalysis> = {}): UnitAnalysis => ({
  roster: 40,
  absent: 0,
  incomplete: 0,
  n: 40,
  suppressed: false,
  unreliable: false,
  schoolIds: [],
  summary: {
    n: 40,
    mean: 60,
    sd: 10,
    median: 60,
    min: 30,
    max: 90,
    scoreRate: 0.6,
    excellentRate: 0.1,
    passRate: 0.5,
    lowRate: 0.1,
  },
  relative: { aboveMeanRate: 0, ratioToMean: 100, tIndex: 50 },
  bands: null,
  items: rates.map((r, i) => ({ itemId: i + 1, mean: r * 10, scoreRate: r })),
  ...over,
});
const items: ItemInfo[] = [1, 2, 3, 4].map((i) => ({
  itemId: i,
  seq: i,
  label: String(i),
  maxScore: 10,
  knowledgePoints: i === 1 ? ['一元一次方程', '移项'] : [],
}));

describe('itemGaps', () => {
  it('takes a gap of exactly 10 points as a weakness and 9 as none, whatever the float noise', () => {
    const g = itemGaps(items, unit([0.5, 0.51, 0.7, 0.8]), unit([0.6, 0.6, 0.6, 0.6]));
    expect(g.weaker.map((x) => x.itemId)).toEqual([1]);
    expect(g.weaker[0].gapPoints).toBe(-10);
    // 0.7 vs 0.6 is exactly 10 points above; 0.8 is 20 above and comes first
    expect(g.stronger.map((x) => [x.itemId, x.gapPoints])).toEqual([
      [4, 20],
      [3, 10],
    ]);
  });

  it('orders weaknesses from the largest gap', () => {
    const g = itemGaps(items, unit([0.3, 0.1, 0.6, 0.6]), unit([0.6, 0.6, 0.6, 0.6]));
    expect(g.weaker.map((x) => x.itemId)).toEqual([2, 1]);
  });

  it('finds nothing for a suppressed school', () => {
    expect(itemGaps(items, unit([0.1], { items: null, suppressed: true }), unit([0.9]))).toEqual({
      weaker: [],
      stronger: [],
    });
  });
});

describe('findings', () => {
  it('names weak items with their knowledge points and the gap', () => {
    const f = findings(
      items,
      unit([0.45, 0.6, 0.6, 0.6], {
        summary: { ...unit([]).summary!, mean: 55 },
        relative: { aboveMeanRate: -0.0833, ratioToMean: 91.67, tIndex: 45 },
      }),
      unit([0.6, 0.6, 0.6, 0.6]),
    );
    expect(f).toContain('本校平均分55.00分，联盟平均分60.00分，低于联盟5.00分（超均率-8.3%）。');
    expect(f).toContain('需要补短板：第1题（一元一次方程、移项）本校得分率45.0%，低于联盟15.0个百分点。');
    expect(f.some((x) => x.startsWith('优势题目'))).toBe(false);
    expect(f.some((x) => x.includes('小样本'))).toBe(false);
  });

  it('says so when no item is 10 points behind', () => {
    const f = findings(items, unit([0.6, 0.6, 0.6, 0.6]), unit([0.6, 0.6, 0.6, 0.6]));
    expect(f).toContain('没有得分率低于联盟10个百分点及以上的题目。');
    expect(f).toContain('本校平均分60.00分，联盟平均分60.00分，与联盟持平。');
  });

  it('on the sample: the lead school is ahead on both items, with a small-sample warning', () => {
    const data = analysePaper(sampleInput());
    const l = data.schools.find((s) => s.schoolId === L)!;
    const f = findings(data.items, l, data.alliance);
    expect(f[0]).toMatch(/^小样本提示：本校计入统计的学生只有6人/);
    expect(f).toContain('本校有1人缺考，未计入统计。');
    // 0.75 vs 0.56 → +19.0; 0.65 vs 0.52 → +13.0
    expect(f).toContain(
      '优势题目：第1题（有理数）本校得分率75.0%，高于联盟19.0个百分点；第2题本校得分率65.0%，高于联盟13.0个百分点。',
    );
    expect(f).toContain('本校平均分20.50分，联盟平均分16.00分，高于联盟4.50分（超均率+28.1%）。');
  });

  it('on the sample: the member school is behind on both items', () => {
    const data = analysePaper(sampleInput());
    const m = data.schools.find((s) => s.schoolId === M)!;
    const f = findings(data.items, m, data.alliance);
    // item 1: 0.40 vs 0.56 → −16.0; item 2: 0.40 vs 0.52 → −12.0
    expect(f).toContain(
      '需要补短板：第1题（有理数）本校得分率40.0%，低于联盟16.0个百分点；第2题本校得分率40.0%，低于联盟12.0个百分点。',
    );
    expect(f).toContain('本校有1人成绩尚未评完，未计入统计。');
  });

  it('gives no figures at all for a suppressed school', () => {
    const data = analysePaper(sampleInput());
    const s = data.schools.find((x) => x.schoolId === S)!;
    const f = findings(data.items, s, data.alliance);
    expect(f).toEqual([
      '本校计入统计的学生为3人（不超过5人），为保护学生个人信息并避免偶然性，本报告不公布本校的统计数据。',
    ]);
  });
});

describe('format', () => {
  it('prints numbers, percentages and dashes', () => {
    expect(formatNumber(20.5)).toBe('20.50');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(57.62821, 1)).toBe('57.6');
    expect(formatPercent(0.2813, true)).toBe('+28.1%');
    expect(formatPercent(-0.25, true)).toBe('-25.0%');
    expect(formatPercent(0, true)).toBe('0.0%');
    expect(formatPercent(0.56)).toBe('56.0%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPoints(15.25)).toBe('15.3');
  });
});
