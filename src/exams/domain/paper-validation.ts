// Validation of a paper and its items as the subject group submits them. Pure: plain input, normalized
// items or Chinese errors naming the item ("第3题：…") out. Each item's own fields are checked in item-validation.ts.
import {
  DEFAULT_COGNITIVE_LEVELS,
  type ItemInput,
  type ItemIssue,
  MAX_ITEMS,
  type ValidationOptions,
  type ValidItem,
} from './item-fields.js';
import { validateItem } from './item-validation.js';

export * from './item-fields.js';
export { validateItem } from './item-validation.js';

export interface PaperInput {
  subject?: unknown;
  title?: unknown;
  items?: unknown;
}

export interface ValidPaper {
  subject: string;
  title: string;
  fullMarks: number;
  items: ValidItem[];
}

export type PaperResult = { ok: true; paper: ValidPaper } | { ok: false; errors: string[] };

export interface ItemsResult {
  items: ValidItem[];
  issues: ItemIssue[];
  totalCents: number;
}

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
    const item = validateItem(raw, i, seenLabels, levels, issues);
    if (!item) return;
    totalCents += Math.round(item.maxScore * 100);
    items.push(item);
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
