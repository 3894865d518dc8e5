// Validation of a paper and its items as the subject group submits them. Pure: plain input, normalized
// items or Chinese errors naming the item ("第3题：…") out. Scores are handled in hundredths, exactly.
import { MAX_BOX_MM } from '../../sheets/domain/layout.js';

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
/** Box heights the sheet layout can place (one box must fit on a page below the QR code). */
export const BOX_MM = { min: 15, max: MAX_BOX_MM, default: 40 };
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
  /** Sub-items: the printed heading they belong to ("17" for 17(1)); derived from labels like 17(1) when absent. */
  parentLabel?: unknown;
  /** 认知层次, one of the configured levels. */
  cognitiveLevel?: unknown;
  /** Multiple choice: fraction of full marks for a correct subset with no wrong option (0 < f < 1). */
  partialCredit?: unknown;
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
  parentLabel: string | null;
  cognitiveLevel: string | null;
  partialCredit: number | null;
}

export interface ValidPaper {
  subject: string;
  title: string;
  fullMarks: number;
  items: ValidItem[];
}

export type PaperResult = { ok: true; paper: ValidPaper } | { ok: false; errors: string[] };

/** Cognitive levels (认知层次) of a blueprint unless the caller configures others (e.g. Bloom's six). */
export const DEFAULT_COGNITIVE_LEVELS: readonly string[] = ['了解', '理解', '掌握', '运用'];

export interface ValidationOptions {
  cognitiveLevels?: readonly string[];
}

/** One problem with one item: `index` is its 0-based position, `name` how a teacher calls it ("第3题"). */
export interface ItemIssue {
  index: number;
  name: string;
  message: string;
}

export interface ItemsResult {
  items: ValidItem[];
  issues: ItemIssue[];
  totalCents: number;
}

/** Knowledge points are given as a leaf name or a path in the subject's tree: "数与代数/有理数/绝对值". */
export const KP_SEPARATOR = '/';
export const KP_NAME_MAX = 60;
export const KP_PATH_MAX = 300;

/** "17(1)" or "17（1）" → "17": the parent heading of a sub-item label. */
export function derivedParentLabel(label: string): string | null {
  const m = /^(.+?)\s*[(（]\s*\d+\s*[)）]$/.exec(label);
  return m ? m[1].trim() : null;
}

/** A knowledge-point path with its segments trimmed, or null when malformed. */
export function normaliseKnowledgePath(raw: string): string | null {
  const parts = raw.split(/[\/／]/).map((p) => p.trim());
  if (parts.some((p) => !p || p.length > KP_NAME_MAX)) return null;
  const path = parts.join(KP_SEPARATOR);
  return path.length > KP_PATH_MAX ? null : path;
}

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

export function validatePaper(input: PaperInput, options: ValidationOptions = {}): PaperResult {
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
  const r = validateItems(input.items as ItemInput[], options);
  errors.push(...r.issues.map((i) => `${i.name}：${i.message}`));
  if (errors.length) return { ok: false, errors };
  return { ok: true, paper: { subject, title, fullMarks: r.totalCents / 100, items: r.items } };
}

