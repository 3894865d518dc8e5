// What an exam may be and who may see what of its results: the exam's kind × grade × the reader's role, as data.
//
// Source: 《教育部办公厅关于加强义务教育学校考试管理的通知》(August 2021), read in substance (paraphrased, not quoted):
// - the function of an exam is to diagnose learning and teaching and to improve them, not to sort pupils;
// - no 区域性或跨校际 exam may be set for 小学各年级 or 初中非毕业年级; what a region does across schools for those
//   grades is 学业质量监测 (sampled or census monitoring whose results go to schools to improve teaching);
// - results are given as 等级 (4–5 levels), never as published scores or ranks; pupils are not seated, streamed or
//   rewarded by results; 《未成年人学校保护规定》 adds: no school publishes a pupil's score or rank.
// Hence the rules below:
// - A cross-school exam (every exam here is one: it is the alliance's) of grades 1–8 can only be 学业质量监测.
//   九年级 and 高中 may also hold a 毕业年级统一考试 (九年级, 高三 only) or a 校际联考/学校自主考试 shared by the alliance.
// - 学业质量监测 (any grade): schools receive their own statistics and the alliance's, and their own pupils' 等级 so
//   teachers know whom to help (找差距、补短板); they receive no score list (a list of scores is a ranking one sort away)
//   and nobody receives ranks or top-N counts. The organiser (admin) keeps the scores, since marking, appeals and
//   checks need them, but no ranks. Pupils and parents get 等级 only.
// - Other exams of 九年级 (still compulsory education): school staff may read their own pupils' scores (preparation for
//   中考), pupils and parents still get 等级 only, and nobody gets individual ranks; top-N counts per school stay
//   (the principal's view withholds counts of 1–5, see results/domain/principal-view.ts).
// - Other exams of 高中: as 九年级, plus internal ranks for the school's staff, and a pupil's own score for the pupil
//   and parents (never their rank: ranks are never told to pupils).
// - Nothing is ever public: the reader 'public' may see nothing, whatever the exam. Other schools are named only to
//   the alliance's admin and the bureau (principals see them by letter, results/domain/principal-view.ts).
// Scope (which school, class or pupil) is not decided here: services check it against the actor's grants.
// Pure: no framework, no database.

/** The kind of an exam (stored in exam.kind). */
export enum ExamKind {
  /** 学业质量监测 */
  QualityMonitoring = 'quality_monitoring',
  /** 毕业年级统一考试 (九年级 or 高三) */
  Graduation = 'graduation',
  /** 校际联考 / 学校自主考试 shared by the alliance */
  Joint = 'joint',
}

export const EXAM_KINDS: readonly ExamKind[] = [ExamKind.QualityMonitoring, ExamKind.Graduation, ExamKind.Joint];

export const KIND_LABEL: Record<ExamKind, string> = {
  [ExamKind.QualityMonitoring]: '学业质量监测',
  [ExamKind.Graduation]: '毕业年级统一考试',
  [ExamKind.Joint]: '校际联考（学校自主考试）',
};

export type Stage = 'primary' | 'junior' | 'senior';
export const STAGE_LABEL: Record<Stage, string> = { primary: '小学', junior: '初中', senior: '高中' };

/** Years 1–12 as 六三三学制: 1–6 小学, 7–9 初中, 10–12 高中. Compulsory education is 1–9 either way (五四制 too). */
export const GRADE_YEARS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
/** The graduating years: 九年级 (初中) and 高三. */
export const GRADUATING_YEARS: readonly number[] = [9, 12];

export function stageOf(year: number): Stage {
  return year <= 6 ? 'primary' : year <= 9 ? 'junior' : 'senior';
}

export const isCompulsory = (year: number) => year >= 1 && year <= 9;

/** The label written in exam.grade and matched against school_class.grade: 一年级 … 九年级, 高一 … 高三. */
export function gradeLabel(year: number): string {
  return year >= 10 ? `高${NUMERALS[year - 9]}` : `${NUMERALS[year]}年级`;
}

