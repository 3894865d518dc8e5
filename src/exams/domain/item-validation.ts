// Validation of one item of a paper, field by field, as the subject group submits it. Pure: plain input, a normalized
// item or Chinese errors naming it ("第3题：…") out. Scores are handled in hundredths, exactly. The paper as a whole
// (and the checks across its items) is paper-validation.ts's.
import {
  BOX_MM,
  derivedParentLabel,
  isObjectiveType,
  ITEM_TYPES,
  type ItemInput,
  type ItemIssue,
  type ItemTypeName,
  KP_NAME_MAX,
  MARKING_MODES,
  type MarkingModeName,
  MAX_ITEM_SCORE,
  MAX_OPTIONS,
  MIN_OPTIONS,
  normaliseKnowledgePath,
  ROUNDING_MODES,
  type RoundingModeName,
  type ValidItem,
} from './item-fields.js';

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
const TRUE_FALSE: Record<string, 'T' | 'F'> = {
  T: 'T',
  F: 'F',
  '√': 'T',
  '×': 'F',
  对: 'T',
  错: 'F',
  正确: 'T',
  错误: 'F',
};

/** One item being checked: its raw fields, its type, and where its problems go. */
interface ItemCheck {
  it: ItemInput;
  type: ItemTypeName;
  objective: boolean;
  label: string;
  err: (message: string) => void;
}

/** Step and full marks, in hundredths (null where malformed). */
function checkScores({ it, err }: ItemCheck) {
  const step = num(it.scoreStep) ?? 1;
  const stepC = Number.isFinite(step) && step > 0 ? cents(step) : null;
  if (stepC === null || stepC === 0) err('步长应为大于 0 的数，最多两位小数');
  const max = num(it.maxScore);
  const maxC = max !== undefined && Number.isFinite(max) && max > 0 ? cents(max) : null;
  if (max === undefined) err('缺少满分（maxScore）');
  else if (maxC === null || max > MAX_ITEM_SCORE) err(`满分应为大于 0 的数（最多两位小数，不超过 ${MAX_ITEM_SCORE}）`);
  else if (stepC && maxC % stepC !== 0) err(`满分应为步长 ${step} 的整数倍`);
  return { max, maxC, stepC };
}

function checkOptionCount({ it, type, err }: ItemCheck): number {
  if (type !== 'single_choice' && type !== 'multiple_choice') return type === 'true_false' ? 2 : 4;
  const oc = num(it.optionCount) ?? 4;
  if (!Number.isInteger(oc) || oc < MIN_OPTIONS || oc > MAX_OPTIONS) {
    err(`选项个数应为 ${MIN_OPTIONS}–${MAX_OPTIONS} 之间的整数`);
    return 4;
  }
  return oc;
}

/** Objective items: the key, normalized (T/F, or option letters sorted); others must have none. */
function checkAnswerKey({ it, type, objective, err }: ItemCheck, optionCount: number): string | null {
  const rawKey =
    typeof it.answerKey === 'string' ? it.answerKey.trim() : it.answerKey == null ? '' : String(it.answerKey);
  if (!objective) {
    if (rawKey) err(`${ITEM_TYPES[type]}由老师评分，不应设置答案（参考答案请写在评分细则中）`);
    return null;
  }
  if (!rawKey) {
    err(`${ITEM_TYPES[type]}必须设置答案`);
    return null;
  }
  if (type === 'true_false') {
    const key = TRUE_FALSE[rawKey.toUpperCase()] ?? null;
    if (!key) err(`判断题答案应为 T（对）或 F（错），收到“${rawKey}”`);
    return key;
  }
  const letters = rawKey
    .toUpperCase()
    .replace(/[\s,，、]/g, '')
    .split('');
  const range = `A–${letter(optionCount - 1)}`;
  const bad = letters.filter((l) => !/^[A-Z]$/.test(l) || l.charCodeAt(0) - 65 >= optionCount);
  if (bad.length) err(`答案 ${bad.join('')} 超出选项范围 ${range}`);
  else if (new Set(letters).size !== letters.length) err(`答案 ${rawKey} 中有重复的选项`);
  else if (type === 'single_choice' && letters.length !== 1) err(`单选题答案只能是一个选项（${range}）`);
  else return [...letters].sort().join('');
  return null;
}

/** Marking mode and, for double marking, the tolerance (at most the full marks). */
function checkMarking({ it, objective, err }: ItemCheck, max: number | undefined) {
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
  return { markingMode, tolerance };
}

function checkKnowledgePoints({ it, err }: ItemCheck): string[] | null {
  if (it.knowledgePoints === undefined || it.knowledgePoints === null) return null;
  const kp = it.knowledgePoints;
  const paths = Array.isArray(kp) ? kp.map((k) => (typeof k === 'string' ? normaliseKnowledgePath(k) : null)) : [null];
  if (paths.some((p) => p === null)) {
    err(`知识点应为非空文字的列表（每级最多 ${KP_NAME_MAX} 个字，可写成“章/节/知识点”的路径）`);
    return null;
  }
  return [...new Set(paths as string[])];
}

