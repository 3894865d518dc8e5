// Validation of a new exam's settings: name, grade and kind (exam-disclosure.ts), date, the 三率 thresholds (DESIGN §5)
// and the 等级 cut-offs.
import {
  EXAM_KINDS,
  ExamKind,
  GRADE_YEARS,
  gradeLabel,
  KIND_LABEL,
  kindRefusal,
  kindsAllowed,
  parseGrade,
  validateCutoffs,
} from './exam-disclosure.js';

export const DEFAULT_RATIOS = { excellentRatio: 0.85, passRatio: 0.6, lowRatio: 0.4 };

export interface ExamInput {
  name?: unknown;
  grade?: unknown;
  /** 1–12; when absent, read from grade (七年级, 高一…). */
  gradeYear?: unknown;
  kind?: unknown;
  /** 等级 cut-offs, e.g. [0.85, 0.7, 0.6] or "0.85,0.7,0.6". */
  gradeBandCutoffs?: unknown;
  examDate?: unknown;
  excellentRatio?: unknown;
  passRatio?: unknown;
  lowRatio?: unknown;
}

export interface ValidExam {
  name: string;
  grade: string;
  gradeYear: number | null;
  kind: ExamKind;
  gradeBandCutoffs: number[];
  examDate: string | null;
  excellentRatio: number;
  passRatio: number;
  lowRatio: number;
}

export type ExamResult = { ok: true; exam: ValidExam } | { ok: false; errors: string[] };

const RATIO_LABEL = { excellentRatio: '优秀线', passRatio: '及格线', lowRatio: '低分线' } as const;

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

type Level = Pick<ValidExam, 'grade' | 'gradeYear' | 'kind'>;

/** The year from gradeYear, else from the grade text; undefined when neither can be read. */
function yearOf(input: ExamInput, grade: string, errors: string[], strict: boolean): number | null | undefined {
  const raw = input.gradeYear;
  if (raw !== undefined && raw !== null && raw !== '') {
    const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
    if (GRADE_YEARS.includes(n)) return n;
    errors.push('年级（gradeYear）应为 1～12 的整数（1～6 小学，7～9 初中，10～12 高中）');
    return undefined;
  }
  if (!grade) return null;
  const year = parseGrade(grade);
  if (year !== null || !strict) return year;
  errors.push(`无法识别年级“${grade}”：请写一年级至九年级、高一至高三`);
  return undefined;
}

/**
 * Grade and kind: a grade is required for a new exam (optional for imported results); the kind defaults to the only
 * one the grade allows (学业质量监测 for 1–8) or, for imports, to 校际联考 (学业质量监测 when the grade is unknown).
 */
function levelOf(input: ExamInput, errors: string[], opts: { requireGrade: boolean }): Level | null {
  const text = typeof input.grade === 'string' ? input.grade.trim() : '';
  const n = errors.length;
  const year = yearOf(input, text, errors, opts.requireGrade);
  if (year === null && opts.requireGrade) errors.push('请选择年级');
  let kind: ExamKind | undefined;
  if (input.kind !== undefined && input.kind !== null && input.kind !== '') {
    if (EXAM_KINDS.includes(input.kind as ExamKind)) kind = input.kind as ExamKind;
    else errors.push(`考试类型（kind）应为 ${EXAM_KINDS.map((k) => `${k}（${KIND_LABEL[k]}）`).join('、')} 之一`);
  } else if (typeof year === 'number' && kindsAllowed(year).length === 1) kind = kindsAllowed(year)[0];
  else if (opts.requireGrade && typeof year === 'number')
    errors.push(
      `请选择考试类型：${gradeLabel(year)}可选 ${kindsAllowed(year)
        .map((k) => KIND_LABEL[k])
        .join('、')}`,
    );
  else kind = typeof year === 'number' ? ExamKind.Joint : ExamKind.QualityMonitoring;
  const refused = kind && typeof year === 'number' ? kindRefusal(year, kind) : null;
  if (refused) errors.push(refused);
  if (errors.length > n || !kind || year === undefined) return null;
  const grade = text && text.length <= 20 ? text : year ? gradeLabel(year) : '';
  return { grade, gradeYear: year, kind };
}

export function validateExam(input: ExamInput, opts: { requireGrade: boolean } = { requireGrade: true }): ExamResult {
  const errors: string[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const grade = typeof input.grade === 'string' ? input.grade.trim() : '';
  const examDate = typeof input.examDate === 'string' && input.examDate.trim() ? input.examDate.trim() : null;
  if (!name) errors.push('考试名称不能为空');
  else if (name.length > 100) errors.push('考试名称最多 100 个字');
  if (grade.length > 20) errors.push('年级最多 20 个字');
  if (
    input.examDate !== undefined &&
    input.examDate !== null &&
    input.examDate !== '' &&
    (examDate === null || !validDate(examDate))
  ) {
    errors.push('考试日期应为 YYYY-MM-DD 格式的有效日期');
  }

  const ratios = { ...DEFAULT_RATIOS };
  let ratiosOk = true;
  for (const key of Object.keys(RATIO_LABEL) as (keyof typeof RATIO_LABEL)[]) {
    const v = input[key];
    if (v === undefined || v === null || v === '') continue;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d*\.?\d+\s*$/.test(v) ? Number(v) : NaN;
    // Stored as DECIMAL(4,3): a fraction of full marks with at most three decimals.
    if (!(n > 0 && n <= 1) || Math.abs(Math.round(n * 1000) - n * 1000) > 1e-6) {
      errors.push(`${RATIO_LABEL[key]}（${key}）应为大于 0、不超过 1 的小数，最多三位小数`);
      ratiosOk = false;
    } else ratios[key] = n;
  }
  if (ratiosOk && !(ratios.excellentRatio > ratios.passRatio && ratios.passRatio > ratios.lowRatio)) {
    errors.push(
      `应满足 优秀线 > 及格线 > 低分线，现为 ${ratios.excellentRatio} / ${ratios.passRatio} / ${ratios.lowRatio}`,
    );
  }
  const level = levelOf(input, errors, opts);
  const cutoffs = validateCutoffs(input.gradeBandCutoffs);
  if (!cutoffs.ok) errors.push(cutoffs.error);
  if (errors.length || !level || !cutoffs.ok) return { ok: false, errors };
  return { ok: true, exam: { name, ...level, examDate, ...ratios, gradeBandCutoffs: cutoffs.cutoffs } };
}
