// Over HTTP, the way the alliance office and the subject groups use it: schools, classes, accounts,
// a roster, an exam and a paper; and the scope checks that keep each role to its own data.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { OrgService } from '../../src/org/org.service.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('org and exams over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};

  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({
    get: (url: string) => http().get(url).set('Authorization', `Bearer ${tokens[who]}`),
    post: (url: string, body?: object) => http().post(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    upload: (url: string, name: string, data: Buffer) =>
      http().post(url).set('Authorization', `Bearer ${tokens[who]}`).attach('file', data, name),
  });
  async function login(who: string, password: string) {
    const res = await http().post('/api/auth/login').send({ username: who, password });
    expect(res.status).toBe(200);
    tokens[who] = res.body.token;
  }

  beforeAll(async () => {
    env = await createTestEnv('orgexams');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    const org = app.get(OrgService);
    const boot = await org.bootstrapAlliance({
      name: '城关教联体',
      code: 'CG',
      adminUsername: 'cg_admin',
      adminPassword: 'admin-pass-1',
      adminDisplayName: '王主任',
    });
    allianceId = boot.alliance.id;
    await login('cg_admin', 'admin-pass-1');
    const other = await org.bootstrapAlliance({
      name: '河西学区',
      code: 'HX',
      adminUsername: 'hx_admin',
      adminPassword: 'admin-pass-2',
    });
    ids.otherAlliance = other.alliance.id;
    await login('hx_admin', 'admin-pass-2');
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('admin creates schools; duplicates and bad kinds are refused in Chinese', async () => {
    const a = await as('cg_admin').post(`/api/alliances/${allianceId}/schools`, {
      name: '城关一中',
      code: 'CG1',
      kind: 'lead',
      locality: 'urban',
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: '城关一中', code: 'CG1', kind: 'lead', locality: 'urban', allianceId });
    ids.schoolA = a.body.id;
    ids.schoolB = (
      await as('cg_admin').post(`/api/alliances/${allianceId}/schools`, {
        name: '河口中学',
        code: 'HK1',
        kind: 'member',
        locality: 'rural',
      })
    ).body.id;

    const dup = await as('cg_admin').post(`/api/alliances/${allianceId}/schools`, {
      name: '又一所',
      code: 'CG1',
      kind: 'member',
      locality: 'rural',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('学校代码 CG1 已存在');
    const bad = await as('cg_admin').post(`/api/alliances/${allianceId}/schools`, {
      name: '',
      code: 'X1',
      kind: 'big',
      locality: 'urban',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      '学校名称不能为空，最多 100 个字',
      '学校类型应为 lead（龙头校）、member（成员校）或 comparison（对照校）',
    ]);

    const foreign = await as('hx_admin').post(`/api/alliances/${allianceId}/schools`, {
      name: '越界',
      code: 'Z1',
      kind: 'member',
      locality: 'rural',
    });
    expect(foreign.status).toBe(403);
    const badId = await as('cg_admin').get('/api/alliances/abc');
    expect(badId.status).toBe(400);
    expect(badId.body.message).toBe('编号“abc”无效');
  });

  it('adds classes idempotently by name', async () => {
    const first = await as('cg_admin').post(`/api/schools/${ids.schoolA}/classes`, {
      names: ['七(1)班', '七(2)班', '七(10)班'],
      grade: '七年级',
    });
    expect(first.status).toBe(201);
    expect(first.body.created).toEqual(['七(1)班', '七(2)班', '七(10)班']);
    const again = await as('cg_admin').post(`/api/schools/${ids.schoolA}/classes`, { names: ['七（1）班', '七(2)班'] });
    expect(again.body.created).toEqual([]);
    expect(again.body.classes.map((c: { name: string }) => c.name)).toEqual(['七(1)班', '七(2)班', '七(10)班']);
    await as('cg_admin').post(`/api/schools/${ids.schoolB}/classes`, { names: ['七(1)班'] });
  });

  it('admin creates accounts with scoped roles; never returns password hashes', async () => {
    const mk = (username: string, roles: object[]) =>
      as('cg_admin').post(`/api/alliances/${allianceId}/users`, {
        username,
        displayName: username,
        password: 'pass-word-9',
        roles,
      });
    const classes = async (schoolId: number) =>
      (await as('cg_admin').get(`/api/schools/${schoolId}/classes`)).body as { id: number; name: string }[];
    const classA = (await classes(ids.schoolA)).find((c) => c.name === '七(1)班')!.id;
    const classB = (await classes(ids.schoolB)).find((c) => c.name === '七(1)班')!.id;
    const created = {
      principal_b: await mk('principal_b', [{ role: 'principal', schoolId: ids.schoolB }]),
      scanner_a: await mk('scanner_a', [{ role: 'scanner', schoolId: ids.schoolA }]),
      marker_m: await mk('marker_m', [{ role: 'marker', subject: '数学' }]),
      lead_math: await mk('lead_math', [
        { role: 'subject_lead', subject: '数学' },
        { role: 'marker', subject: '数学' },
      ]),
      lead_en: await mk('lead_en', [{ role: 'subject_lead', subject: '英语' }]),
      teacher_a: await mk('teacher_a', [
        { role: 'teacher', schoolId: ids.schoolA, classId: classA },
        { role: 'teacher', schoolId: ids.schoolA, classId: classA, subject: '数学' },
      ]),
    };
    for (const [name, res] of Object.entries(created)) {
      expect(res.status).toBe(201);
      expect(res.body.passwordHash).toBeUndefined();
      await login(name, 'pass-word-9');
    }
    expect(created.lead_math.body.roles).toEqual([
      { role: 'subject_lead', schoolId: null, subject: '数学', classId: null },
      { role: 'marker', schoolId: null, subject: '数学', classId: null },
    ]);
    expect(created.teacher_a.body.roles).toEqual([
      { role: 'teacher', schoolId: ids.schoolA, subject: null, classId: classA },
      { role: 'teacher', schoolId: ids.schoolA, subject: '数学', classId: classA },
    ]);
    const me = await as('teacher_a').get('/api/auth/me');
    expect(me.body.roles.map((r: { classId: number }) => r.classId)).toEqual([classA, classA]);
    const wrongClass = await mk('teacher_x', [{ role: 'teacher', schoolId: ids.schoolA, classId: classB }]);
    expect([wrongClass.status, wrongClass.body.errors]).toEqual([400, ['第1个角色：所选班级不属于所选学校']]);
    const noClass = await mk('teacher_y', [{ role: 'teacher', schoolId: ids.schoolA }]);
    expect(noClass.body.errors).toEqual(['第1个角色：教师必须指定任教班级']);

    const dup = await mk('scanner_a', [{ role: 'scanner', schoolId: ids.schoolA }]);
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('用户名已存在');
    const bad = await as('cg_admin').post(`/api/alliances/${allianceId}/users`, {
      username: 'x_user',
      displayName: 'X',
      password: 'short',
      roles: [{ role: 'scanner' }, { role: 'subject_lead' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      '密码至少 8 位',
      '第1个角色：扫描员必须指定所属学校',
      '第2个角色：学科组长必须指定学科',
    ]);
    const otherSchool = await as('hx_admin').post(`/api/alliances/${ids.otherAlliance}/users`, {
      username: 'y_user',
      displayName: 'Y',
      password: 'pass-word-9',
      roles: [{ role: 'principal', schoolId: ids.schoolA }],
    });
    expect(otherSchool.status).toBe(400);
    expect(otherSchool.body.errors).toEqual(['第1个角色：所选学校不属于本联盟']);

    const list = await as('cg_admin').get(`/api/alliances/${allianceId}/users`);
    expect(list.status).toBe(200);
    expect(list.body.map((u: { username: string }) => u.username)).toEqual([
      'cg_admin',
      'principal_b',
      'scanner_a',
      'marker_m',
      'lead_math',
      'lead_en',
      'teacher_a',
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    expect((await as('principal_b').get(`/api/alliances/${allianceId}/users`)).status).toBe(403);
  });

  it('members of the alliance read it and its school list; principals without admin fields', async () => {
    const alliance = await as('marker_m').get(`/api/alliances/${allianceId}`);
    expect(alliance.body).toMatchObject({ id: allianceId, name: '城关教联体', code: 'CG' });
    expect((await as('hx_admin').get(`/api/alliances/${allianceId}`)).status).toBe(403);
    const schools = await as('principal_b').get(`/api/alliances/${allianceId}/schools`);
    expect(schools.body).toEqual([
      { id: ids.schoolA, name: '城关一中', kind: 'lead', locality: 'urban' },
      { id: ids.schoolB, name: '河口中学', kind: 'member', locality: 'rural' },
    ]);
  });

  it("imports a roster over HTTP and keeps students to their own school's staff", async () => {
    const csv = Buffer.from('\ufeff考号,姓名,班级\r\n20250001,张三,七(1)班\r\n20250002,李四,七(10)班\r\n', 'utf8');
    const ok = await as('scanner_a').upload(`/api/schools/${ids.schoolA}/roster`, '七年级.csv', csv);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ imported: 2 });

    const bad = await as('cg_admin').upload(
      `/api/schools/${ids.schoolB}/roster`,
      'b.csv',
      Buffer.from('考号,姓名,班级\n20250001,王五,七(1)班\n20250003,,七(1)班\n'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      message: '名单导入失败，共2处错误',
      errors: ['第2行：考号 20250001 重复（本联盟已有学生使用此考号）', '第3行：姓名为空'],
    });
    const noFile = await as('cg_admin').post(`/api/schools/${ids.schoolB}/roster`);
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors[0]).toMatch(/请选择要上传的名单文件/);
    expect((await as('scanner_a').upload(`/api/schools/${ids.schoolB}/roster`, 'x.csv', csv)).status).toBe(403);
    const wrongField = await http()
      .post(`/api/schools/${ids.schoolB}/roster`)
      .set('Authorization', `Bearer ${tokens.cg_admin}`)
      .attach('roster', csv, 'x.csv');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.message).toBe('请用表单字段 file 上传一个文件');
    const tooBig = await as('cg_admin').upload(
      `/api/schools/${ids.schoolB}/roster`,
      'big.csv',
      Buffer.alloc(11 * 1024 * 1024, 0x31),
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toBe('文件过大，最多 10 MB');

    const denied = await as('principal_b').get(`/api/schools/${ids.schoolA}/students`);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('无权查看该校学生名单');
    expect((await as('marker_m').get(`/api/schools/${ids.schoolA}/students`)).status).toBe(403);
    const mine = await as('scanner_a').get(`/api/schools/${ids.schoolA}/students`);
    expect(mine.status).toBe(200);
    expect(mine.body.map((s: object) => ({ ...s, id: undefined }))).toEqual([
      { id: undefined, examNo: '20250001', name: '张三', className: '七(1)班' },
      { id: undefined, examNo: '20250002', name: '李四', className: '七(10)班' },
    ]);
    expect((await as('principal_b').get(`/api/schools/${ids.schoolB}/students`)).body).toEqual([]);
    expect(
      await env.ds
        .getRepository(AuditLog)
        .countBy({ action: 'read', entity: 'student_list', entityId: String(ids.schoolA) }),
    ).toBe(1);
  });

  it('admin creates an exam with its thresholds; bad thresholds are refused', async () => {
    const exam = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: '2025春七年级期中',
      grade: '七年级',
      examDate: '2025-04-22',
      passRatio: 0.65,
    });
    expect(exam.status).toBe(201);
    expect(exam.body).toMatchObject({
      name: '2025春七年级期中',
      examDate: '2025-04-22',
      status: 'draft',
      excellentRatio: 0.85,
      passRatio: 0.65,
      lowRatio: 0.4,
    });
    ids.exam = exam.body.id;
    const bad = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, { name: 'x', excellentRatio: 0.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/优秀线 > 及格线 > 低分线/);
    expect((await as('lead_math').post(`/api/alliances/${allianceId}/exams`, { name: 'y' })).status).toBe(403);
    const list = await as('principal_b').get(`/api/alliances/${allianceId}/exams`);
    expect(list.body.map((e: { id: number }) => e.id)).toEqual([ids.exam]);
  });

  it('links a new exam to the prior exam of the same alliance at creation; another alliance or a missing exam is refused in Chinese', async () => {
    const later = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: '2025春七年级期末',
      grade: '七年级',
      priorExamId: ids.exam,
    });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ name: '2025春七年级期末', priorExamId: ids.exam });
    const foreign = await as('hx_admin').post(`/api/alliances/${ids.otherAlliance}/exams`, {
      name: '河西期末',
      grade: '七年级',
      priorExamId: ids.exam,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe('考试设置有误：上次考试不存在或不属于本联盟');
    const missing = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, { name: 'z', priorExamId: 999999 });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('上次考试不存在或不属于本联盟');
    const bad = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: 'z',
      priorExamId: 'abc',
      excellentRatio: 2,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining(['上次考试（priorExamId）应为考试编号', expect.stringContaining('优秀线')]),
    );
    // Nothing was created by the refused requests.
    const list = await as('cg_admin').get(`/api/alliances/${allianceId}/exams`);
    expect(list.body.map((e: { name: string }) => e.name).sort()).toEqual(
      ['2025春七年级期中', '2025春七年级期末'].sort(),
    );
  });

  const mathItems = [
    { label: '1', type: 'single_choice', maxScore: 3, answerKey: 'B' },
    { label: '2', type: 'single_choice', maxScore: 3, answerKey: 'D' },
    { label: '3', type: 'multiple_choice', maxScore: 4, answerKey: 'AC', optionCount: 5 },
    { label: '4', type: 'fill_in', maxScore: 4 },
    {
      label: '5',
      type: 'subjective',
      maxScore: 10.5,
      scoreStep: 0.5,
      markingMode: 'double_arbitration',
      tolerance: 2,
      knowledgePoints: ['一元一次方程'],
      boxHeightMm: 60,
    },
  ];

  it('only the admin or that subject lead may create a paper; a bad paper names the item', async () => {
    const byMarker = await as('marker_m').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '数学',
      items: mathItems,
    });
    expect(byMarker.status).toBe(403);
    const byOtherLead = await as('lead_en').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '数学',
      items: mathItems,
    });
    expect(byOtherLead.status).toBe(403);
    expect(
      (await as('hx_admin').post(`/api/exams/${ids.exam}/papers`, { subject: '数学', title: '数学', items: mathItems }))
        .status,
    ).toBe(403);

    const badItems = [...mathItems];
    badItems[2] = { label: '3', type: 'single_choice', maxScore: 3, answerKey: 'E' };
    badItems[4] = { ...mathItems[4], label: '12', maxScore: 10.25 };
    const bad = await as('lead_math').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '七年级数学',
      items: badItems,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(['第3题：答案 E 超出选项范围 A–D', '第12题：满分应为步长 0.5 的整数倍']);
    expect(bad.body.message).toContain('第3题');

    const ok = await as('lead_math').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '七年级数学',
      items: mathItems,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ subject: '数学', title: '七年级数学', fullMarks: 24.5, status: 'draft' });
    expect(ok.body.items.map((i: { seq: number; answerKey: string }) => [i.seq, i.answerKey])).toEqual([
      [1, 'B'],
      [2, 'D'],
      [3, 'AC'],
      [4, null],
      [5, null],
    ]);
    expect(ok.body.items[4]).toMatchObject({
      maxScore: 10.5,
      scoreStep: 0.5,
      markingMode: 'double_arbitration',
      tolerance: 2,
      knowledgePoints: ['一元一次方程'],
      boxHeightMm: 60,
    });
    ids.paper = ok.body.id;

    const again = await as('cg_admin').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '重复',
      items: mathItems,
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('本次考试已有“数学”试卷');
  });

  it('shows answer keys only to the admin and that subject lead', async () => {
    const exam = await as('principal_b').get(`/api/exams/${ids.exam}`);
    expect(exam.status).toBe(200);
    expect(exam.body.papers).toEqual([
      {
        id: ids.paper,
        examId: ids.exam,
        subject: '数学',
        title: '七年级数学',
        fullMarks: 24.5,
        status: 'draft',
        version: 1,
        hasSheet: false,
      },
    ]);
    expect((await as('hx_admin').get(`/api/exams/${ids.exam}`)).status).toBe(403);
    const missing = await as('cg_admin').get('/api/exams/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('考试不存在');

    for (const who of ['marker_m', 'lead_en', 'principal_b']) {
      const res = await as(who).get(`/api/papers/${ids.paper}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(5);
      expect(res.body.items.some((i: object) => 'answerKey' in i)).toBe(false);
    }
    for (const who of ['lead_math', 'cg_admin']) {
      const res = await as(who).get(`/api/papers/${ids.paper}`);
      expect(res.body.items[0].answerKey).toBe('B');
    }
  });

  it('locks a paper once, by its subject lead', async () => {
    expect((await as('lead_en').post(`/api/papers/${ids.paper}/lock`)).status).toBe(403);
    expect((await as('marker_m').post(`/api/papers/${ids.paper}/lock`)).status).toBe(403);
    const lock = await as('lead_math').post(`/api/papers/${ids.paper}/lock`);
    expect(lock.status).toBe(200);
    expect(lock.body.status).toBe('locked');
    expect((await as('cg_admin').get(`/api/papers/${ids.paper}`)).body.status).toBe('locked');
    const again = await as('cg_admin').post(`/api/papers/${ids.paper}/lock`);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('试卷已锁定');
  });
});
