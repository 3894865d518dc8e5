import { analysePaper } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import type { StoredLongitudinal } from '../../results/domain/stored-longitudinal.js';
import { longitudinal } from '../../results/domain/value-added.js';
import { buildSchoolReport, type StoredAnalysis } from './school-report.js';
import { valueAddedSection } from './value-added-section.js';

// A linked exam: the sample paper's students with a prior total; school L's students did better than their prior
// predicts, M's worse, S has 3 students (suppressed). A deterministic pattern, so the figures can be checked.
function linked(formula: 'va_over_se' | 'ratio_change' = 'va_over_se', priorReliability?: number): StoredAnalysis {
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
    expect(row('收缩系数 λ')).toBe(own.shrinkage!.toFixed(2));
    expect(row('匹配率')).toBe('100%');
    expect(row('匹配人数 / 本次参考人数')).toBe('6 / 6');
    expect(row('提升系数')).toBe((own.va! / own.se!).toFixed(2));
    expect(v.notes[0]).toBe('提升系数：提升系数 = 增值 ÷ 增值标准误（VA/SE）。');
    expect(v.intro.join('')).toMatch(/联盟回归：本次成绩 = -?\d+\.\d{2} \+ \d+\.\d{4} × 上次成绩/);
    // 6 matched: figures given, flagged as a small group
    expect(v.warnings.some((w) => w.startsWith('小样本提示：本校两次都参考的学生只有6人'))).toBe(true);
    expect(v.warnings.some((w) => w.includes('未调整生源构成'))).toBe(true);
  });

  it("says whether the slope was corrected by the prior exam's α, and why not", () => {
    const plain = valueAddedSection(linked(), L)!;
    expect(plain.warnings.some((w) => w.includes('也未校正上次成绩的测量误差（上次考试的信度未知'))).toBe(true);
    expect(plain.intro.join('')).not.toContain('斜率已按上次考试信度');
    expect(plain.notes.some((n) => n.startsWith('测量误差校正：'))).toBe(true);
    const d = linked('va_over_se', 0.8);
    const l = d.longitudinal as Exclude<StoredLongitudinal, { unavailable: string }>;
    const v = valueAddedSection(d, L)!;
    expect(l.reliabilityCorrection).toMatchObject({ applied: true, priorReliability: 0.8 });
    expect(v.intro.join('')).toContain(
      `斜率已按上次考试信度 α = 0.800 校正测量误差（普通 OLS 斜率 ${(l.reliabilityCorrection as { olsSlope: number }).olsSlope.toFixed(4)}）`,
    );
    expect(v.warnings.some((w) => w.includes('斜率已校正上次成绩的测量误差'))).toBe(true);
    // an analysis stored before the correction existed reads as before
    const { reliabilityCorrection: _gone, ...old } = l;
    const oldV = valueAddedSection({ ...d, longitudinal: old }, L)!;
    expect(oldV.warnings.some((w) => w.includes('未调整生源构成：上次成绩高的学校'))).toBe(true);
  });

  it('names the other formula when the exam uses 比均率ₜ/比均率ₜ₋₁', () => {
    const v = valueAddedSection(linked('ratio_change'), M)!;
    expect(v.notes[0]).toBe('提升系数：提升系数 = 本次比均率 ÷ 上次比均率（比均率ₜ/比均率ₜ₋₁）。');
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
