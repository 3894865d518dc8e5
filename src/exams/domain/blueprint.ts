// The blueprint (双向细目表) as a table: one row per item. Pure: rows of plain cell values in (as a spreadsheet
// reader hands them over), items or row-level Chinese errors ("第5行：题型“问答”无法识别") out; and the reverse
// for export. The spreadsheet I/O itself lives in blueprint-workbook.ts.

import {
  DEFAULT_COGNITIVE_LEVELS,
  validateItems,
  type ItemInput,
  type ItemTypeName,
  type MarkingModeName,
  type RoundingModeName,
  type ValidItem,
  type ValidationOptions,
} from './paper-validation.js';

export { blueprintMatrix } from './blueprint-matrix.js';

export type Cell = string | number | boolean | Date | null | undefined | { [k: string]: unknown };

type Field = keyof ItemInput;

/** Column header → item field. The first name is the one written on export. */
export const BLUEPRINT_COLUMNS: { field: Field; names: string[]; required?: boolean }[] = [
  { field: 'label', names: ['题号'], required: true },
  { field: 'parentLabel', names: ['所属大题', '大题'] },
  { field: 'type', names: ['题型'], required: true },
  { field: 'maxScore', names: ['分值', '满分'], required: true },
  { field: 'optionCount', names: ['选项数', '选项个数'] },
  { field: 'answerKey', names: ['答案', '参考答案', '标准答案'] },
  { field: 'partialCredit', names: ['部分得分比例', '多选部分得分', '部分得分'] },
  { field: 'knowledgePoints', names: ['知识点'] },
  { field: 'cognitiveLevel', names: ['认知层次', '能力层次', '考查层次'] },
  { field: 'markingMode', names: ['评分方式', '阅卷方式'] },
  { field: 'tolerance', names: ['误差阈值', '误差'] },
  { field: 'scoreStep', names: ['步长', '给分步长'] },
  { field: 'roundingMode', names: ['舍入方式', '舍入'] },
  { field: 'boxHeightMm', names: ['答题框高度（毫米）', '答题框高度(毫米)', '答题框高度'] },
];

const TYPE_WORDS: Record<string, ItemTypeName> = {
  单选: 'single_choice',
  单选题: 'single_choice',
  单项选择: 'single_choice',
  单项选择题: 'single_choice',
  选择题: 'single_choice',
  多选: 'multiple_choice',
  多选题: 'multiple_choice',
  多项选择: 'multiple_choice',
  多项选择题: 'multiple_choice',
  不定项选择题: 'multiple_choice',
  判断: 'true_false',
  判断题: 'true_false',
  填空: 'fill_in',
  填空题: 'fill_in',
  主观: 'subjective',
  主观题: 'subjective',
  解答: 'subjective',
  解答题: 'subjective',
  简答题: 'subjective',
  计算题: 'subjective',
  作文: 'subjective',
  论述题: 'subjective',
  single_choice: 'single_choice',
  multiple_choice: 'multiple_choice',
  true_false: 'true_false',
  fill_in: 'fill_in',
  subjective: 'subjective',
};
const TYPE_EXPORT: Record<ItemTypeName, string> = {
  single_choice: '单选',
  multiple_choice: '多选',
  true_false: '判断',
  fill_in: '填空',
  subjective: '主观',
};

const MODE_WORDS: Record<string, MarkingModeName> = {
  单评: 'single',
  一评: 'single',
  机评: 'single',
  双评: 'double',
  '双评+仲裁': 'double_arbitration',
  '双评＋仲裁': 'double_arbitration',
  双评仲裁: 'double_arbitration',
  '2+1+仲裁': 'double_arbitration',
  三评仲裁: 'double_arbitration',
  single: 'single',
  double: 'double',
  double_arbitration: 'double_arbitration',
};
const MODE_EXPORT: Record<MarkingModeName, string> = {
  single: '单评',
  double: '双评',
  double_arbitration: '双评+仲裁',
};

const ROUNDING_WORDS: Record<string, RoundingModeName> = {
  四舍五入: 'half_up',
  去尾: 'down',
  向下: 'down',
  进一: 'up',
  向上: 'up',
  half_up: 'half_up',
  down: 'down',
  up: 'up',
};
const ROUNDING_EXPORT: Record<RoundingModeName, string> = { half_up: '四舍五入', down: '去尾', up: '进一' };

