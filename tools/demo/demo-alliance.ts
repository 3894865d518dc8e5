// The demo alliance: one urban lead school and five member schools, three of them rural, one exam of two papers
// (数学 and 英语) linked to last term's imported totals of both subjects.
//
// Each school carries one planted pattern, so that every part of the diagnostic report has something true to say:
//
//   school                  pattern                        how it is planted
//   ──────────────────────  ─────────────────────────────  ──────────────────────────────────────────────────────
//   S01 曾都区实验中学 (龙头校) 领先但退步 (slipping from ahead)  highest ability, prior drawn from ability + 0.09: ΔT and
//                                                          value-added clearly negative
//   S02 曾都区东城中学          两个班差距明显; 英语偏弱          七(1)班 −0.09, 七(2)班 +0.09 ability (≈16 points apart);
//                           (classes; 学科均衡)              英语 ability 0.10 below its own maths (≈8 points);
//                                                          prior drawn from ability − 0.03 (a small gain)
//   S03 曾都区南郊中学          知识点短板: 一元一次方程          items 5, 6 and 10 at ability − 0.25 (≈5.5 of the 24 points
//                                                          of that knowledge point); its maths prior is drawn 0.06
//                                                          lower (the weakness was there last term too), so that its
//                                                          value-added stays near 0: a weakness, not a slide
//   S04 何店镇中心学校 (乡村)    落后但进步 (gaining from behind)  low ability, prior drawn from ability − 0.10: raw scores
//                                                          below the alliance, value-added clearly positive
//   S05 府河镇初级中学 (乡村)    整体偏低 (uniformly lower)       lowest ability, nothing else: the same gap on every item,
//                                                          so the report should say 整体偏低 once, not flag each item
//                                                          (today's plain OLS on an imported prior, biased against
//                                                          low intake, still gives it a VA a few points negative:
//                                                          issue 15)
//   S06 万店镇中心学校 (乡村)    临界生; 典型错误                ability bunched just below 及格 (total ≈ 56 of 100, narrow
//                                                          spread); on maths item 7 (key C) 35% pick B outright
//
// Ability is on a 0–1 scale: about 0.9 marks of either paper per 0.01. With six schools the alliance's regression
// slope feels the planted gains themselves (gains that fall with intake flatten it, which credits high-intake and
// blames low-intake schools, DESIGN.md §5): the gains are kept large against the spread within schools (0.34), and
// one urban school gains a little too. test/tools/demo-data.spec.ts checks that
// answers drawn this way show each pattern.
import { mulberry32 } from '../../test/support/synthetic/synthetic-scan.js';

export const DEMO_PASSWORD = 'tongkao2026';

export const DEMO_ALLIANCE = { name: '曾都区城乡第一教联体', code: 'demo' };
/** The county (区县) above the demo alliance; its bureau user is bureau1 (read-only). */
export const DEMO_COUNTY = { name: '曾都区', code: 'demo-county' };

export interface DemoSchool {
  code: string;
  name: string;
  kind: 'lead' | 'member';
  locality: 'urban' | 'rural';
  students: number;
  /** What the school's data plant, in the report's words (printed by the demo). */
  pattern: string;
  /** Mean latent ability of the school's students: the urban–rural gap the bureau wants to see closed. */
  ability: number;
  /** Half-width of the school's spread of ability around its mean (0.22 unless bunched). */
  spread?: number;
  /**
   * Progress since last term planted in the imported prior exam (ability units, ≈ 0.9 marks per 0.01): the prior
   * scores are drawn from ability − gain, so the 纵看 section should find this school's value-added.
   */
  gain: number;
  /** Ability added to the students of each class (by class index): two classes that differ. */
  classShift?: number[];
  /** 英语 ability relative to the school's own maths ability: a subject that lags (学科均衡). */
  englishShift?: number;
  /** Added to the ability the maths prior is drawn from: a weakness that was already there last term. */
  mathsPriorShift?: number;
  /** Maths items (by label) answered at a lower ability: a knowledge-point weakness. */
  mathsItemShift?: Record<string, number>;
  /** Maths choice items (by label) whose wrong option lures the school's students: 典型错误. */
  mathsLure?: Record<string, { option: string; p: number }>;
}

