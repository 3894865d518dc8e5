import type { Finding } from './expectation.js';
import { buildVerdict, levers, type VerdictInput } from './verdict.js';

const weakKp: Finding = {
  kind: 'weakness',
  target: 'knowledge_point',
  subject: '数学',
  knowledgePoint: '函数',
  cognitiveLevel: null,
  itemIds: [7, 8],
  label: '知识点“函数”',
  schoolRate: 0.41,
  expectedRate: 0.58,
  allianceRate: 0.62,
  points: 2.0,
  z: -3,
  certainty: 'certain',
};

const input = (over: Partial<VerdictInput>): VerdictInput => ({
  schoolName: '何店镇中心学校',
  subject: '数学',
  fullMarks: 100,
  n: 50,
  suppressed: false,
  school: { mean: 55, passRate: 0.28, excellentRate: 0.04 },
  alliance: { mean: 60, passRate: 0.5, excellentRate: 0.12 },
  movement: {
    priorExamName: '上学期期末',
    suppressed: false,
    matched: 48,
    va: 4.59,
    ciLow: 2.36,
    ciHigh: 6.82,
    deltaTIndex: 2.1,
    tIndexPrior: 45.1,
    tIndexNow: 47.2,
  },
  findings: [weakKp],
  borderline: [
    { threshold: 'pass', name: '及格', line: 60, margin: 10, count: 21, rateNow: 0.28, rateIf: 0.7 },
    { threshold: 'excellent', name: '优秀', line: 85, margin: 10, count: 2, rateNow: 0.04, rateIf: 0.08 },
  ],
  fullMarksOf: () => 100,
  ...over,
});

describe('buildVerdict', () => {
  it('a school behind but gaining is told the gain first, in the words of DESIGN §5', () => {
    const v = buildVerdict(input({}));
    expect(v.headline).toMatch(/^本校成绩仍低于联盟平均，但这次进步明显快于联盟平均/);
    expect(v.movement[0]).toContain('平均多得4.6分（有95%把握在+2.4到+6.8分之间）：进步幅度明显高于联盟平均');
    expect(v.standing[0]).toContain('低于联盟5分');
  });

  it('a strong school that slipped is told so, even when the interval includes 0', () => {
    const v = buildVerdict(
      input({
        school: { mean: 68.7, passRate: 0.8, excellentRate: 0.3 },
        movement: { ...input({}).movement!, va: -1.2, ciLow: -3.1, ciHigh: 0.7, deltaTIndex: -2.0 },
      }),
    );
    expect(v.headline).toContain('本校成绩仍高于联盟平均，但领先幅度比上次缩小');
    expect(v.movement[0]).toContain('与联盟平均无可分辨差别');
  });

  it('a strong school whose interval lies below 0 is told its progress is clearly below the alliance', () => {
    const v = buildVerdict(
      input({
        school: { mean: 68.7, passRate: 0.8, excellentRate: 0.3 },
        movement: { ...input({}).movement!, va: -3, ciLow: -5, ciHigh: -1, deltaTIndex: -2.5 },
      }),
    );
    expect(v.headline).toContain('进步幅度明显低于联盟平均');
  });

  it('without a prior exam says so and still gives the standing', () => {
    const v = buildVerdict(input({ movement: null }));
    expect(v.movement).toEqual(['本次考试没有关联上次考试，无法判断进退。']);
    expect(v.standing[0]).toContain('及格率28%（联盟50%）');
  });

  it('uses no statistical jargon on page 1', () => {
    const v = buildVerdict(input({}));
    const text = [v.headline, ...v.movement, ...v.standing, ...v.findings, ...v.levers].join('');
    for (const word of ['OLS', 'R²', 'τ²', 'λ', 'VA/SE', '矩估计', '.0分']) expect(text).not.toContain(word);
  });
});

describe('levers', () => {
  it('are ranked by what they are worth: 21 students near 及格 before a weak knowledge point and 2 near 优秀', () => {
    const l = levers(input({}));
    expect(l.map((x) => Math.round(x.worth))).toEqual([42, 4, 2]);
    expect(l[0].text).toBe('数学及格线下10分以内的21名临界生：都达到及格线，及格率可提高42个百分点（28%→70%）。');
    expect(l[2].text).toContain('补数学知识点“函数”');
  });

  it('tentative findings and strengths are no levers', () => {
    const l = levers(
      input({
        borderline: [],
        findings: [
          { ...weakKp, certainty: 'possible' },
          { ...weakKp, kind: 'strength' },
        ],
      }),
    );
    expect(l).toEqual([]);
  });
});