/** Plain text of a spreadsheet cell (rich text, formula results and hyperlinks included); '' when empty. */
export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray((v as { richText?: unknown }).richText))
    return (v as { richText: { text: string }[] }).richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('result' in v) return cellText((v as { result: Cell }).result);
  if ('text' in v) return cellText((v as { text: Cell }).text);
  return String(v).trim();
}

const headerKey = (s: string) => s.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');

/** "50%", "1/2", "0.5" → 0.5; '' → undefined; anything else → the text (validation reports it). */
function fraction(s: string): unknown {
  if (!s) return undefined;
  const pct = /^(\d+(?:\.\d+)?)\s*[%％]$/.exec(s);
  if (pct) return Number(pct[1]) / 100;
  const frac = /^(\d+)\s*\/\s*(\d+)$/.exec(s);
  if (frac && Number(frac[2]) > 0) return Number(frac[1]) / Number(frac[2]);
  return s;
}

/** `rows`: the spreadsheet row number of each item, to name later problems (e.g. knowledge points) by row. */
export type BlueprintParse =
  { ok: true; items: ValidItem[]; fullMarks: number; rows: number[] } | { ok: false; errors: string[] };

/** Where each field's column is in the header row; a required column that is missing is an error. */
function headerColumns(header: string[], headerRowNo: number): { columnOf: Map<Field, number>; errors: string[] } {
  const keys = header.map(headerKey);
  const columnOf = new Map<Field, number>();
  const errors: string[] = [];
  for (const col of BLUEPRINT_COLUMNS) {
    const idx = keys.findIndex((h) => col.names.some((n) => headerKey(n) === h));
    if (idx >= 0) columnOf.set(col.field, idx);
    else if (col.required) errors.push(`第${headerRowNo}行：表头缺少“${col.names[0]}”列`);
  }
  return { columnOf, errors };
}

/**
 * One row as item input: the words a teacher writes (题型, 评分方式, 舍入方式, 认知层次) read into field values, each
 * unreadable word reported through `rowErr` and left blank. `typeKnown` is false when the type was not understood.
 */
function rowInput(
  get: (f: Field) => string,
  hasParentColumn: boolean,
  levels: readonly string[],
  rowErr: (message: string) => void,
): { input: ItemInput; typeKnown: boolean } {
  const typeText = get('type');
  const type = TYPE_WORDS[typeText.replace(/\s+/g, '')];
  if (!typeText) rowErr('题型不能为空');
  else if (!type) rowErr(`题型“${typeText}”无法识别（可填：单选、多选、判断、填空、主观）`);
  const modeText = get('markingMode');
  const mode = modeText ? MODE_WORDS[modeText.replace(/\s+/g, '')] : undefined;
  if (modeText && !mode) rowErr(`评分方式“${modeText}”无法识别（可填：单评、双评、双评+仲裁）`);
  const roundText = get('roundingMode');
  const rounding = roundText ? ROUNDING_WORDS[roundText] : undefined;
  if (roundText && !rounding) rowErr(`舍入方式“${roundText}”无法识别（可填：四舍五入、去尾、进一）`);
  const levelText = get('cognitiveLevel');
  const level = levelText && levels.includes(levelText) ? levelText : '';
  if (levelText && !level) rowErr(`认知层次“${levelText}”无法识别（可填：${levels.join('、')}）`);
  const kp = get('knowledgePoints');
  const input: ItemInput = {
    label: get('label'),
    parentLabel: hasParentColumn ? get('parentLabel') : undefined,
    type,
    maxScore: get('maxScore'),
    optionCount: get('optionCount') || undefined,
    answerKey: get('answerKey') || undefined,
    partialCredit: fraction(get('partialCredit')),
    knowledgePoints: kp
      ? kp
          .split(/[；;、,，\n]+/)
          .map((k) => k.trim())
          .filter(Boolean)
      : undefined,
    cognitiveLevel: level || undefined,
    markingMode: mode,
    tolerance: get('tolerance') || undefined,
    scoreStep: get('scoreStep') || undefined,
    roundingMode: rounding,
    boxHeightMm: get('boxHeightMm') || undefined,
  };
  return { input, typeKnown: !!type };
}

/**
 * `rows[0]` is spreadsheet row 1. The header is the first non-empty row; empty rows are skipped; every problem
 * is reported with its spreadsheet row number, and nothing is returned unless every row is good.
 */
