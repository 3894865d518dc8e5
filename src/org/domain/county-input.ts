// Validation of a county's fields and of a bureau account as the CLI receives them. Pure: strings in, values or errors out.
import { type Checked } from './org-input.js';
import { passwordProblem } from './user-input.js';

const CODE_RE = /^[A-Za-z0-9_-]{1,40}$/;
const NAME_MAX = 100;
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface CountyFields {
  name: string;
  code: string;
}

export function validateCountyFields(input: { name?: unknown; code?: unknown }): Checked<CountyFields> {
  const name = text(input?.name);
  const code = text(input?.code);
  const errors: string[] = [];
  if (!name || name.length > NAME_MAX) errors.push(`区县名称不能为空，最多 ${NAME_MAX} 个字`);
  if (!CODE_RE.test(code)) errors.push('区县代码应为 1–40 个字母、数字、_ 或 -');
  return errors.length ? { ok: false, errors } : { ok: true, value: { name, code } };
}

export interface BureauAccount {
  username: string;
  displayName: string;
  password: string;
}

/** A new bureau account (教研员/督导): username, display name (default 教研员) and password. */
export function validateBureauAccount(input: {
  username?: unknown;
  displayName?: unknown;
  password?: unknown;
}): Checked<BureauAccount> {
  const username = text(input?.username);
  const displayName = text(input?.displayName) || '教研员';
  const errors: string[] = [];
  if (!/^[A-Za-z0-9_.@-]{3,60}$/.test(username)) errors.push('用户名应为 3–60 个字母、数字或 _ . @ -');
  if (displayName.length > 60) errors.push('姓名（显示名）最多 60 个字');
  const pw = passwordProblem(input?.password);
  if (pw) errors.push(pw);
  return errors.length
    ? { ok: false, errors }
    : { ok: true, value: { username, displayName, password: input.password as string } };
}
