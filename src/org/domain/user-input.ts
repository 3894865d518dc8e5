// Validation of a new user account and its role grants. Pure: the alliance's school ids are passed in.

export type RoleName = 'admin' | 'subject_lead' | 'marker' | 'scanner' | 'principal' | 'proctor' | 'teacher';
const ROLE_LABEL: Record<RoleName, string> = {
  admin: '管理员',
  subject_lead: '学科组长',
  marker: '阅卷教师',
  scanner: '扫描员',
  principal: '校长',
  proctor: '监考员',
  teacher: '教师',
};
const SCHOOL_ROLES: RoleName[] = ['scanner', 'principal', 'proctor', 'teacher'];

export const PASSWORD_MIN = 8;

export interface NewUserInput {
  username?: unknown;
  displayName?: unknown;
  password?: unknown;
  roles?: unknown;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: { role: RoleName; schoolId: number | null; subject: string | null; classId: number | null }[];
}

export type UserInputResult = { ok: true; user: NewUser } | { ok: false; errors: string[] };

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** What is wrong with a password (null: nothing). */
export function passwordProblem(password: unknown): string | null {
  const p = typeof password === 'string' ? password : '';
  if (p.length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 位`;
  if (p.length > 72) return '密码最多 72 位'; // bcrypt ignores bytes beyond 72
  return null;
}

function displayNameProblem(displayName: string): string | null {
  if (displayName === '') return '姓名（显示名）不能为空';
  if (displayName.length > 60) return '姓名（显示名）最多 60 个字';
  return null;
}

/**
 * The role grants asked for, each checked against its scope (school roles need a school, marking roles a subject,
 * a teacher a class of its school and optionally a subject: none = 班主任 for every subject, one = 任课教师).
 * `classSchools` maps each class of the alliance to its school.
 */
export function validateGrants(
  raw: unknown,
  schoolIds: ReadonlySet<number>,
  classSchools: ReadonlyMap<number, number> = new Map(),
): { roles: NewUser['roles']; errors: string[] } {
  const errors: string[] = [];
  const roles: NewUser['roles'] = [];
  if (!Array.isArray(raw) || raw.length === 0) return { roles, errors: ['至少需要分配一个角色'] };
  raw.forEach((item, i) => {
    const at = `第${i + 1}个角色：`;
    const r = (item ?? {}) as { role?: unknown; schoolId?: unknown; subject?: unknown; classId?: unknown };
    const role = r.role as RoleName;
    if (typeof r.role !== 'string' || !Object.hasOwn(ROLE_LABEL, r.role)) {
      errors.push(`${at}未知角色“${String(r.role ?? '')}”，应为 ${Object.keys(ROLE_LABEL).join(' / ')}`);
      return;
    }
    const label = ROLE_LABEL[role];
    const hasSchool = r.schoolId !== undefined && r.schoolId !== null && r.schoolId !== '';
    const schoolId = hasSchool ? Number(r.schoolId) : null;
    const subject = str(r.subject) || null;
    const hasClass = r.classId !== undefined && r.classId !== null && r.classId !== '';
    const classId = hasClass ? Number(r.classId) : null;
    if (SCHOOL_ROLES.includes(role)) {
      if (schoolId === null) return void errors.push(`${at}${label}必须指定所属学校`);
      if (!Number.isInteger(schoolId) || !schoolIds.has(schoolId)) return void errors.push(`${at}所选学校不属于本联盟`);
    } else if (hasSchool) return void errors.push(`${at}${label}不按学校分配，请不要指定学校`);
    if (role === 'teacher') {
      if (classId === null) return void errors.push(`${at}教师必须指定任教班级`);
      if (!Number.isInteger(classId) || classSchools.get(classId) !== schoolId)
        return void errors.push(`${at}所选班级不属于所选学校`);
    } else if (hasClass) return void errors.push(`${at}${label}不按班级分配，请不要指定班级`);
    if (role === 'subject_lead' && !subject) return void errors.push(`${at}学科组长必须指定学科`);
    // Least privilege: a marker without a subject would see the answers of every subject of the alliance.
    if (role === 'marker' && !subject) return void errors.push(`${at}阅卷教师必须指定学科`);
    if (subject && role !== 'subject_lead' && role !== 'marker' && role !== 'teacher')
      return void errors.push(`${at}${label}不按学科分配，请不要指定学科`);
    if (subject && subject.length > 40) return void errors.push(`${at}学科名称过长`);
    const grant = { role, schoolId, subject, classId };
    const same = (g: NewUser['roles'][number]) =>
      g.role === grant.role && g.schoolId === grant.schoolId && g.subject === grant.subject && g.classId === classId;
    if (!roles.some(same)) roles.push(grant);
  });
  return { roles, errors };
}

export function validateNewUser(
  input: NewUserInput,
  schoolIds: ReadonlySet<number>,
  classSchools: ReadonlyMap<number, number> = new Map(),
): UserInputResult {
  const errors: string[] = [];
  const username = str(input.username);
  const displayName = str(input.displayName);
  const password = typeof input.password === 'string' ? input.password : '';

  if (!/^[A-Za-z0-9_.@-]{3,60}$/.test(username)) errors.push('用户名应为 3–60 个字母、数字或 _ . @ -');
  const nameProblem = displayNameProblem(displayName);
  if (nameProblem) errors.push(nameProblem);
  const pw = passwordProblem(password);
  if (pw) errors.push(pw);
  const grants = validateGrants(input.roles, schoolIds, classSchools);
  errors.push(...grants.errors);
  return errors.length
    ? { ok: false, errors }
    : { ok: true, user: { username, displayName, password, roles: grants.roles } };
}

export interface UserUpdate {
  displayName: string;
  roles: NewUser['roles'];
}

/** An admin's edit of an account: its display name and its roles in the alliance (replacing those it had). */
export function validateUserUpdate(
  input: { displayName?: unknown; roles?: unknown },
  schoolIds: ReadonlySet<number>,
  classSchools: ReadonlyMap<number, number> = new Map(),
): { ok: true; update: UserUpdate } | { ok: false; errors: string[] } {
  const displayName = str(input.displayName);
  const errors: string[] = [];
  const nameProblem = displayNameProblem(displayName);
  if (nameProblem) errors.push(nameProblem);
  const grants = validateGrants(input.roles, schoolIds, classSchools);
  errors.push(...grants.errors);
  return errors.length ? { ok: false, errors } : { ok: true, update: { displayName, roles: grants.roles } };
}
