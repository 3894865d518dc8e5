// The kinds of finding a school report makes, each with the name a teacher reads. A generic suggestion (no knowledge
// point, no level) is written for one kind; the report's findings carry the same codes.

export const FINDING_KINDS = {
  weak_kp: '知识点薄弱',
  weak_level: '认知层次薄弱',
  weak_item: '题目失分',
  typical_error: '典型错误',
  uniformly_lower: '整体偏低',
  near_pass: '及格临界生',
  near_excellent: '优秀临界生',
  class_gap: '班级差距',
  subject_lag: '学科失衡',
} as const;

export type FindingKind = keyof typeof FINDING_KINDS;

export const isFindingKind = (k: unknown): k is FindingKind =>
  typeof k === 'string' && Object.prototype.hasOwnProperty.call(FINDING_KINDS, k);

/** The kind named by its code or by its Chinese name (as a spreadsheet row gives it); null when neither. */
export function kindFromText(text: string): FindingKind | null {
  const t = text.trim();
  if (isFindingKind(t)) return t;
  const hit = (Object.entries(FINDING_KINDS) as [FindingKind, string][]).find(([, name]) => name === t);
  return hit ? hit[0] : null;
}
