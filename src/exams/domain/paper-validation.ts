// Validation of a paper and its items as the subject group submits them. Pure: plain input, normalized
// items or Chinese errors naming the item ("第3题：…") out. Scores are handled in hundredths, exactly.

export type ItemTypeName = 'single_choice' | 'multiple_choice' | 'true_false' | 'fill_in' | 'subjective';
export type MarkingModeName = 'single' | 'double' | 'double_arbitration';
export type RoundingModeName = 'half_up' | 'down' | 'up';

const ITEM_TYPES: Record<ItemTypeName, string> = {
  single_choice: '单选题',
  multiple_choice: '多选题',
  true_false: '判断题',
  fill_in: '填空题',
  subjective: '主观题',
};
const OBJECTIVE: ItemTypeName[] = ['single_choice', 'multiple_choice', 'true_false'];
const MARKING_MODES: MarkingModeName[] = ['single', 'double', 'double_arbitration'];
const ROUNDING_MODES: RoundingModeName[] = ['half_up', 'down', 'up'];

export const MIN_OPTIONS = 2;
/** 七选五 (seven options) is the widest choice item in Chinese papers. */
export const MAX_OPTIONS = 7;
/** Box heights the A4 sheet layout can place (one box must fit on a page). */
export const BOX_MM = { min: 15, max: 250, default: 40 };
export const MAX_ITEMS = 200;
const MAX_ITEM_SCORE = 1000;

export interface ItemInput {
  label?: unknown;
  type?: unknown;
  maxScore?: unknown;
  answerKey?: unknown;
  optionCount?: unknown;
  scoreStep?: unknown;
  roundingMode?: unknown;
  markingMode?: unknown;
  tolerance?: unknown;
  knowledgePoints?: unknown;
  boxHeightMm?: unknown;
}

export interface PaperInput {
  subject?: unknown;
  title?: unknown;
  items?: unknown;
}

export interface ValidItem {
  seq: number;
  label: string;
  type: ItemTypeName;
  maxScore: number;
  scoreStep: number;
  roundingMode: RoundingModeName;
  answerKey: string | null;
  optionCount: number;
  markingMode: MarkingModeName;
  tolerance: number;
  knowledgePoints: string[] | null;
  boxHeightMm: number;
}

export interface ValidPaper {
  subject: string;
  title: string;
  fullMarks: number;
  items: ValidItem[];
}

export type PaperResult = { ok: true; paper: ValidPaper } | { ok: false; errors: string[] };

export const isObjectiveType = (t: ItemTypeName) => OBJECTIVE.includes(t);

/** A number given as number or numeric string, or undefined when absent; NaN when malformed. */
function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return NaN;
}

/** Hundredths as an integer if the value has at most two decimals, else null. */
function cents(v: number): number | null {
  const c = Math.round(v * 100);
  return Math.abs(c - v * 100) < 1e-6 ? c : null;
}

const letter = (k: number) => String.fromCharCode(65 + k);
const TRUE_FALSE: Record<string, 'T' | 'F'> = { T: 'T', F: 'F', '√': 'T', '×': 'F', '对': 'T', '错': 'F', '正确': 'T', '错误': 'F' };

