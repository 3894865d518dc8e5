// A suggestion workbook (导入建议库) as a plan of changes: which rows add, update, retire or restore a suggestion and
// which change nothing, or every bad row with its number and reason. Pure: cell values in (rows[0] is the header, as
// the spreadsheet reader hands them over), the plan out. Nothing is applied when any row is bad.
import { cellText, type Cell } from '../../exams/domain/blueprint.js';
import { FINDING_KINDS } from './kinds.js';
import { sameFields, validateFields, type SuggestionFields } from './suggestion-fields.js';

/** Column header → field; the first name is the one the export writes. */
export const SUGGESTION_COLUMNS = [
  { field: 'id', names: ['编号'] },
  { field: 'subject', names: ['学科'] },
  { field: 'kind', names: ['发现类型', '类型'] },
  { field: 'knowledgePoint', names: ['知识点'] },
  { field: 'cognitiveLevel', names: ['认知层次', '能力层次'] },
  { field: 'text', names: ['建议内容', '建议', '措施'] },
  { field: 'status', names: ['状态'] },
] as const;
/** Written by the export after the columns above, for the reader; ignored on import. */
export const EXPORT_ONLY_COLUMNS = ['版本', '修改人', '修改时间'];

export const STATUS_ACTIVE = '在用';
export const STATUS_RETIRED = '停用';

type Field = (typeof SUGGESTION_COLUMNS)[number]['field'];

/** A suggestion as it stands now (its current version), retired or not. */
export interface CurrentSuggestion extends SuggestionFields {
  id: number;
  version: number;
  retired: boolean;
}

export interface PlannedChange {
  /** The spreadsheet row (1-based, the header is row 1). */
  row: number;
  fields: SuggestionFields;
}
export interface PlannedUpdate extends PlannedChange {
  id: number;
  /** The version the change was planned against. */
  baseVersion: number;
  before: SuggestionFields;
  /** A retired suggestion put back in use. */
  restored: boolean;
}
export interface PlannedRetire extends PlannedChange {
  id: number;
  baseVersion: number;
}

export interface ImportPlan {
  added: PlannedChange[];
  updated: PlannedUpdate[];
  retired: PlannedRetire[];
  unchanged: number;
}

export type ImportResult = { errors: string[]; plan: null } | { errors: []; plan: ImportPlan };

/** Whether the person importing may write suggestions of this subject (null: the generic ones). */
export type CanWrite = (subject: string | null) => boolean;

function headerMap(header: Cell[]): Map<Field, number> | string {
  const at = new Map<Field, number>();
  header.forEach((c, i) => {
    const name = cellText(c).replace(/\s+/g, '');
    const col = SUGGESTION_COLUMNS.find((k) => (k.names as readonly string[]).includes(name));
    if (col && !at.has(col.field)) at.set(col.field, i);
  });
  return at.has('text') ? at : '第1行：缺少“建议内容”列，请使用导出的建议库或模板的表头';
}

type Row = Partial<Record<Field, string>>;

function rowValues(cells: Cell[], at: Map<Field, number>): Row {
  const out: Row = {};
  for (const [field, i] of at) out[field] = cellText(cells[i]);
  return out;
}

const fieldsOf = (s: SuggestionFields): SuggestionFields => ({
  subject: s.subject,
  kind: s.kind,
  knowledgePoint: s.knowledgePoint,
  cognitiveLevel: s.cognitiveLevel,
  text: s.text,
});

const scopeError = (subject: string | null) =>
  subject ? `您不是“${subject}”学科组长，不能修改该学科的建议` : '只有联盟管理员可以修改通用建议（不分学科）';

interface Ctx {
  byId: Map<number, CurrentSuggestion>;
  canWrite: CanWrite;
  plan: ImportPlan;
  seenIds: Map<number, number>;
  seenNew: { row: number; fields: SuggestionFields }[];
}