/** Reads a grade as people write it (七年级, 初一, 高三, 7, 十年级, 高一年级); null when it is not one. */
export function parseGrade(text: string | null | undefined): number | null {
  const t = (text ?? '').replace(/\s+/g, '');
  if (!t) return null;
  const num = (s: string) => (/^\d{1,2}$/.test(s) ? Number(s) : NUMERALS.indexOf(s));
  let m = /^(\d{1,2}|[一二三四五六七八九十]|十[一二])(?:年级)?$/.exec(t);
  if (m) return valid(num(m[1]));
  m = /^(小学|初中?|高中?)([一二三四五六]|\d)(?:年级)?$/.exec(t);
  if (!m) return null;
  const n = num(m[2]);
  if (m[1].startsWith('小')) return n <= 6 ? valid(n) : null;
  // 初一 … 初三 (初四 in 五四制 is the graduating 九年级 as well).
  if (m[1].startsWith('初')) return n >= 1 && n <= 4 ? valid(n === 4 ? 9 : n + 6) : null;
  return n >= 1 && n <= 3 ? valid(n + 9) : null;
}

const valid = (n: number) => (Number.isInteger(n) && n >= 1 && n <= 12 ? n : null);

/** The kinds an alliance (cross-school) exam of this grade may be (通知 2021, see the header). */
export function kindsAllowed(year: number): ExamKind[] {
  if (isCompulsory(year) && !GRADUATING_YEARS.includes(year)) return [ExamKind.QualityMonitoring];
  return GRADUATING_YEARS.includes(year) ? [...EXAM_KINDS] : [ExamKind.QualityMonitoring, ExamKind.Joint];
}

/** Why a kind is refused for a grade, in Chinese; null when it is allowed. */
export function kindRefusal(year: number, kind: ExamKind): string | null {
  if (kindsAllowed(year).includes(kind)) return null;
  if (kind === ExamKind.Graduation) return `${gradeLabel(year)}不是毕业年级，不能设为毕业年级统一考试`;
  return (
    `${gradeLabel(year)}属于义务教育非毕业年级：按《教育部办公厅关于加强义务教育学校考试管理的通知》（2021），` +
    `不得组织跨校统一考试，只能设为学业质量监测`
  );
}

/** Who reads: today's roles, and the readers issue 17 adds; 'public' is anyone without an account. */
export type Reader =
  | 'admin'
  | 'bureau'
  | 'subject_lead'
  | 'marker'
  | 'scanner'
  | 'proctor'
  | 'principal'
  | 'teacher'
  | 'student'
  | 'parent'
  | 'public';

export const READERS: readonly Reader[] = [
  'admin',
  'bureau',
  'subject_lead',
  'marker',
  'scanner',
  'proctor',
  'principal',
  'teacher',
  'student',
  'parent',
  'public',
];

/** What a view shows. */
export type View =
  /** The own school's (or class's) statistics: 三率一分, items, knowledge points, 临界生 counts. */
  | 'school_stats'
  /** The alliance's and its groups' statistics (urban, rural, comparison schools). */
  | 'alliance_stats'
  /** Other schools by name with their figures. */
  | 'school_comparison'
  /** Other schools by letter (学校A…), their figures guarded against recovery. */
  | 'anonymous_comparison'
  /** The items' statistics over the alliance (difficulty, discrimination, test quality). */
  | 'item_analysis'
  /** Pupils by name with their scores (a school's or class's list). */
  | 'score_list'
  /** A pupil's own score (student and parent notices). */
  | 'own_score'
  /** Pupils' 等级 (a list for staff, one's own for a pupil or parent). */
  | 'grade_band'
  /** Individual ranks (internal lists). */
  | 'rank'
  /** How many of a school's pupils are in the alliance top N. */
  | 'top_counts';

export const VIEWS: readonly View[] = [
  'school_stats',
  'alliance_stats',
  'school_comparison',
  'anonymous_comparison',
  'item_analysis',
  'score_list',
  'own_score',
  'grade_band',
  'rank',
  'top_counts',
];

export const VIEW_LABEL: Record<View, string> = {
  school_stats: '本校统计',
  alliance_stats: '联盟统计',
  school_comparison: '具名的学校对比',
  anonymous_comparison: '匿名的学校对比',
  item_analysis: '试题分析',
  score_list: '学生分数名单',
  own_score: '本人分数',
  grade_band: '等级',
  rank: '个人排名',
  top_counts: '联盟前N名人数',
};

/** The three ways a kind × grade discloses results (see the header for why). */
export type Regime = 'monitoring' | 'compulsory' | 'senior';

const AGGREGATES: View[] = [
  'school_stats',
  'alliance_stats',
  'school_comparison',
  'anonymous_comparison',
  'item_analysis',
];
const NOTHING: View[] = [];