export function parseBlueprint(rows: Cell[][], options: ValidationOptions = {}): BlueprintParse {
  const levels = options.cognitiveLevels ?? DEFAULT_COGNITIVE_LEVELS;
  const text = rows.map((r) => (r ?? []).map(cellText));
  const headerAt = text.findIndex((r) => r.some((c) => c !== ''));
  if (headerAt < 0) return { ok: false, errors: ['表格是空的：第一行应为表头（题号、题型、分值 …）'] };
  const { columnOf, errors } = headerColumns(text[headerAt], headerAt + 1);
  if (errors.length) return { ok: false, errors };

  // Every row goes to the item checks, also one whose words (题型, 评分方式 …) were not understood: the author gets
  // every problem of the file in one go, sorted by row. An unreadable word counts as left blank there (its own error
  // is already listed), so it adds no second message about the same cell.
  const inputs: ItemInput[] = [];
  const rowNumbers: number[] = [];
  const unknownType = new Set<number>();
  const rowErrors: { row: number; message: string }[] = [];
  for (let r = headerAt + 1; r < text.length; r++) {
    const cells = text[r];
    if (!cells.some((c) => c !== '')) continue;
    const get = (f: Field) => (columnOf.has(f) ? (cells[columnOf.get(f)!] ?? '') : '');
    const rowNo = r + 1;
    const rowErr = (message: string) => rowErrors.push({ row: rowNo, message: `第${rowNo}行：${message}` });
    const { input, typeKnown } = rowInput(get, columnOf.has('parentLabel'), levels, rowErr);
    if (!typeKnown) unknownType.add(inputs.length);
    inputs.push(input);
    rowNumbers.push(rowNo);
  }
  if (!inputs.length && !rowErrors.length) return { ok: false, errors: ['表格中没有题目：表头下面每行写一道题'] };

  const v = validateItems(inputs, options);
  for (const i of v.issues) {
    // The item check's own message about a missing type repeats the row's Chinese one above.
    if (unknownType.has(i.index) && i.message.startsWith('题型')) continue;
    rowErrors.push({ row: rowNumbers[i.index], message: `第${rowNumbers[i.index]}行：${i.message}` });
  }
  if (rowErrors.length) return { ok: false, errors: rowErrors.sort((a, b) => a.row - b.row).map((e) => e.message) };
  return { ok: true, items: v.items, fullMarks: v.totalCents / 100, rows: rowNumbers };
}

/** One export row per item, in column order of BLUEPRINT_COLUMNS; re-importing it gives the same items. */
export interface BlueprintItem {
  label: string;
  parentLabel: string | null;
  type: ItemTypeName;
  maxScore: number;
  optionCount: number;
  answerKey: string | null;
  partialCredit: number | null;
  knowledgePoints: string[] | null;
  cognitiveLevel: string | null;
  markingMode: MarkingModeName;
  tolerance: number;
  scoreStep: number;
  roundingMode: RoundingModeName;
  boxHeightMm: number;
}

export function blueprintHeader(): string[] {
  return BLUEPRINT_COLUMNS.map((c) => c.names[0]);
}

export function blueprintRow(it: BlueprintItem): (string | number)[] {
  const choice = it.type === 'single_choice' || it.type === 'multiple_choice';
  const objective = choice || it.type === 'true_false';
  const key =
    it.type === 'true_false' ? (it.answerKey === 'T' ? '对' : it.answerKey === 'F' ? '错' : '') : (it.answerKey ?? '');
  const cells: Record<Field, string | number> = {
    label: it.label,
    parentLabel: it.parentLabel ?? '',
    type: TYPE_EXPORT[it.type],
    maxScore: it.maxScore,
    optionCount: choice ? it.optionCount : '',
    answerKey: key,
    partialCredit: it.partialCredit ?? '',
    knowledgePoints: (it.knowledgePoints ?? []).join('；'),
    cognitiveLevel: it.cognitiveLevel ?? '',
    markingMode: MODE_EXPORT[it.markingMode],
    tolerance: it.markingMode === 'single' ? '' : it.tolerance,
    scoreStep: it.scoreStep,
    roundingMode: ROUNDING_EXPORT[it.roundingMode],
    boxHeightMm: objective ? '' : it.boxHeightMm,
  };
  return BLUEPRINT_COLUMNS.map((c) => cells[c.field]);
}
