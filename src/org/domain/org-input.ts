// Validation of an alliance's and a school's fields as the admin types them. Pure: strings in, values or errors out.

export const SCHOOL_KINDS = ['lead', 'member', 'comparison'] as const;
export const LOCALITIES = ['urban', 'rural'] as const;
export type SchoolKindName = (typeof SCHOOL_KINDS)[number];
export type LocalityName = (typeof LOCALITIES)[number];

/** Codes go into file names and exports: letters, digits, _ and -. */
const CODE_RE = /^[A-Za-z0-9_-]{1,40}$/;
const NAME_MAX = 100;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface AllianceFields {
  name: string;
  code: string;
}

export interface SchoolFields {
  name: string;
  code: string;
  kind: SchoolKindName;
  locality: LocalityName;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function validateAllianceFields(input: { name?: unknown; code?: unknown }): Checked<AllianceFields> {
  const name = text(input?.name);
  const code = text(input?.code);
  const errors: string[] = [];
  if (!name || name.length > NAME_MAX) errors.push(`联盟名称不能为空，最多 ${NAME_MAX} 个字`);
  if (!CODE_RE.test(code)) errors.push('联盟代码应为 1–40 个字母、数字、_ 或 -');
  return errors.length ? { ok: false, errors } : { ok: true, value: { name, code } };
}

export function validateSchoolFields(input: {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  locality?: unknown;
}): Checked<SchoolFields> {
  const name = text(input?.name);
  const code = text(input?.code);
  const errors: string[] = [];
  if (!name || name.length > NAME_MAX) errors.push(`学校名称不能为空，最多 ${NAME_MAX} 个字`);
  if (!CODE_RE.test(code)) errors.push('学校代码应为 1–40 个字母、数字、_ 或 -');
  const kind = input?.kind as SchoolKindName;
  const locality = input?.locality as LocalityName;
  if (!SCHOOL_KINDS.includes(kind)) errors.push('学校类型应为 lead（龙头校）、member（成员校）或 comparison（对照校）');
  if (!LOCALITIES.includes(locality)) errors.push('学校所在地应为 urban（城区）或 rural（乡村）');
  return errors.length ? { ok: false, errors } : { ok: true, value: { name, code, kind, locality } };
}