/** THE table: per regime, per reader, the views allowed. Everything not listed is refused. */
export const DISCLOSURE: Record<Regime, Record<Reader, readonly View[]>> = {
  monitoring: {
    admin: [...AGGREGATES, 'score_list', 'grade_band'],
    bureau: AGGREGATES,
    subject_lead: ['alliance_stats', 'item_analysis'],
    principal: ['school_stats', 'alliance_stats', 'anonymous_comparison', 'grade_band'],
    teacher: ['school_stats', 'alliance_stats', 'grade_band'],
    student: ['grade_band'],
    parent: ['grade_band'],
    marker: NOTHING,
    scanner: NOTHING,
    proctor: NOTHING,
    public: NOTHING,
  },
  compulsory: {
    admin: [...AGGREGATES, 'score_list', 'grade_band', 'top_counts'],
    bureau: [...AGGREGATES, 'top_counts'],
    subject_lead: ['alliance_stats', 'item_analysis'],
    principal: ['school_stats', 'alliance_stats', 'anonymous_comparison', 'score_list', 'grade_band', 'top_counts'],
    teacher: ['school_stats', 'alliance_stats', 'score_list', 'grade_band'],
    student: ['grade_band'],
    parent: ['grade_band'],
    marker: NOTHING,
    scanner: NOTHING,
    proctor: NOTHING,
    public: NOTHING,
  },
  senior: {
    admin: [...AGGREGATES, 'score_list', 'grade_band', 'rank', 'top_counts'],
    bureau: [...AGGREGATES, 'top_counts'],
    subject_lead: ['alliance_stats', 'item_analysis'],
    principal: [
      'school_stats',
      'alliance_stats',
      'anonymous_comparison',
      'score_list',
      'grade_band',
      'rank',
      'top_counts',
    ],
    teacher: ['school_stats', 'alliance_stats', 'score_list', 'grade_band', 'rank'],
    student: ['own_score', 'grade_band'],
    parent: ['own_score', 'grade_band'],
    marker: NOTHING,
    scanner: NOTHING,
    proctor: NOTHING,
    public: NOTHING,
  },
};

/** What the rule needs of an exam. An unknown grade counts as compulsory (the stricter reading). */
export interface ExamLevel {
  kind: ExamKind;
  gradeYear: number | null;
}

/** An exam row's level: its stored year, else the year its grade text reads as (rows saved before the year existed). */
export function levelOf(exam: { kind: ExamKind; gradeYear: number | null; grade: string }): ExamLevel {
  return { kind: exam.kind, gradeYear: exam.gradeYear ?? parseGrade(exam.grade) };
}

/** The readers a person is in an alliance: the roles of their grants there that the table knows. */
export function readersOf(grants: readonly { role: string; allianceId: number }[], allianceId: number): Reader[] {
  const roles = grants.filter((g) => g.allianceId === allianceId).map((g) => g.role as Reader);
  return [...new Set(roles.filter((r) => READERS.includes(r) && r !== 'public'))];
}

export function regimeOf(exam: ExamLevel): Regime {
  if (exam.kind === ExamKind.QualityMonitoring) return 'monitoring';
  return exam.gradeYear !== null && !isCompulsory(exam.gradeYear) ? 'senior' : 'compulsory';
}

/** The rule: may this reader see this view of this exam's results? */
export function may(reader: Reader, exam: ExamLevel, view: View): boolean {
  return DISCLOSURE[regimeOf(exam)][reader].includes(view);
}

/** May any of these readers (one person's roles in the exam's alliance) see the view? */
export function mayAny(readers: readonly Reader[], exam: ExamLevel, view: View): boolean {
  return readers.some((r) => may(r, exam, view));
}

/** A short name of the exam's level for messages: 学业质量监测·七年级. */
export function levelLabel(exam: ExamLevel): string {
  return `${KIND_LABEL[exam.kind]}${exam.gradeYear ? `·${gradeLabel(exam.gradeYear)}` : ''}`;
}

/** The refusal of a route's views, in Chinese. */
export function refusal(exam: ExamLevel, views: readonly View[]): string {
  return `按本次考试（${levelLabel(exam)}）的成绩使用规定，当前账号不能查看${views.map((v) => VIEW_LABEL[v]).join('或')}`;
}

// ── 等级 (grade bands): 4 or 5 levels by cut-offs stored on the exam, as fractions of full marks ──

/** A ≥ 85%, B ≥ 70%, C ≥ 60%, D below. */
export const DEFAULT_BAND_CUTOFFS: readonly number[] = [0.85, 0.7, 0.6];
const BAND_NAMES: Record<number, string[]> = {
  4: ['优秀', '良好', '合格', '待合格'],
  5: ['优秀', '良好', '中等', '合格', '待合格'],
};
const LETTERS = ['A', 'B', 'C', 'D', 'E'];