export const DEMO_SCHOOLS: DemoSchool[] = [
  {
    code: 'S01',
    name: '曾都区实验中学',
    kind: 'lead',
    locality: 'urban',
    students: 60,
    pattern: '领先但退步：原始分最高，增值为负',
    ability: 0.68,
    gain: -0.09,
  },
  {
    code: 'S02',
    name: '曾都区东城中学',
    kind: 'member',
    locality: 'urban',
    students: 52,
    pattern: '两个班差距明显（约16分）；英语低于本校数学水平',
    ability: 0.6,
    gain: 0.03,
    classShift: [-0.09, 0.09],
    englishShift: -0.1,
  },
  {
    code: 'S03',
    name: '曾都区南郊中学',
    kind: 'member',
    locality: 'urban',
    students: 48,
    pattern: '知识点短板：一元一次方程（第5、6、10题）',
    ability: 0.6,
    gain: 0,
    // The weakness costs about 5.5 marks of maths; it was there last term too, so its maths value-added stays near 0.
    mathsPriorShift: -0.06,
    mathsItemShift: { '5': -0.25, '6': -0.25, '10': -0.25 },
  },
  {
    code: 'S04',
    name: '何店镇中心学校',
    kind: 'member',
    locality: 'rural',
    students: 50,
    pattern: '落后但进步：原始分低于联盟，增值明显为正',
    ability: 0.48,
    gain: 0.1,
  },
  {
    code: 'S05',
    name: '府河镇初级中学',
    kind: 'member',
    locality: 'rural',
    students: 46,
    pattern: '整体偏低：每道题差距相同',
    ability: 0.44,
    gain: 0,
  },
  {
    code: 'S06',
    name: '万店镇中心学校',
    kind: 'member',
    locality: 'rural',
    students: 44,
    pattern: '临界生多（集中在及格线下）；数学第7题 35% 误选 B（典型错误）',
    ability: 0.54,
    spread: 0.08,
    gain: 0,
    mathsLure: { '7': { option: 'B', p: 0.35 } },
  },
];

export const DEMO_CLASSES = ['七(1)班', '七(2)班'];

/** The same cohort's exam of last term, imported from a spreadsheet (纵看's prior exam), both subjects. */
export const DEMO_PRIOR_EXAM = {
  name: '2026年春季六年级期末（历史成绩导入）',
  grade: '六年级',
  examDate: '2026-06-26',
  subjects: ['数学', '英语'],
  fullMarks: 100,
};

/**
 * 七年级 is a compulsory, non-graduating grade: a cross-school exam of it can only be 学业质量监测 (《教育部办公厅关于加强
 * 义务教育学校考试管理的通知》2021; src/exams/domain/exam-disclosure.ts), so students get 等级 and schools no score lists.
 */
export const DEMO_EXAM = {
  name: '2026年秋季七年级期中学业质量监测',
  grade: '七年级',
  gradeYear: 7,
  kind: 'quality_monitoring',
  examDate: '2026-11-10',
};

const choice = (label: string, answerKey: string, kp: string, level: string, maxScore = 4) => ({
  label,
  type: 'single_choice',
  maxScore,
  answerKey,
  optionCount: 4,
  knowledgePoints: [kp],
  cognitiveLevel: level,
});

/**
 * Four knowledge points of 20–30 marks each, every one on choice and subjective items, every level present. The
 * boxes are sized so that the sheet is one A4 page: one scan per student and subject keeps the demo's time.
 */
export const DEMO_PAPER = {
  subject: '数学',
  title: '七年级数学期中学业质量监测',
  items: [
    choice('1', 'C', '有理数的运算', '了解'),
    choice('2', 'A', '有理数的运算', '理解'),
    choice('3', 'D', '整式的加减', '了解'),
    choice('4', 'B', '整式的加减', '理解'),
    choice('5', 'B', '一元一次方程', '理解'),
    choice('6', 'A', '一元一次方程', '掌握'),
    choice('7', 'C', '几何图形初步', '理解'),
    choice('8', 'D', '几何图形初步', '掌握'),
    {
      label: '9',
      type: 'subjective',
      maxScore: 12,
      scoreStep: 1,
      boxHeightMm: 30,
      knowledgePoints: ['有理数的运算'],
      cognitiveLevel: '掌握',
    },
    {
      label: '10',
      type: 'subjective',
      maxScore: 16,
      scoreStep: 1,
      boxHeightMm: 32,
      knowledgePoints: ['一元一次方程'],
      cognitiveLevel: '运用',
    },
    {
      label: '11',
      type: 'subjective',
      maxScore: 18,
      scoreStep: 1,
      boxHeightMm: 34,
      knowledgePoints: ['整式的加减'],
      cognitiveLevel: '掌握',
    },
    {
      label: '12',
      type: 'subjective',
      maxScore: 22,
      scoreStep: 1,
      boxHeightMm: 36,
      knowledgePoints: ['几何图形初步'],
      cognitiveLevel: '运用',
      markingMode: 'double',
      tolerance: 3,
    },
  ],
};