export function validatePaper(input: PaperInput): PaperResult {
  const errors: string[] = [];
  const subject = typeof input.subject === 'string' ? input.subject.trim() : '';
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!subject) errors.push('学科不能为空');
  else if (subject.length > 40) errors.push('学科名称最多 40 个字');
  if (!title) errors.push('试卷标题不能为空');
  else if (title.length > 100) errors.push('试卷标题最多 100 个字');
  if (!Array.isArray(input.items) || input.items.length === 0) {
    errors.push('试卷至少需要一道题');
    return { ok: false, errors };
  }
  if (input.items.length > MAX_ITEMS) {
    errors.push(`一份试卷最多 ${MAX_ITEMS} 道题`);
    return { ok: false, errors };
  }

  const items: ValidItem[] = [];
  const seenLabels = new Map<string, number>();
  let totalCents = 0;
  (input.items as ItemInput[]).forEach((raw, i) => {
    const seq = i + 1;
    const it = (raw ?? {}) as ItemInput;
    const label = typeof it.label === 'string' ? it.label.trim() : typeof it.label === 'number' ? String(it.label) : '';
    const name = label ? `第${label}题` : `第${seq}个题目`;
    const before = errors.length;
    const err = (msg: string) => errors.push(`${name}：${msg}`);

    if (!label) err('题号（label）不能为空');
    else if (label.length > 20) err('题号最多 20 个字符');
    else if (seenLabels.has(label)) err(`题号重复（与第${seenLabels.get(label)}个题目相同）`);
    else seenLabels.set(label, seq);

    const type = it.type as ItemTypeName;
    if (typeof it.type !== 'string' || !(it.type in ITEM_TYPES)) {
      err(`题型“${String(it.type ?? '')}”无效，应为 ${Object.keys(ITEM_TYPES).join(' / ')}`);
      return;
    }
    const objective = isObjectiveType(type);

    const step = num(it.scoreStep) ?? 1;
    const stepC = Number.isFinite(step) && step > 0 ? cents(step) : null;
    if (stepC === null || stepC === 0) err('步长应为大于 0 的数，最多两位小数');
    const max = num(it.maxScore);
    const maxC = max !== undefined && Number.isFinite(max) && max > 0 ? cents(max) : null;
    if (max === undefined) err('缺少满分（maxScore）');
    else if (maxC === null || max > MAX_ITEM_SCORE) err(`满分应为大于 0 的数（最多两位小数，不超过 ${MAX_ITEM_SCORE}）`);
    else if (stepC && maxC % stepC !== 0) err(`满分应为步长 ${step} 的整数倍`);

    const roundingMode = (it.roundingMode ?? 'half_up') as RoundingModeName;
    if (!ROUNDING_MODES.includes(roundingMode)) err(`舍入方式应为 ${ROUNDING_MODES.join(' / ')}`);

    let optionCount = type === 'true_false' ? 2 : 4;
    if (type === 'single_choice' || type === 'multiple_choice') {
      const oc = num(it.optionCount) ?? 4;
      if (!Number.isInteger(oc) || oc < MIN_OPTIONS || oc > MAX_OPTIONS) err(`选项个数应为 ${MIN_OPTIONS}–${MAX_OPTIONS} 之间的整数`);
      else optionCount = oc;
    }

    let answerKey: string | null = null;
    const rawKey = typeof it.answerKey === 'string' ? it.answerKey.trim() : it.answerKey == null ? '' : String(it.answerKey);
    if (objective) {
      if (!rawKey) err(`${ITEM_TYPES[type]}必须设置答案`);
      else if (type === 'true_false') {
        answerKey = TRUE_FALSE[rawKey.toUpperCase()] ?? null;
        if (!answerKey) err(`判断题答案应为 T（对）或 F（错），收到“${rawKey}”`);
      } else {
        const letters = rawKey.toUpperCase().replace(/[\s,，、]/g, '').split('');
        const range = `A–${letter(optionCount - 1)}`;
        const bad = letters.filter((l) => !/^[A-Z]$/.test(l) || l.charCodeAt(0) - 65 >= optionCount);
        if (bad.length) err(`答案 ${bad.join('')} 超出选项范围 ${range}`);
        else if (new Set(letters).size !== letters.length) err(`答案 ${rawKey} 中有重复的选项`);
        else if (type === 'single_choice' && letters.length !== 1) err(`单选题答案只能是一个选项（${range}）`);
        else answerKey = [...letters].sort().join('');
      }
    } else if (rawKey) {
      err(`${ITEM_TYPES[type]}由老师评分，不应设置答案（参考答案请写在评分细则中）`);
    }

    const markingMode = (it.markingMode ?? 'single') as MarkingModeName;
    let tolerance = 0;
    if (!MARKING_MODES.includes(markingMode)) err(`阅卷方式应为 ${MARKING_MODES.join(' / ')}`);
    else if (objective && markingMode !== 'single') err('客观题由机器判分，阅卷方式只能是 single（单评）');
    else if (markingMode !== 'single') {
      const tol = num(it.tolerance);
      if (tol === undefined) err('双评需要设置误差阈值（tolerance ≥ 0）');
      else if (!Number.isFinite(tol) || tol < 0 || cents(tol) === null) err('误差阈值应为 ≥ 0 的数，最多两位小数');
      else if (max !== undefined && tol > max) err(`误差阈值 ${tol} 不能大于满分 ${max}`);
      else tolerance = tol;
    }

    let knowledgePoints: string[] | null = null;
    if (it.knowledgePoints !== undefined && it.knowledgePoints !== null) {
      const kp = it.knowledgePoints;
      if (!Array.isArray(kp) || kp.some((k) => typeof k !== 'string' || !k.trim() || k.trim().length > 60)) err('知识点应为非空文字的列表（每个最多 60 个字）');
      else knowledgePoints = [...new Set(kp.map((k: string) => k.trim()))];
    }

    let boxHeightMm = BOX_MM.default;
    if (!objective && it.boxHeightMm !== undefined && it.boxHeightMm !== null) {
      const h = num(it.boxHeightMm);
      if (h === undefined || !Number.isInteger(h) || h < BOX_MM.min || h > BOX_MM.max) err(`答题框高度应为 ${BOX_MM.min}–${BOX_MM.max} 毫米之间的整数`);
      else boxHeightMm = h;
    }

    if (errors.length === before) {
      totalCents += maxC!;
      items.push({ seq, label, type, maxScore: maxC! / 100, scoreStep: stepC! / 100, roundingMode, answerKey, optionCount, markingMode, tolerance, knowledgePoints, boxHeightMm });
    }
  });

  if (errors.length) return { ok: false, errors };
  return { ok: true, paper: { subject, title, fullMarks: totalCents / 100, items } };
}