export interface Band {
  letter: string;
  name: string;
  /** Lowest share of full marks in the band (0 for the last). */
  from: number;
}

export function bandsOf(cutoffs: readonly number[]): Band[] {
  const names = BAND_NAMES[cutoffs.length + 1];
  return [...cutoffs, 0].map((from, i) => ({ letter: LETTERS[i], name: names[i], from }));
}

/** The 等级 letter of a total (null when there is no total: absent, not marked). Exact to 0.001 of full marks. */
export function gradeBand(total: number | null, fullMarks: number, cutoffs: readonly number[]): string | null {
  if (total === null || !(fullMarks > 0)) return null;
  const t = Math.round(total * 1000);
  const i = cutoffs.findIndex((c) => t >= Math.round(c * 1000) * fullMarks);
  return LETTERS[i === -1 ? cutoffs.length : i];
}

/** 3 or 4 cut-offs (4 or 5 levels), each a fraction in (0, 1) with at most three decimals, strictly decreasing. */
export function validateCutoffs(raw: unknown): { ok: true; cutoffs: number[] } | { ok: false; error: string } {
  if (raw === undefined || raw === null || raw === '') return { ok: true, cutoffs: [...DEFAULT_BAND_CUTOFFS] };
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,，\s]+/).filter(Boolean) : null;
  const nums = (list ?? []).map((v) => (typeof v === 'number' ? v : /^\d*\.?\d+$/.test(String(v)) ? Number(v) : NaN));
  const fine = (n: number) => n > 0 && n < 1 && Math.abs(Math.round(n * 1000) - n * 1000) < 1e-6;
  if ((nums.length !== 3 && nums.length !== 4) || !nums.every(fine))
    return { ok: false, error: '等级分界应为 3 或 4 个大于 0、小于 1 的小数（最多三位小数），分出 4 或 5 个等级' };
  if (!nums.every((n, i) => i === 0 || n < nums[i - 1]))
    return { ok: false, error: `等级分界应从高到低排列，现为 ${nums.join(' / ')}` };
  return { ok: true, cutoffs: nums };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** A（优秀）≥85%，B（良好）≥70%，C（合格）≥60%，D（待合格）<60% */
export function describeBands(cutoffs: readonly number[]): string {
  const bands = bandsOf(cutoffs);
  return bands
    .map((b, i) => `${b.letter}（${b.name}）${i < cutoffs.length ? `≥${pct(b.from)}` : `<${pct(cutoffs.at(-1)!)}`}`)
    .join('，');
}

// ── The rule in words, for the exam pages ──

/** Which kinds the grade allows, and why. */
export function explainGrade(year: number): string {
  const kinds = kindsAllowed(year).map((k) => KIND_LABEL[k]);
  const head = `${STAGE_LABEL[stageOf(year)]}${gradeLabel(year)}`;
  if (kinds.length === 1)
    return (
      `${head}属于义务教育非毕业年级。按《教育部办公厅关于加强义务教育学校考试管理的通知》（2021），` +
      `不得组织区域性或跨校际的考试，联盟统一组织的只能是学业质量监测。`
    );
  return `${head}的联盟统一考试可以是：${kinds.join('、')}。`;
}

/** What follows for 成绩 from the kind and grade: who gets what. */
export function explainDisclosure(exam: ExamLevel, cutoffs: readonly number[] | null = DEFAULT_BAND_CUTOFFS): string {
  const bands = cutoffs ? `等级：${describeBands(cutoffs)}` : '等级分界见下';
  const tail = '成绩只发给有权查看的人，不张榜、不公布分数和排名。';
  switch (regimeOf(exam)) {
    case 'monitoring':
      return (
        `学业质量监测：学生和家长只得到各科等级（${bands}），不告知分数和排名；学校得到本校统计和本校学生的等级名单，` +
        `用于改进教学，不提供学生分数名单；任何人都不做个人排名和前N名统计。${tail}`
      );
    case 'compulsory':
      return `义务教育阶段考试：学生和家长只得到等级（${bands}）；学校可查看本校学生分数，用于教学；不做个人排名。${tail}`;
    default:
      return `高中考试：学生和家长可得到本人分数与等级（${bands}），不告知排名；学校内部可查看本校学生分数和排名。${tail}`;
  }
}