/** One row's change into the plan, or its reasons. */
function planRow(r: Row, rowNo: number, ctx: Ctx): string[] {
  const status = r.status ?? '';
  if (status && status !== STATUS_ACTIVE && status !== STATUS_RETIRED)
    return [`状态“${status}”无法识别，应为“${STATUS_ACTIVE}”或“${STATUS_RETIRED}”`];
  const { fields, errors } = validateFields(r);
  const idText = r.id ?? '';
  if (!idText) {
    if (status === STATUS_RETIRED) return ['新增的建议（编号为空）不能标为停用'];
    if (!fields) return errors;
    if (!ctx.canWrite(fields.subject)) return [scopeError(fields.subject)];
    const twin = ctx.seenNew.find((s) => sameFields(s.fields, fields));
    if (twin) return [`与第${twin.row}行重复`];
    ctx.seenNew.push({ row: rowNo, fields });
    const existing = [...ctx.byId.values()].some((e) => !e.retired && sameFields(e, fields));
    if (existing) ctx.plan.unchanged++;
    else ctx.plan.added.push({ row: rowNo, fields });
    return [];
  }
  const id = /^\d+$/.test(idText) ? Number(idText) : NaN;
  const current = ctx.byId.get(id);
  if (!current) return [`编号“${idText}”不是本联盟建议库中的建议（新增的建议请把编号留空）`];
  if (ctx.seenIds.has(id)) return [`编号 ${id} 与第${ctx.seenIds.get(id)}行重复`];
  ctx.seenIds.set(id, rowNo);
  if (!ctx.canWrite(current.subject)) return [scopeError(current.subject)];
  if (status === STATUS_RETIRED) {
    if (current.retired) ctx.plan.unchanged++;
    else ctx.plan.retired.push({ row: rowNo, id, baseVersion: current.version, fields: fieldsOf(current) });
    return [];
  }
  if (!fields) return errors;
  if (fields.subject !== current.subject)
    return [`编号 ${id} 的学科是“${current.subject ?? '通用'}”，不能改为“${fields.subject ?? '通用'}”（请新增一条）`];
  if (!current.retired && sameFields(current, fields)) ctx.plan.unchanged++;
  else
    ctx.plan.updated.push({
      row: rowNo,
      id,
      baseVersion: current.version,
      before: fieldsOf(current),
      fields,
      restored: current.retired,
    });
  return [];
}

/** The plan of the workbook's rows against the library as it stands, or every bad row ("第5行：…"). */
export function planImport(rows: Cell[][], library: readonly CurrentSuggestion[], canWrite: CanWrite): ImportResult {
  const at = headerMap(rows[0] ?? []);
  if (typeof at === 'string') return { errors: [at], plan: null };
  const ctx: Ctx = {
    byId: new Map(library.map((s) => [s.id, s])),
    canWrite,
    plan: { added: [], updated: [], retired: [], unchanged: 0 },
    seenIds: new Map(),
    seenNew: [],
  };
  const errors: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rowValues(rows[i] ?? [], at);
    if (Object.values(r).every((v) => !v)) continue;
    for (const e of planRow(r, i + 1, ctx)) errors.push(`第${i + 1}行：${e}`);
  }
  if (errors.length) return { errors, plan: null };
  const p = ctx.plan;
  if (!p.added.length && !p.updated.length && !p.retired.length && !p.unchanged)
    return { errors: ['文件中没有建议（从第2行起每行一条）'], plan: null };
  return { errors: [], plan: p };
}

/** The row the export writes for a suggestion (the import reads it back unchanged). */
export function exportRow(s: CurrentSuggestion): (string | number)[] {
  return [
    s.id,
    s.subject ?? '',
    s.kind ? FINDING_KINDS[s.kind] : '',
    s.knowledgePoint ?? '',
    s.cognitiveLevel ?? '',
    s.text,
    s.retired ? STATUS_RETIRED : STATUS_ACTIVE,
  ];
}

export const exportHeader = (): string[] => [...SUGGESTION_COLUMNS.map((c) => c.names[0]), ...EXPORT_ONLY_COLUMNS];
