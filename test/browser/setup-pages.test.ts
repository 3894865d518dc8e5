// The alliance admin's setup through the pages alone, from what the CLI leaves (an alliance and its first admin, made
// by the CLI's own service): three schools, their classes, rosters (a bad file first, its rows listed; then a good one
// previewed as added/updated/removed and confirmed), accounts with roles and scopes, a password reset and a
// deactivation. The home checklist advances step by step. Screens are saved at 1366×768 (SHOTS_DIR, default a
// temporary folder) to be looked at.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { User } from '../../src/auth/entities/user.entity.js';
import { UserRole } from '../../src/auth/entities/user-role.entity.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Alliance } from '../../src/org/entities/alliance.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { School } from '../../src/org/entities/school.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { OrgService } from '../../src/org/org.service.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  launchBrowser,
  selectById,
  servePages,
} from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'tongkao-setup-shots');
const ADMIN = { username: 'cg_admin', password: 'first-admin-pw' };

describeInBrowser('setup pages: from an empty alliance to schools, rosters and accounts', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let allianceId: number;
  let http: Parameters<typeof request>[0];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('setup_pages');
    const served = await servePages(env);
    ({ base, close: closePages } = served);
    http = served.app.getHttpServer();
    // Exactly what `npm run create-alliance` does, through the same service.
    const { alliance } = await served.app.get(OrgService).bootstrapAlliance({
      name: '城关教联体',
      code: 'CG',
      adminUsername: ADMIN.username,
      adminPassword: ADMIN.password,
      adminDisplayName: '王主任',
    });
    allianceId = alliance.id;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const stepDone = async (key: string) =>
    (await page.locator(`#setup-checklist li[data-step=${key}]`).getAttribute('class'))?.includes('done') ?? false;
  const checklist = async () => {
    await page.goto(`${base}/`);
    await page.locator('#setup-checklist li[data-step=exam]').waitFor();
    const out: Record<string, boolean> = {};
    for (const k of ['schools', 'classes', 'roster', 'users', 'exam']) out[k] = await stepDone(k);
    return out;
  };
  const csv = (lines: string[]) => ({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  const canLogIn = async (username: string, password: string) =>
    (await request(http).post('/api/auth/login').send({ username, password })).status === 200;

  it('an unknown address shows a Chinese 404 page with a way home', async () => {
    const res = await page.goto(`${base}/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.locator('#not-found h1', { hasText: '页面不存在' }).waitFor();
    await shot('00-not-found');
  });

  it('the admin arrives at an empty alliance and is led to the schools page', async () => {
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', ADMIN.username);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    expect(await checklist()).toEqual({ schools: false, classes: false, roster: false, users: false, exam: false });
    await page.locator('#setup-checklist li.next[data-step=schools]').waitFor();
    await shot('01-home-empty');
    await page.locator('#setup-checklist li[data-step=schools] a').click();
    await page.waitForURL(`${base}/schools`);
  });

  it('names the alliance and adds three schools (a refused duplicate code shown in the page), then edits one', async () => {
    await page.locator('#alliance-name').fill('城关区教联体');
    await page.locator('#save-alliance').click();
    await page.locator('#amsg', { hasText: '已保存联盟信息' }).waitFor();
    expect((await env.ds.getRepository(Alliance).findOneByOrFail({ id: allianceId })).name).toBe('城关区教联体');

    const add = async (name: string, code: string, kind: string, locality: string) => {
      await page.locator('#school-name').fill(name);
      await page.locator('#school-code').fill(code);
      await page.locator('#school-kind label', { hasText: kind }).click();
      await page.locator('#school-locality label', { hasText: locality }).click();
      await page.locator('#save-school').click();
    };
    await add('城关第一中学', 'CG1', '龙头校', '城区');
    await page.locator('#smsg', { hasText: '已添加“城关第一中学”（龙头校，城区）' }).waitFor();
    await add('河口中学', 'CG1', '成员校', '乡村');
    await page.locator('#serr', { hasText: '学校代码 CG1 已存在' }).waitFor();
    await page.locator('#school-code').fill('HK');
    await page.locator('#save-school').click();
    await page.locator('#smsg', { hasText: '已添加“河口中学”（成员校，乡村）' }).waitFor();
    await add('外县对照中学', 'DZ', '对照校', '城区');
    await page.locator('#smsg', { hasText: '已添加“外县对照中学”' }).waitFor();

    // The comparison school is in fact rural: edit it.
    await page.locator('#schools tr', { hasText: '外县对照中学' }).locator('button', { hasText: '编辑' }).click();
    await page.locator('#school-locality label', { hasText: '乡村' }).click();
    await page.locator('#save-school').click();
    await page.locator('#smsg', { hasText: '已保存“外县对照中学”' }).waitFor();
    await page.locator('#schools tr', { hasText: '外县对照中学' }).locator('td', { hasText: '乡村' }).waitFor();
    const schools = await env.ds.getRepository(School).find({ where: { allianceId }, order: { id: 'ASC' } });
    expect(schools.map((s) => [s.name, s.code, s.kind, s.locality])).toEqual([
      ['城关第一中学', 'CG1', 'lead', 'urban'],
      ['河口中学', 'HK', 'member', 'rural'],
      ['外县对照中学', 'DZ', 'comparison', 'rural'],
    ]);
    await shot('02-schools');
  });

  it('adds the classes of each school', async () => {
    for (const [school, names] of [
      ['城关第一中学', '七(1)班\n七(2)班'],
      ['河口中学', '七(1)班'],
      ['外县对照中学', '七(1)班、七(2)班'],
    ]) {
      await chooseOption(selectById(page, 'class-school'), school);
      await page.locator('#class-grade').fill('七年级');
      await page.locator('#class-names').fill(names);
      await page.locator('#add-classes').click();
      await page.locator('#cmsg', { hasText: `已为${school}添加` }).waitFor();
    }
    await page.locator('#class-list tr', { hasText: '七(2)班' }).waitFor();
    expect(await env.ds.getRepository(SchoolClass).count()).toBe(5);
    await shot('03-classes');
    expect(await checklist()).toEqual({ schools: true, classes: true, roster: false, users: false, exam: false });
    await page.locator('#setup-checklist li[data-step=roster] a').click();
    await page.waitForURL(`${base}/roster`);
  });

  it('imports rosters: a bad file lists its rows, a good one is previewed and confirmed, a later one changes the list', async () => {
    const school = await env.ds.getRepository(School).findOneByOrFail({ code: 'CG1' });
    await chooseOption(selectById(page, 'roster-school'), '城关第一中学');
    await page
      .locator('#roster-file')
      .setInputFiles(
        csv([
          '考号,姓名,班级',
          '20260101,张三,七(1)班',
          '20260102,,七(1)班',
          '20260103,王五,七(9)班',
          '20260101,赵六,七(2)班',
        ]),
      );
    await page.locator('#preview').click();
    await page.locator('#rerr', { hasText: '名单导入失败，共3处错误' }).waitFor();
    expect(await page.locator('#rerr li').allInnerTexts()).toEqual([
      '第3行：姓名为空',
      '第4行：班级“七(9)班”不存在',
      '第5行：考号 20260101 重复（与第2行相同）',
    ]);
    await shot('04-roster-bad-file');
    expect(await env.ds.getRepository(Student).countBy({ schoolId: school.id })).toBe(0);

    const first = [
      '考号,姓名,班级',
      '20260101,张三,七(1)班',
      '20260102,李四,七(1)班',
      '20260103,王五,七(2)班',
      '20260104,赵六,七(2)班',
    ];
    await page.locator('#roster-file').setInputFiles(csv(first));
    await page.locator('#preview').click();
    await page.locator('#plan-summary', { hasText: '将新增 4 名、修改 0 名、移除 0 名学生' }).waitFor();
    expect(await env.ds.getRepository(Student).countBy({ schoolId: school.id })).toBe(0); // a preview stores nothing
    await page.locator('#apply').click();
    await page.locator('#rmsg', { hasText: '新增 4 名、修改 0 名、移除 0 名' }).waitFor();
    expect(await env.ds.getRepository(Student).countBy({ schoolId: school.id })).toBe(4);

    // Next term: 李四 left, 王五 moved to class 1, 张三's name was misspelt, 孙七 arrived.
    await page
      .locator('#roster-file')
      .setInputFiles(
        csv([
          '考号,姓名,班级',
          '20260101,张珊,七(1)班',
          '20260103,王五,七(1)班',
          '20260104,赵六,七(2)班',
          '20260105,孙七,七(2)班',
        ]),
      );
    await page.locator('#preview').click();
    await page.locator('#plan-summary', { hasText: '将新增 1 名、修改 2 名、移除 1 名学生；1 名不变' }).waitFor();
    expect(await page.locator('#plan-added tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/20260105\s+孙七\s+七\(2\)班/),
    ]);
    expect(await page.locator('#plan-updated tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/20260101\s+张珊\s+姓名 张三 → 张珊/),
      expect.stringMatching(/20260103\s+王五\s+班级 七\(2\)班 → 七\(1\)班/),
    ]);
    expect(await page.locator('#plan-removed tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/20260102\s+李四/),
    ]);
    await shot('05-roster-preview');
    await page.locator('#apply').click();
    await page.locator('#rmsg', { hasText: '新增 1 名、修改 2 名、移除 1 名' }).waitFor();
    const now = await env.ds.getRepository(Student).find({ where: { schoolId: school.id }, order: { examNo: 'ASC' } });
    expect(now.map((s) => [s.examNo, s.name])).toEqual([
      ['20260101', '张珊'],
      ['20260103', '王五'],
      ['20260104', '赵六'],
      ['20260105', '孙七'],
    ]);
    const audit = await env.ds.getRepository(AuditLog).findBy({ entity: 'roster', action: 'apply' });
    expect(audit).toHaveLength(2);

    for (const [name, lines] of [
      ['河口中学', ['考号,姓名,班级', '20260201,周一,七(1)班', '20260202,吴二,七(1)班']],
      ['外县对照中学', ['考号,姓名,班级', '20260301,郑三,七(1)班', '20260302,冯四,七(2)班']],
    ] as const) {
      await chooseOption(selectById(page, 'roster-school'), name);
      await page.locator('#roster-file').setInputFiles(csv([...lines]));
      await page.locator('#preview').click();
      await page.locator('#plan-summary', { hasText: '将新增 2 名' }).waitFor();
      await page.locator('#apply').click();
      await page.locator('#rmsg', { hasText: `已更新${name}的名单` }).waitFor();
    }
    await shot('06-roster-done');
    expect(await checklist()).toEqual({ schools: true, classes: true, roster: true, users: false, exam: false });
  });

  it('creates accounts with roles and scopes, edits one, resets a password and deactivates a marker', async () => {
    await page.goto(`${base}/users`);
    await page.locator('#users tr', { hasText: ADMIN.username }).waitFor();
    const create = async (username: string, name: string, roles: [string, string?][]) => {
      await page.locator('#new-username').fill(username);
      await page.locator('#new-display-name').fill(name);
      await page.locator('#new-password').fill('init-pass-1');
      for (const [i, [role, scope]] of roles.entries()) {
        if (i > 0) await page.locator('#new-add-role').click();
        await chooseOption(selectById(page, `new-role-${i}`), role);
        if (role === '校长' || role === '扫描员') await chooseOption(selectById(page, `new-school-${i}`), scope!);
        else if (scope) await page.locator(`#new-subject-${i}`).fill(scope);
      }
      await page.locator('#create-user').click();
    };
    // A marker without a subject is refused, with the reason.
    await create('hk_marker', '刘老师', [['阅卷教师']]);
    await page.locator('#cerr', { hasText: '阅卷教师必须指定学科' }).waitFor();
    await page.locator('#new-subject-0').fill('数学');
    await page.locator('#create-user').click();
    await page.locator('#cmsg', { hasText: '已创建账号 hk_marker（刘老师）：阅卷教师 · 数学' }).waitFor();

    await create('cg_principal', '陈校长', [['校长', '城关第一中学']]);
    await page.locator('#cmsg', { hasText: '已创建账号 cg_principal（陈校长）：校长 · 城关第一中学' }).waitFor();
    await create('math_lead', '林组长', [
      ['学科组长', '数学'],
      ['阅卷教师', '数学'],
    ]);
    await page.locator('#cmsg', { hasText: '学科组长 · 数学，阅卷教师 · 数学' }).waitFor();
    await create('cg_marker', '黄老师', [['阅卷教师', '数学']]);
    await page.locator('#cmsg', { hasText: '已创建账号 cg_marker' }).waitFor();
    await create('hk_scanner', '何老师', [['扫描员', '河口中学']]);
    await page.locator('#cmsg', { hasText: '扫描员 · 河口中学' }).waitFor();
    await page.locator('#users tr', { hasText: 'hk_scanner' }).waitFor();

    // The principal also scans for their school: edit the roles.
    await page.locator('#users tr', { hasText: 'cg_principal' }).locator('button', { hasText: '编辑' }).click();
    await page.locator('#edit-add-role').click();
    await chooseOption(selectById(page, 'edit-role-1'), '扫描员');
    await chooseOption(selectById(page, 'edit-school-1'), '城关第一中学');
    await shot('07a-users-edit');
    await page.locator('#save-user').click();
    await page.locator('#msg', { hasText: '已保存 cg_principal 的姓名和角色' }).waitFor();
    await page.locator('#users tr', { hasText: 'cg_principal' }).locator('text=扫描员 · 城关第一中学').waitFor();
    const principal = await env.ds.getRepository(User).findOneByOrFail({ username: 'cg_principal' });
    expect((await env.ds.getRepository(UserRole).findBy({ userId: principal.id })).map((r) => r.role).sort()).toEqual([
      'principal',
      'scanner',
    ]);

    // A marker forgot the password: the admin sets a new one; the old one stops working.
    expect(await canLogIn('hk_marker', 'init-pass-1')).toBe(true);
    await page.locator('#users tr', { hasText: 'hk_marker' }).locator('button', { hasText: '重置密码' }).click();
    await answerMessageBox(page, '确定', 'new-pass-2026');
    await page.locator('#msg', { hasText: '已为 hk_marker 设置新密码' }).waitFor();
    expect(await canLogIn('hk_marker', 'init-pass-1')).toBe(false);
    expect(await canLogIn('hk_marker', 'new-pass-2026')).toBe(true);

    // Another marker leaves: deactivated (after the confirmation), no longer able to log in; then unlock is offered.
    expect(await canLogIn('cg_marker', 'init-pass-1')).toBe(true);
    await page.locator('#users tr', { hasText: 'cg_marker' }).locator('button', { hasText: '停用' }).click();
    await answerMessageBox(page, '停用');
    await page.locator('#msg', { hasText: '已停用 cg_marker' }).waitFor();
    await page.locator('#users tr', { hasText: 'cg_marker' }).locator('text=已停用').waitFor();
    expect(await canLogIn('cg_marker', 'init-pass-1')).toBe(false);
    await page.locator('#users tr', { hasText: 'hk_marker' }).locator('button', { hasText: '解除登录限制' }).click();
    await page.locator('#msg', { hasText: '已解除 hk_marker 的登录限制' }).waitFor();
    await shot('07-users');

    const actions = (await env.ds.getRepository(AuditLog).findBy({ entity: 'user' })).map((a) => a.action).sort();
    expect(actions).toEqual([
      'create',
      'create',
      'create',
      'create',
      'create',
      'deactivate',
      'reset_password',
      'unlock_login',
      'update',
    ]);

    // Reactivated, the marker logs in again.
    await page.locator('#users tr', { hasText: 'cg_marker' }).locator('button', { hasText: '启用' }).click();
    await page.locator('#msg', { hasText: '已重新启用 cg_marker' }).waitFor();
    expect(await canLogIn('cg_marker', 'init-pass-1')).toBe(true);
    expect(await checklist()).toEqual({ schools: true, classes: true, roster: true, users: true, exam: false });
  });

  it('the last step, an exam, completes the checklist', async () => {
    await page.locator('#setup-checklist li[data-step=exam] a').click();
    await page.waitForURL(`${base}/exams`);
    const form = page.locator('#create');
    await form.locator('input[name=name]').fill('2026学年七年级期中质量监测');
    await form.locator('input[name=grade]').fill('七年级');
    await form.locator('button[type=submit]').click();
    await page.locator('#cmsg', { hasText: '已新建' }).waitFor();
    expect(await checklist()).toEqual({ schools: true, classes: true, roster: true, users: true, exam: true });
    await page.locator('#setup-checklist h2', { hasText: '5/5' }).waitFor();
    await shot('08-home-done');
  });
});