function checkBoxHeight({ it, objective, err }: ItemCheck): number {
  if (objective || it.boxHeightMm === undefined || it.boxHeightMm === null) return BOX_MM.default;
  const h = num(it.boxHeightMm);
  if (h === undefined || !Number.isInteger(h) || h < BOX_MM.min || h > BOX_MM.max) {
    err(`答题框高度应为 ${BOX_MM.min}–${BOX_MM.max} 毫米之间的整数`);
    return BOX_MM.default;
  }
  return h;
}

/** The printed heading the item belongs to: given, or derived from a label like 17(1). */
function checkParentLabel({ it, label, err }: ItemCheck): string | null {
  if (typeof it.parentLabel === 'string' || typeof it.parentLabel === 'number') {
    const p = String(it.parentLabel).trim();
    if (p.length > 20) err('所属大题题号最多 20 个字符');
    else if (p && p === label) err('所属大题不能是本题自己');
    else return p || (label ? derivedParentLabel(label) : null);
    return null;
  }
  if (it.parentLabel != null) err('所属大题题号应为文字');
  else if (label) return derivedParentLabel(label);
  return null;
}

function checkCognitiveLevel({ it, err }: ItemCheck, levels: readonly string[]): string | null {
  if (it.cognitiveLevel == null || String(it.cognitiveLevel).trim() === '') return null;
  const c = String(it.cognitiveLevel).trim();
  if (levels.includes(c)) return c;
  err(`认知层次“${c}”无效，应为 ${levels.join(' / ')}`);
  return null;
}

/** Multiple choice only: the fraction of full marks for a correct subset, exact in hundredths of a mark. */
function checkPartialCredit({ it, type, err }: ItemCheck, max: number | undefined, maxC: number | null) {
  const pc = num(it.partialCredit);
  if (pc === undefined) return null;
  if (type !== 'multiple_choice') {
    if (pc !== 0) err('只有多选题可以设置部分得分');
  } else if (!Number.isFinite(pc) || pc < 0 || pc >= 1 || Math.abs(Math.round(pc * 1000) - pc * 1000) > 1e-6) {
    err('多选题部分得分比例应为 0 到 1 之间（不含 1）的小数，最多三位小数，如 0.5');
  } else if (pc > 0) {
    if (maxC !== null && Math.abs(Math.round(maxC * pc) - maxC * pc) > 1e-6)
      err(`满分 ${max} 乘以部分得分比例 ${pc} 应为最多两位小数的分数`);
    else return pc;
  }
  return null;
}

/** The label is given, at most 20 characters, and not used by an earlier item (`seenLabels`: label → seq). */
function checkLabel(label: string, seq: number, seenLabels: Map<string, number>, err: (m: string) => void): void {
  if (!label) err('题号（label）不能为空');
  else if (label.length > 20) err('题号最多 20 个字符');
  else if (seenLabels.has(label)) err(`题号重复（与第${seenLabels.get(label)}个题目相同）`);
  else seenLabels.set(label, seq);
}

/**
 * The item at 0-based `index`, or null when it has a problem (each pushed to `issues`, in field order). `seenLabels`
 * (label → seq) carries the labels of the items before it.
 */
export function validateItem(
  raw: ItemInput | null | undefined,
  index: number,
  seenLabels: Map<string, number>,
  levels: readonly string[],
  issues: ItemIssue[],
): ValidItem | null {
  const seq = index + 1;
  const it = (raw ?? {}) as ItemInput;
  const label = typeof it.label === 'string' ? it.label.trim() : typeof it.label === 'number' ? String(it.label) : '';
  const name = label ? `第${label}题` : `第${seq}个题目`;
  const before = issues.length;
  const err = (message: string) => issues.push({ index, name, message });

  checkLabel(label, seq, seenLabels, err);
  if (typeof it.type !== 'string' || !(it.type in ITEM_TYPES)) {
    err(`题型“${String(it.type ?? '')}”无效，应为 ${Object.keys(ITEM_TYPES).join(' / ')}`);
    return null;
  }
  const type = it.type as ItemTypeName;
  const c: ItemCheck = { it, type, objective: isObjectiveType(type), label, err };
  const { max, maxC, stepC } = checkScores(c);
  const roundingMode = (it.roundingMode ?? 'half_up') as RoundingModeName;
  if (!ROUNDING_MODES.includes(roundingMode)) err(`舍入方式应为 ${ROUNDING_MODES.join(' / ')}`);
  const optionCount = checkOptionCount(c);
  const answerKey = checkAnswerKey(c, optionCount);
  const { markingMode, tolerance } = checkMarking(c, max);
  const knowledgePoints = checkKnowledgePoints(c);
  const boxHeightMm = checkBoxHeight(c);
  const parentLabel = checkParentLabel(c);
  const cognitiveLevel = checkCognitiveLevel(c, levels);
  const partialCredit = checkPartialCredit(c, max, maxC);
  if (issues.length !== before) return null;
  return {
    seq,
    label,
    type,
    maxScore: maxC! / 100,
    scoreStep: stepC! / 100,
    roundingMode,
    answerKey,
    optionCount,
    markingMode,
    tolerance,
    knowledgePoints,
    boxHeightMm,
    parentLabel,
    cognitiveLevel,
    partialCredit,
  };
}
