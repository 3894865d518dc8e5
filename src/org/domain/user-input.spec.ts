import { validateNewUser } from './user-input.js';

const schools = new Set([7, 8]);
const base = { username: 'zhang.san', displayName: '张三', password: 'long-enough' };

describe('validateNewUser', () => {
  it('accepts a user with several roles and drops a repeated grant', () => {
    const r = validateNewUser(
      {
        ...base,
        roles: [
          { role: 'principal', schoolId: 7 },
          { role: 'subject_lead', subject: ' 数学 ' },
          { role: 'marker', subject: '数学', classId: null },
          { role: 'principal', schoolId: '7' },
        ],
      },
      schools,
    );
    expect(r).toEqual({
      ok: true,
      user: {
        ...base,
        roles: [
          { role: 'principal', schoolId: 7, subject: null, classId: null },
          { role: 'subject_lead', schoolId: null, subject: '数学', classId: null },
          { role: 'marker', schoolId: null, subject: '数学', classId: null },
        ],
      },
    });
    expect(validateNewUser({ ...base, roles: [{ role: 'marker' }] }, schools)).toMatchObject({
      ok: false,
      errors: ['第1个角色：阅卷教师必须指定学科'],
    });
  });

  it('lists every problem in Chinese', () => {
    const r = validateNewUser(
      {
        username: 'a b',
        displayName: ' ',
        password: 'short',
        roles: [
          { role: 'scanner' },
          { role: 'principal', schoolId: 99 },
          { role: 'subject_lead' },
          { role: 'boss' },
          { role: 'admin', schoolId: 7 },
          { role: 'scanner', schoolId: 8, subject: '数学', classId: null },
        ],
      },
      schools,
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        '用户名应为 3–60 个字母、数字或 _ . @ -',
        '姓名（显示名）不能为空',
        '密码至少 8 位',
        '第1个角色：扫描员必须指定所属学校',
        '第2个角色：所选学校不属于本联盟',
        '第3个角色：学科组长必须指定学科',
        '第4个角色：未知角色“boss”，应为 admin / subject_lead / marker / scanner / principal / proctor / teacher',
        '第5个角色：管理员不按学校分配，请不要指定学校',
        '第6个角色：扫描员不按学科分配，请不要指定学科',
      ],
    });
  });

  it('grants a proctor (监考员) within one school only', () => {
    expect(validateNewUser({ ...base, roles: [{ role: 'proctor', schoolId: 8 }] }, schools)).toEqual({
      ok: true,
      user: { ...base, roles: [{ role: 'proctor', schoolId: 8, subject: null, classId: null }] },
    });
    expect(validateNewUser({ ...base, roles: [{ role: 'proctor' }] }, schools)).toMatchObject({
      ok: false,
      errors: ['第1个角色：监考员必须指定所属学校'],
    });
  });

  it('needs at least one role', () => {
    expect(validateNewUser({ ...base, roles: [] }, schools)).toEqual({ ok: false, errors: ['至少需要分配一个角色'] });
    expect(validateNewUser({ ...base }, schools)).toEqual({ ok: false, errors: ['至少需要分配一个角色'] });
  });

  it.each([
    ['班主任 of a class of the school', { role: 'teacher', schoolId: 7, classId: 71 }, { subject: null, classId: 71 }],
    [
      '任课教师 of one subject',
      { role: 'teacher', schoolId: '8', classId: '81', subject: ' 数学 ' },
      { subject: '数学', classId: 81 },
    ],
    ['no class', { role: 'teacher', schoolId: 7 }, '第1个角色：教师必须指定任教班级'],
    ['no school', { role: 'teacher', classId: 71 }, '第1个角色：教师必须指定所属学校'],
    ['a class of another school', { role: 'teacher', schoolId: 7, classId: 81 }, '第1个角色：所选班级不属于所选学校'],
    [
      'a class of another alliance',
      { role: 'teacher', schoolId: 7, classId: 999 },
      '第1个角色：所选班级不属于所选学校',
    ],
    [
      'a class on a principal',
      { role: 'principal', schoolId: 7, classId: 71 },
      '第1个角色：校长不按班级分配，请不要指定班级',
    ],
  ])('teacher grant: %s', (_name, grant, expected) => {
    const classSchools = new Map([
      [71, 7],
      [81, 8],
    ]);
    const r = validateNewUser({ ...base, roles: [grant] }, schools, classSchools);
    if (typeof expected === 'string') expect(r).toEqual({ ok: false, errors: [expected] });
    else
      expect(r).toEqual({
        ok: true,
        user: {
          ...base,
          roles: [{ role: 'teacher', schoolId: Number((grant as { schoolId?: unknown }).schoolId), ...expected }],
        },
      });
  });
});
