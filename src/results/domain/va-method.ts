// The value-added method in plain Chinese, stored with every analysis (so an old analysis keeps the words of the
// method that produced it) and printed in the school report's methods appendix; and the 提升系数 formulas.
import { LINKED_PRIOR_MIN_SHARE } from './linked-priors.js';
import { contextualMinSchools } from './multilevel.js';

export type ImprovementFormulaName = 'shrunk_over_sd' | 'ratio_change' | 'va_over_se';

export const IMPROVEMENT_FORMULAS: Record<ImprovementFormulaName, string> = {
  shrunk_over_sd:
    '提升系数 = 收缩后增值 ÷ 校内残差标准差 σ（以一个学生标准差为单位的增值幅度，不因学校人数多少而变大或变小）',
  ratio_change: '提升系数 = 本次比均率 ÷ 上次比均率（比均率ₜ/比均率ₜ₋₁）',
  va_over_se: '提升系数 = 增值 ÷ 增值标准误（VA/SE）',
};

/**
 * The formula an exam's setting asks for. 'va_over_se' (the old default) grows with √n, so it rewarded size by
 * itself (issue 15 §5): it now means the size-neutral default; VA/SE is only read back from analyses stored with it.
 */
export function improvementFormulaOf(setting: string | null | undefined): ImprovementFormulaName {
  return setting === 'ratio_change' ? 'ratio_change' : 'shrunk_over_sd';
}

/** The method in plain Chinese, stored with every analysis and printed in the report's methods appendix. */
export interface VaMethodText {
  /** Version 2 on. */
  model?: string;
  /** What the figure estimates (version 2 on). */
  estimand?: string;
  /** Version 1: the OLS line. */
  regression?: string;
  reliability?: string;
  schoolVa: string;
  shrinkage: string;
  /** Version 2 on. */
  verdict?: string;
  deltas: string;
}

/** How the prior's reliability is said: its own α, or the figure the admin stated at import with its source. */
function reliabilityWords(priorReliability: number | null, source: string | null): string {
  if (priorReliability === null) return '上次成绩为导入的历史成绩或信度未知';
  const r = priorReliability.toFixed(2);
  return source === null ? `上次考试信度 α = ${r}` : `先前考试信度 ${r}（来源：${source}，导入时填写）`;
}

export function vaMethodText(
  contextual: boolean,
  priors: number,
  priorReliability: number | null,
  priorReliabilitySource: string | null = null,
  priorExamNames?: readonly string[],
): VaMethodText {
  const exams = priorExamNames && priorExamNames.length > 1 ? priorExamNames : null;
  const prior = exams ? `此前${exams.length}次考试的成绩` : priors > 1 ? `上次的${priors}项成绩` : '上次成绩';
  const several = exams
    ? `。此前${exams.length}次考试（${exams.join('、')}）的成绩各作一个预测变量，比只用一次考试更少受偶然发挥的影响（英国 Progress 8、美国 EVAAS 亦用多次先前成绩）；只有各次都有成绩的学生计入，且这样的学生不少于有上次成绩学生的${Math.round(LINKED_PRIOR_MIN_SHARE * 100)}%时才用多次成绩`
    : '';
  return {
    model:
      (contextual
        ? `两层模型：联盟内全部匹配学生一起拟合，本次成绩对学生本人${prior}回归，同时把本校学生${prior}的平均（生源水平）作为学校层的预测变量；人数少的学校平均分难以代表其生源，因此按其可靠程度（由上次成绩的校间、校内方差算出，人数越少越向联盟平均靠拢）折算后再进入模型，使大校不会因生源好坏被多算或少算增值；学校效应作随机效应，用限制性最大似然（REML）估计，结果与统计软件 R 的 lme4 一致`
        : `两层模型：联盟内全部匹配学生一起拟合，本次成绩对学生本人${prior}回归；学校效应作随机效应，用限制性最大似然（REML）估计。有上次成绩的学校不足${contextualMinSchools(priors)}所，无法另估生源水平的影响，未含生源水平项`) +
      several,
    estimand: contextual
      ? '增值回答的问题是：上次成绩相同、生源整体水平也相同的学校相比，本校学生这次多得（或少得）了多少分。生源好坏不算作学校的功劳或过失；生源带来的同伴影响也不计入本校增值'
      : '增值回答的问题是：与上次成绩相同的联盟学生相比，本校学生这次多得（或少得）了多少分。因未含生源水平项，上次成绩的测量误差可能使生源好的学校增值略偏高、生源弱的学校略偏低',
    reliability:
      reliabilityWords(priorReliability, priorReliabilitySource) +
      (contextual
        ? '。上次成绩的测量误差会使单层回归偏向生源好的学校；模型含生源水平项后，无论信度高低或未知，这一偏差都不再进入增值，因此不按 α 校正斜率，也没有信度门槛；已知信度时，只用它估计上次成绩的测量误差给各校平均分带来的额外波动（下文的系数 φ），使区间宽度更准'
        : '。未含生源水平项时，测量误差的偏差无法消除，请结合上次成绩水平解读'),
    schoolVa:
      '增值 = 本校匹配学生相对模型固定部分的平均残差（分，未收缩），减去各校按人数加权的平均，即与联盟平均相比；其95%置信区间同时计入学生的随机波动、回归系数的估计误差、校间差异大小 τ² 的不确定性，以及上次成绩的测量误差在校均分中留下的额外波动（系数 φ，由数据估计，已知上次成绩信度时以信度推算的值为中心，否则以生源水平项的系数推算的值为中心，不确定性一并计入；人数少的学校生源水平项折算得多，这一波动也相应小）',
    shrinkage:
      '收缩后增值 = 模型对学校效应的预测（BLUP），约为 λ × 增值，λ = τ²/(τ² + φ·σ²/匹配人数)（σ 为校内残差标准差）：人数越少，越向联盟平均（0）靠拢；其95%区间同样计入 τ²、φ 和回归系数的不确定性。在模拟的联盟（5–400人的学校、生源不同、上次成绩信度 0.5–0.9 或未知）上检验，两种区间在各规模学校中覆盖真实增值的比例都在约93%–97%之间',
    verdict:
      '结论按增值的95%置信区间：整体在0以上为“明显高于联盟平均”，整体在0以下为“明显低于联盟平均”，包含0为“与联盟平均无可分辨差别”',
    deltas: 'ΔZ、Δ比均率、ΔT 指数只按两次都参考的匹配学生计算',
  };
}