/**
 * The second paper of the exam: mostly machine-read choices (the demo's marking time grows little), two marked
 * items, all on one sheet page.
 */
export const DEMO_ENGLISH_PAPER = {
  subject: '英语',
  title: '七年级英语期中学业质量监测',
  items: [
    ...'BADCABDC'
      .split('')
      .map((k, i) => choice(String(i + 1), k, i < 4 ? '词汇运用' : '语法知识', i % 2 ? '理解' : '了解', 3)),
    ...'CDABDBCA'
      .split('')
      .map((k, i) => choice(String(i + 9), k, i < 4 ? '完形填空' : '阅读理解', i % 2 ? '掌握' : '理解', 4)),
    {
      label: '17',
      type: 'subjective',
      maxScore: 20,
      scoreStep: 1,
      boxHeightMm: 26,
      knowledgePoints: ['语言运用'],
      cognitiveLevel: '掌握',
    },
    {
      label: '18',
      type: 'subjective',
      maxScore: 24,
      scoreStep: 1,
      boxHeightMm: 28,
      knowledgePoints: ['书面表达'],
      cognitiveLevel: '运用',
    },
  ],
};

/** Exam numbers: 8 digits, school code digits + class + seat. */
export function demoExamNo(schoolIndex: number, classIndex: number, seat: number): string {
  return `2026${String(schoolIndex + 1).padStart(1, '0')}${classIndex + 1}${String(seat).padStart(2, '0')}`;
}

const clampAbility = (a: number) => Math.min(0.97, Math.max(0.05, a));

/** Class index of the k-th student of a school (the roster alternates classes). */
export const demoClassOf = (k: number) => k % DEMO_CLASSES.length;

/**
 * Latent maths ability (0–1) of the k-th student of a school: the school mean, its class's shift, plus a fixed
 * spread that is balanced between the two classes (pairs of consecutive students share the spread term).
 */
export function demoAbility(school: DemoSchool, k: number): number {
  const j = Math.floor(k / 2);
  const spread = (school.spread ?? 0.34) * Math.sin(j * 2.399) * Math.cos(j * 0.7 + (k % 2) * 0.35);
  return clampAbility(school.ability + (school.classShift?.[demoClassOf(k)] ?? 0) + spread);
}

/** The ability last term's maths total is drawn from (before the school's gain). */
export function demoMathsPriorAbility(school: DemoSchool, k: number): number {
  return demoAbility(school, k) + (school.mathsPriorShift ?? 0);
}

/** 英语 ability: the maths ability, the school's subject lag and a personal difference between the subjects. */
export function demoEnglishAbility(school: DemoSchool, k: number): number {
  return clampAbility(demoAbility(school, k) + (school.englishShift ?? 0) + 0.06 * Math.cos(k * 1.7 + 0.4));
}

/**
 * Last term's total (out of DEMO_PRIOR_EXAM.fullMarks, half marks) of a student of this ability, before the school's
 * gain: roughly the scale this term's papers give the same ability, plus test noise. `gauss` is a standard normal draw.
 */
export function demoPriorScore(ability: number, school: DemoSchool, gauss: number): number {
  // Noise SD 3 marks: a prior test of reliability about 0.95. Noisier priors flatten the regression, and then the
  // weaker schools' VA is pulled down (the report's own warning), which would blur the planted gains.
  const raw = 6 + 90 * (ability - school.gain) + 3 * gauss;
  return Math.min(DEMO_PRIOR_EXAM.fullMarks, Math.max(0, Math.round(raw * 2) / 2));
}

/**
 * Last term's totals of every student of every school (in roster order), one per subject of `abilities`, drawn
 * from the same latent abilities minus the school's gain; null for the ~2% who missed that exam (缺考).
 */
export function demoPriorTotals(
  abilities: ((school: DemoSchool, k: number) => number)[],
): { school: DemoSchool; k: number; scores: (number | null)[] }[] {
  const rng = mulberry32(20260626);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const rows: { school: DemoSchool; k: number; scores: (number | null)[] }[] = [];
  for (const school of DEMO_SCHOOLS)
    for (let k = 0; k < school.students; k++) {
      const missed = rng() < 0.02;
      const scores = abilities.map((ability) => demoPriorScore(ability(school, k), school, gauss()));
      rows.push({ school, k, scores: missed ? scores.map(() => null) : scores });
    }
  return rows;
}
