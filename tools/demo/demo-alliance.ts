// The demo alliance: one urban lead school and five member schools, three of them rural, one maths paper.

export const DEMO_PASSWORD = 'tongkao2026';

export const DEMO_ALLIANCE = { name: '曾都区城乡第一教联体', code: 'demo' };

export interface DemoSchool {
  code: string;
  name: string;
  kind: 'lead' | 'member';
  locality: 'urban' | 'rural';
  students: number;
  /** Mean latent ability of the school's students: the urban–rural gap the bureau wants to see closed. */
  ability: number;
  /**
   * Progress since last term planted in the imported prior exam (ability units, ≈ 0.9 marks of this paper per
   * 0.01): the prior scores are drawn from ability − gain, so the 纵看 section should find this school's VA.
   */
  gain: number;
}

export const DEMO_SCHOOLS: DemoSchool[] = [
  { code: 'S01', name: '曾都区实验中学', kind: 'lead', locality: 'urban', students: 60, ability: 0.7, gain: 0 },
  { code: 'S02', name: '曾都区东城中学', kind: 'member', locality: 'urban', students: 52, ability: 0.62, gain: -0.03 },
  { code: 'S03', name: '曾都区南郊中学', kind: 'member', locality: 'urban', students: 48, ability: 0.58, gain: 0.02 },
  { code: 'S04', name: '何店镇中心学校', kind: 'member', locality: 'rural', students: 50, ability: 0.5, gain: 0.08 },
  { code: 'S05', name: '府河镇初级中学', kind: 'member', locality: 'rural', students: 46, ability: 0.45, gain: 0.05 },
  { code: 'S06', name: '万店镇中心学校', kind: 'member', locality: 'rural', students: 44, ability: 0.52, gain: -0.02 },
];

export const DEMO_CLASSES = ['七(1)班', '七(2)班'];

/** The same cohort's exam of last term, imported from a spreadsheet (纵看's prior exam). */
export const DEMO_PRIOR_EXAM = {
  name: '2026年春季六年级数学期末（历史成绩导入）',
  grade: '六年级',
  examDate: '2026-06-26',
  subject: '数学',
  fullMarks: 100,
};

export const DEMO_EXAM = { name: '2026年秋季七年级数学期中统一检测', grade: '七年级', examDate: '2026-11-10' };

export const DEMO_PAPER = {
  subject: '数学',
  title: '七年级数学期中统一检测',
  items: [
    ...['C', 'A', 'D', 'B', 'B', 'A', 'C', 'D'].map((key, i) => ({
      label: String(i + 1),
      type: 'single_choice',
      maxScore: 4,
      answerKey: key,
      optionCount: 4,
    })),
    { label: '9', type: 'subjective', maxScore: 12, scoreStep: 1, boxHeightMm: 30, knowledgePoints: ['有理数的运算'] },
    { label: '10', type: 'subjective', maxScore: 16, scoreStep: 1, boxHeightMm: 32, knowledgePoints: ['一元一次方程'] },
    { label: '11', type: 'subjective', maxScore: 18, scoreStep: 1, boxHeightMm: 35, knowledgePoints: ['整式的加减'] },
    {
      label: '12',
      type: 'subjective',
      maxScore: 22,
      scoreStep: 1,
      boxHeightMm: 38,
      knowledgePoints: ['几何图形初步'],
      markingMode: 'double',
      tolerance: 3,
    },
  ],
};

/** Exam numbers: 8 digits, school code digits + class + seat. */
export function demoExamNo(schoolIndex: number, classIndex: number, seat: number): string {
  return `2026${String(schoolIndex + 1).padStart(1, '0')}${classIndex + 1}${String(seat).padStart(2, '0')}`;
}

/** Latent ability (0–1) of the k-th student of a school: the school mean plus a fixed spread. */
export function demoAbility(school: DemoSchool, k: number): number {
  return Math.min(0.97, Math.max(0.05, school.ability + 0.22 * Math.sin(k * 2.399) * Math.cos(k * 0.7)));
}

/**
 * Last term's total (out of DEMO_PRIOR_EXAM.fullMarks, half marks) of a student of this ability, before the school's
 * gain: roughly the scale this term's paper gives the same ability, plus test noise. `gauss` is a standard normal draw.
 */
export function demoPriorScore(ability: number, school: DemoSchool, gauss: number): number {
  // Noise SD 3 marks: a prior test of reliability about 0.95. Noisier priors flatten the regression, and then the
  // weaker schools' VA is pulled down (the report's own warning), which would blur the planted gains.
  const raw = 6 + 90 * (ability - school.gain) + 3 * gauss;
  return Math.min(DEMO_PRIOR_EXAM.fullMarks, Math.max(0, Math.round(raw * 2) / 2));
}
