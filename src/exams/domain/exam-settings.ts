// Validation of a new exam's settings: name, grade, date and the 三率 thresholds (DESIGN §5).

export const DEFAULT_RATIOS = { excellentRatio: 0.85, passRatio: 0.6, lowRatio: 0.4 };

export interface ExamInput {
  name?: unknown;
  grade?: unknown;
  examDate?: unknown;
  excellentRatio?: unknown;
  passRatio?: unknown;
  lowRatio?: unknown;
}

export interface ValidExam {
  name: string;
  grade: string;
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

export function validateExam(input: ExamInput): ExamResult {
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
  if (errors.length) return { ok: false, errors };
  return { ok: true, exam: { name, grade, examDate, ...ratios } };
}
