import { analysePaper } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import type { StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import { longitudinal } from '../../results/domain/value-added.js';
import { vaStatement, vaVerdict } from '../../results/domain/va-statement.js';
import { buildSchoolReport, type StoredAnalysis } from './school-report.js';
import { valueAddedSection } from './value-added-section.js';

// A linked exam: the sample paper's students with a prior total; school L's students did better than their prior
// predicts, M's worse, S has 3 students (suppressed). A deterministic pattern, so the figures can be checked.
function linked(
  formula: 'shrunk_over_sd' | 'ratio_change' = 'shrunk_over_sd',
  priorReliability?: number,
): StoredAnalysis {
  const input = sampleInput();
  const data = analysePaper(input);
  const current = input.outcomes
    .filter((o) => o.status === 'complete' && o.schoolId !== 4)
    .map((o) => ({ studentId: o.studentId, schoolId: o.schoolId, total: o.total as number }));
  const prior = new Map<number, number>();
  current.forEach((c, i) => {
    const shift = c.schoolId === L ? -3 : c.schoolId === M ? 2 : 0;
    prior.set(c.studentId, c.total + shift + (i % 3) - 1);
  });
  const l = longitudinal({
    schools: [{ schoolId: L }, { schoolId: M }, { schoolId: S }],
    current,
    prior,
    formula,
    priorReliability,
  });
  const stored: StoredLongitudinal = { priorExamId: 6, priorExamName: '上学期期末统考', priorPaperId: 60, ...l };
  return { ...data, anonymisationKey: 'k', longitudinal: stored };
}

describe('valueAddedSection (纵看 in the school report)', () => {
  it('is left out when the exam has no prior exam, and says why when the prior exam has no results', () => {
    const data = analysePaper(sampleInput());
    expect(valueAddedSection({ ...data, longitudinal: null }, L)).toBeNull();
    const v = valueAddedSection(
      {
        ...data,
        longitudinal: {
          priorExamId: 6,
          priorExamName: '上学期期末统考',
          priorPaperId: 60,
          unavailable: '上次考试尚未统计成绩，请先计算上次考试的成绩',
        },
      },
      L,
    )!;
    expect(v.table).toBeNull();
    expect(v.warnings).toEqual(['上次考试尚未统计成绩，请先计算上次考试的成绩。']);
    expect(v.intro[0]).toContain('上次考试：上学期期末统考');
  });

  it('gives the own school VA with its 95% CI, the shrunken estimate, match rate and 提升系数 with its formula', () => {
    const d = linked();
    const l = d.longitudinal as Exclude<StoredLongitudinal, { unavailable: string }>;
    const own = l.schools.find((s) => s.schoolId === L)!;
    const v = valueAddedSection(d, L)!;
    const row = (label: string) => v.table!.rows.find((r) => r[0] === label)![1];
    expect(own.va!).toBeGreaterThan(0);
    expect(row('增值（分）')).toBe(`+${own.va!.toFixed(2)}`);
    expect(row('增值95%置信区间')).toBe(
      `[${own.ciLow! > 0 ? '+' : ''}${own.ciLow!.toFixed(2)}, +${own.ciHigh!.toFixed(2)}]`,
    );
    expect(row('收缩后增值（分）')).toBe(`+${own.vaShrunk!.toFixed(2)}`);
    expect(row('收缩系数（保留的比例）')).toBe(own.shrinkage!.toFixed(2));
    expect(row('匹配率')).toBe('100%');
    expect(row('匹配人数 / 本次参考人数')).toBe('6 / 6');
    expect(row('提升系数')).toBe(own.improvement!.toFixed(2));
    expect(own.improvement!).toBeCloseTo(own.vaShrunk! / l.model!.sigma, 3);
    expect(v.notes).toContain(
      '提升系数：提升系数 = 收缩后增值 ÷ 校内残差标准差 σ（以一个学生标准差为单位的增值幅度，不因学校人数多少而变大或变小）。',
    );
    // The model's coefficients and σ are for the methods appendix; the page's opening words are plain (issue 15).
    expect(v.notes.join('')).toMatch(/联盟模型：学生上次成绩每高1分，本次成绩预期高\d+\.\d{4}分；/);
    expect(v.intro.join('')).not.toMatch(/残差|标准差|σ|τ|模型/);
    expect(v.intro.join('')).toContain('本校这次参考6人，其中6人有上次成绩（100%），增值按这6人计算。');
    expect(v.intro.join('')).toContain('区间整段在0以上，才说“明显高于联盟平均”');
    // 6 matched: figures given, flagged as a small group
    expect(v.warnings.some((w) => w.startsWith('小样本提示：本校两次都参考的学生只有6人'))).toBe(true);
    // 3 schools: no intake term, and the reader is told what the figure then means
    expect(v.warnings.some((w) => w.includes('因未含生源水平项'))).toBe(true);
    expect(v.notes.some((n) => n.startsWith('增值的含义：'))).toBe(true);
    expect(v.notes.some((n) => n.startsWith('模型：两层模型'))).toBe(true);
  });

  it("says each school's result in one of the three statements, by whether its 95% interval excludes 0", () => {
    const d = linked();
    const l = d.longitudinal as Exclude<StoredLongitudinal, { unavailable: string }>;
    for (const id of [L, M]) {
      const own = l.schools.find((s) => s.schoolId === id)!;
      const v = valueAddedSection(d, id)!;
      const words = vaStatement(own.verdict!);
      expect(own.verdict).toBe(vaVerdict(own.ciLow, own.ciHigh));
      expect(v.table!.rows.find((r) => r[0] === '结论')![1]).toBe(words);
      expect(v.warnings.some((w) => w.startsWith(`本校增值${words}：95%置信区间`))).toBe(true);
      expect(v.peerTable!.header).toHaveLength(6); // the PDF writer's layout
    }
    // Forced cases: the sentence follows the interval.
    const own = l.schools.find((s) => s.schoolId === L)!;
    for (const [lo, hi, words] of [
      [0.5, 3, '明显高于联盟平均'],
      [-3, -0.5, '明显低于联盟平均'],
      [-1, 1, '与联盟平均无可分辨差别'],
    ] as const) {
      Object.assign(own, { ciLow: lo, ciHigh: hi, verdict: vaVerdict(lo, hi) });
      expect(valueAddedSection(d, L)!.warnings.some((w) => w.startsWith(`本校增值${words}`))).toBe(true);
    }
  });

  it("reports the prior's α without a threshold, and reads a version 1 (OLS) analysis as it was stored", () => {
    const d = linked('shrunk_over_sd', 0.55);
    const l = d.longitudinal as Exclude<StoredLongitudinal, { unavailable: string }>;
    const v = valueAddedSection(d, L)!;
    expect(v.notes.some((n) => n.startsWith('上次成绩的信度：上次考试信度 α = 0.55'))).toBe(true);
    expect(valueAddedSection(linked(), L)!.notes.some((n) => n.includes('导入的历史成绩或信度未知'))).toBe(true);
    // As stored by version 1: OLS line, α correction, no verdict field, no model.
    const v1: StoredLongitudinal = {
      ...l,
      version: 1,
      model: undefined,
      method: {
        regression: 'OLS：本次总分对上次总分回归，联盟内全部匹配学生',
        reliability: '上次考试信度 α ≥ 0.6 时斜率除以 α',
        schoolVa: '学校增值 = 本校匹配学生残差均值',
        shrinkage: '经验贝叶斯收缩',
        deltas: 'ΔZ、Δ比均率、ΔT 指数只按两次都参考的匹配学生计算',
      },
      regression: { n: 12, intercept: 1.5, slope: 0.9, residualSd: 2, r2: 0.8 },
      reliabilityCorrection: { applied: true, priorReliability: 0.8, olsSlope: 0.72 },
      improvementFormula: { name: 'va_over_se', description: '提升系数 = 增值 ÷ 增值标准误（VA/SE）' },
      schools: l.schools.map(({ verdict: _v, ...r }) => r),
    };
    const old = valueAddedSection({ ...d, longitudinal: v1 }, L)!;
    expect(old.notes.join('')).toContain('联盟回归：本次成绩 = 1.50 + 0.9000 × 上次成绩');
    expect(old.notes.join('')).toContain('斜率已按上次考试信度 α = 0.800 校正测量误差（普通 OLS 斜率 0.7200）');
    expect(old.warnings.some((w) => w.includes('斜率已校正上次成绩的测量误差'))).toBe(true);
    expect(old.notes).toContain('测量误差校正：上次考试信度 α ≥ 0.6 时斜率除以 α。');
    expect(old.notes).toContain('提升系数：提升系数 = 增值 ÷ 增值标准误（VA/SE）。');
    const own = l.schools.find((s) => s.schoolId === L)!;
    expect(old.table!.rows.find((r) => r[0] === '结论')![1]).toBe(vaStatement(vaVerdict(own.ciLow, own.ciHigh)!));
  });

  it('names the other formula when the exam uses 比均率ₜ/比均率ₜ₋₁', () => {
    const v = valueAddedSection(linked('ratio_change'), M)!;
    expect(v.notes).toContain('提升系数：提升系数 = 本次比均率 ÷ 上次比均率（比均率ₜ/比均率ₜ₋₁）。');
  });

  it('suppresses a school with 5 or fewer matched students, and shows it as dashes to the others', () => {
    const v = valueAddedSection(linked(), S)!;
    expect(v.table).toBeNull();
    expect(v.warnings[0]).toBe(
      '本校两次都参考的学生为3人（不超过5人），为保护学生个人信息并避免偶然性，不公布本校的增值数据。',
    );
    const fromL = valueAddedSection(linked(), L)!;
    const dashed = fromL.peerTable!.rows.filter((r) => r.slice(1).every((c) => c === '—'));
    expect(dashed).toHaveLength(1); // S, under a letter
    expect(fromL.peerTable!.rows[0][0]).toBe('本校');
    expect(fromL.peerTable!.rows.slice(1).every((r) => /^学校[A-Z]$/.test(r[0]))).toBe(true);
  });

  it('warns when fewer than 80% of the school could be matched', () => {
    const d = linked();
    const l = d.longitudinal as Exclude<StoredLongitudinal, { unavailable: string }>;
    // as stored for a school of 10 with 7 matched (the sample schools are too small to show it)
    const m = l.schools.find((s) => s.schoolId === M)!;
    Object.assign(m, { nCurrent: 10, matched: 7, matchRate: 0.7 });
    const v = valueAddedSection(d, M)!;
    expect(v.warnings).toContain(
      '本校匹配率为70%，低于80%：转入、上次缺考等未匹配学生不在增值计算内，结果未必代表全校。',
    );
    expect(v.table!.rows[0]).toEqual(['匹配人数 / 本次参考人数', '7 / 10']);
    expect(valueAddedSection(linked(), M)!.warnings.some((w) => w.includes('匹配率为'))).toBe(false);
  });

  it('is part of each report section, with no other school name', () => {
    const r = buildSchoolReport({ examName: '期中', schoolId: M, schoolName: '河口中学', analyses: [linked()] });
    const va = r.sections[0].valueAdded!;
    expect(va.table).not.toBeNull();
    const text = JSON.stringify(va);
    for (const name of ['城关中学', '山背小学', '对照中学']) expect(text).not.toContain(name);
  });
});
