// What makes a suggestion's key and text valid, the same for the page's form, the API and a spreadsheet row. Pure:
// raw values in, the normalised fields or Chinese reasons out.
import { normaliseKnowledgePath } from '../../exams/domain/item-fields.js';
import { FINDING_KINDS, kindFromText, type FindingKind } from './kinds.js';

export const SUBJECT_MAX = 40;
export const LEVEL_MAX = 20;
export const TEXT_MAX = 1000;

/** A suggestion's key and text: each key field optional, as the library's levels of specificity allow. */
export interface SuggestionFields {
  /** null: a suggestion for any subject (only with a kind, never with a knowledge point or level). */
  subject: string | null;
  /** null: for every kind of finding about its knowledge point or level. */
  kind: FindingKind | null;
  /** A knowledge-point path ("数与代数/有理数/绝对值") or a single name. */
  knowledgePoint: string | null;
  cognitiveLevel: string | null;
  text: string;
}

export interface RawFields {
  subject?: unknown;
  kind?: unknown;
  knowledgePoint?: unknown;
  cognitiveLevel?: unknown;
  text?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** The fields, or every reason they are not acceptable (empty when they are). */
export function validateFields(raw: RawFields): { fields: SuggestionFields | null; errors: string[] } {
  const errors: string[] = [];
  const subject = str(raw.subject) || null;
  if (subject && subject.length > SUBJECT_MAX) errors.push(`学科最多 ${SUBJECT_MAX} 个字`);
  const kindText = str(raw.kind);
  const kind = kindText ? kindFromText(kindText) : null;
  if (kindText && !kind) errors.push(`发现类型“${kindText}”无法识别，应为：${Object.values(FINDING_KINDS).join('、')}`);
  const kpText = str(raw.knowledgePoint);
  const knowledgePoint = kpText ? normaliseKnowledgePath(kpText) : null;
  if (kpText && !knowledgePoint) errors.push(`知识点“${kpText}”格式有误（每级 1–60 个字，用 / 分隔）`);
  const cognitiveLevel = str(raw.cognitiveLevel) || null;
  if (cognitiveLevel && cognitiveLevel.length > LEVEL_MAX) errors.push(`认知层次最多 ${LEVEL_MAX} 个字`);
  const text = str(raw.text);
  if (!text) errors.push('建议内容不能为空');
  else if (text.length > TEXT_MAX) errors.push(`建议内容最多 ${TEXT_MAX} 个字`);
  if (!subject && (kpText || cognitiveLevel)) errors.push('针对知识点或认知层次的建议必须填写学科');
  if (!subject && !kindText && !kpText && !cognitiveLevel) errors.push('通用建议（不填学科）必须填写发现类型');
  if (subject && !kindText && !kpText && !cognitiveLevel)
    errors.push('请至少填写发现类型、知识点或认知层次之一，说明建议针对什么');
  if (errors.length) return { fields: null, errors };
  return { fields: { subject, kind, knowledgePoint, cognitiveLevel, text }, errors };
}

/** Two suggestions say the same thing under the same key (an import row that changes nothing). */
export function sameFields(a: SuggestionFields, b: SuggestionFields): boolean {
  return (
    a.subject === b.subject &&
    a.kind === b.kind &&
    a.knowledgePoint === b.knowledgePoint &&
    a.cognitiveLevel === b.cognitiveLevel &&
    a.text === b.text
  );
}