/** Every item of a paper, checked one by one and together (unique labels, sub-item headings). */
export function validateItems(rawItems: ItemInput[], options: ValidationOptions = {}): ItemsResult {
  const levels = options.cognitiveLevels ?? DEFAULT_COGNITIVE_LEVELS;
  const issues: ItemIssue[] = [];
  const items: ValidItem[] = [];
  const seenLabels = new Map<string, number>();
  let totalCents = 0;
  rawItems.forEach((raw, i) => {
    const seq = i + 1;
    const it = (raw ?? {}) as ItemInput;
    const label = typeof it.label === 'string' ? it.label.trim() : typeof it.label === 'number' ? String(it.label) : '';
    const name = label ? `第${label}题` : `第${seq}个题目`;
    const before = issues.length;
    const err = (message: string) => issues.push({ index: i, name, message });

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
    else if (maxC === null || max > MAX_ITEM_SCORE)
      err(`满分应为大于 0 的数（最多两位小数，不超过 ${MAX_ITEM_SCORE}）`);
    else if (stepC && maxC % stepC !== 0) err(`满分应为步长 ${step} 的整数倍`);

    const roundingMode = (it.roundingMode ?? 'half_up') as RoundingModeName;
    if (!ROUNDING_MODES.includes(roundingMode)) err(`舍入方式应为 ${ROUNDING_MODES.join(' / ')}`);

    let optionCount = type === 'true_false' ? 2 : 4;
    if (type === 'single_choice' || type === 'multiple_choice') {
      const oc = num(it.optionCount) ?? 4;
      if (!Number.isInteger(oc) || oc < MIN_OPTIONS || oc > MAX_OPTIONS)
        err(`选项个数应为 ${MIN_OPTIONS}–${MAX_OPTIONS} 之间的整数`);
      else optionCount = oc;
    }

    let answerKey: string | null = null;
    const rawKey =
      typeof it.answerKey === 'string' ? it.answerKey.trim() : it.answerKey == null ? '' : String(it.answerKey);
    if (objective) {
      if (!rawKey) err(`${ITEM_TYPES[type]}必须设置答案`);
      else if (type === 'true_false') {
        answerKey = TRUE_FALSE[rawKey.toUpperCase()] ?? null;
        if (!answerKey) err(`判断题答案应为 T（对）或 F（错），收到“${rawKey}”`);
      } else {
        const letters = rawKey
          .toUpperCase()
          .replace(/[\s,，、]/g, '')
          .split('');
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
      const paths = Array.isArray(kp)
        ? kp.map((k) => (typeof k === 'string' ? normaliseKnowledgePath(k) : null))
        : [null];
      if (paths.some((p) => p === null))
        err(`知识点应为非空文字的列表（每级最多 ${KP_NAME_MAX} 个字，可写成“章/节/知识点”的路径）`);
      else knowledgePoints = [...new Set(paths as string[])];
    }

    let boxHeightMm = BOX_MM.default;
    if (!objective && it.boxHeightMm !== undefined && it.boxHeightMm !== null) {
      const h = num(it.boxHeightMm);
      if (h === undefined || !Number.isInteger(h) || h < BOX_MM.min || h > BOX_MM.max)
        err(`答题框高度应为 ${BOX_MM.min}–${BOX_MM.max} 毫米之间的整数`);
      else boxHeightMm = h;
    }

    let parentLabel: string | null = null;
    if (typeof it.parentLabel === 'string' || typeof it.parentLabel === 'number') {
      const p = String(it.parentLabel).trim();
      if (p.length > 20) err('所属大题题号最多 20 个字符');
      else if (p && p === label) err('所属大题不能是本题自己');
      else parentLabel = p || (label ? derivedParentLabel(label) : null);
    } else if (it.parentLabel != null) err('所属大题题号应为文字');
    else if (label) parentLabel = derivedParentLabel(label);

    let cognitiveLevel: string | null = null;
    if (it.cognitiveLevel != null && String(it.cognitiveLevel).trim() !== '') {
      const c = String(it.cognitiveLevel).trim();
      if (!levels.includes(c)) err(`认知层次“${c}”无效，应为 ${levels.join(' / ')}`);
      else cognitiveLevel = c;
    }

    let partialCredit: number | null = null;
    const pc = num(it.partialCredit);
    if (pc !== undefined) {
      if (type !== 'multiple_choice') {
        if (pc !== 0) err('只有多选题可以设置部分得分');
      } else if (!Number.isFinite(pc) || pc < 0 || pc >= 1 || Math.abs(Math.round(pc * 1000) - pc * 1000) > 1e-6) {
        err('多选题部分得分比例应为 0 到 1 之间（不含 1）的小数，最多三位小数，如 0.5');
      } else if (pc > 0) {
        if (maxC !== null && Math.abs(Math.round(maxC * pc) - maxC * pc) > 1e-6)
          err(`满分 ${max} 乘以部分得分比例 ${pc} 应为最多两位小数的分数`);
        else partialCredit = pc;
      }
    }

    if (issues.length === before) {
      totalCents += maxC!;
      items.push({
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
      });
    }
  });

  // Scores live on the sub-items: a heading that is also a scored item would count twice.
  rawItems.forEach((_raw, i) => {
    const item = items.find((v) => v.seq === i + 1);
    if (item?.parentLabel && seenLabels.has(item.parentLabel)) {
      issues.push({
        index: i,
        name: `第${item.label}题`,
        message: `所属大题“${item.parentLabel}”本身也是一道计分的题；分数只能设在小题上`,
      });
    }
  });
  issues.sort((x, y) => x.index - y.index);
  return { items, issues, totalCents };
}
