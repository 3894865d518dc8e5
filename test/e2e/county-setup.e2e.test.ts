// 区县 (issue 17): the county CLI (create, attach an alliance, add a bureau user) and what a bureau user's session
// holds: one read-only bureau grant per alliance of its county, following the alliances as they join.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { UserRepository } from '../../src/auth/user.repository.js';
import { Role } from '../../src/common/role.js';
import { parseCountyArgs, runCountyCommand } from '../../src/org/cli/county-commands.js';
import { CountyService } from '../../src/org/county.service.js';
import { Alliance } from '../../src/org/entities/alliance.entity.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('county CLI and the bureau grants', () => {
  let env: TestEnv;
  let app: INestApplication;
  let service: CountyService;
  let logs: string[];
  let errors: string[];
  const out = { log: (l: string) => void logs.push(l), error: (l: string) => void errors.push(l) };
  let a1: Alliance;
  let a2: Alliance;
  let a3: Alliance;

  /** As `npm run create-county -- …` etc.: parse, then run against the app's service. */
  const cli = async (command: string, ...args: string[]) => {
    logs = [];
    errors = [];
    const parsed = parseCountyArgs(command, args, out);
    return parsed === 2 ? 2 : runCountyCommand(service, parsed.command, parsed.values, out);
  };
  const login = async (username: string, password: string) =>
    request(app.getHttpServer()).post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    env = await createTestEnv('county_setup');
    a1 = await createAlliance(env.ds, '城关教联体', 'cs-a1');
    a2 = await createAlliance(env.ds, '东关教联体', 'cs-a2');
    a3 = await createAlliance(env.ds, '西山教联体', 'cs-a3');
    await createUser(env.ds, 'cs_admin', 'admin-pass-1', [{ role: Role.Admin, allianceId: a1.id }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    service = app.get(CountyService);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('explains its usage in Chinese on a missing or unknown argument', async () => {
    expect(await cli('create', '--name', '城关区')).toBe(2);
    expect(errors.join('\n')).toMatch(/缺少参数：--code --bureau --password/);
    expect(await cli('frobnicate')).toBe(2);
    expect(errors.join('\n')).toMatch(/未知命令：frobnicate[\s\S]*用法/);
    expect(await cli('attach', '--county', 'X', '--bogus', '1')).toBe(2);
    expect(errors.join('\n')).toMatch(/参数错误/);
  });

  it('creates a county with its first bureau user, and refuses bad fields and a taken code in Chinese', async () => {
    expect(await cli('create', '--name', '城关区', '--code', 'CGQ', '--bureau', 'bureau1', '--password', 'short')).toBe(
      1,
    );
    expect(errors).toEqual(['创建失败：密码至少 8 位']);
    expect(
      await cli('create', '--name', '城关区', '--code', 'CGQ', '--bureau', 'bureau1', '--password', 'bureau-pass-1'),
    ).toBe(0);
    expect(logs[0]).toMatch(/^已创建区县“城关区”（代码 CGQ，编号 \d+），教育局账号：bureau1（只读）$/);
    expect(
      await cli('create', '--name', '另一个', '--code', 'CGQ', '--bureau', 'bureau9', '--password', 'bureau-pass-1'),
    ).toBe(1);
    expect(errors).toEqual(['创建失败：区县代码 CGQ 已存在']);
    expect(
      await cli('create', '--name', '西山区', '--code', 'XSQ', '--bureau', 'bureau3', '--password', 'bureau-pass-3'),
    ).toBe(0);
  });

  it('a bureau user of a county without alliances holds no grant, and logs in', async () => {
    const res = await login('bureau1', 'bureau-pass-1');
    expect(res.status).toBe(200);
    const me = await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.body.roles).toEqual([]);
  });

  it('attaches alliances; an alliance belongs to one county at most', async () => {
    expect(await cli('attach', '--county', 'CGQ', '--alliance', 'cs-a1')).toBe(0);
    expect(logs).toEqual(['联盟“城关教联体”（代码 cs-a1）已归属区县“城关区”']);
    expect(await cli('attach', '--county', 'CGQ', '--alliance', 'cs-a2')).toBe(0);
    expect(await cli('attach', '--county', 'CGQ', '--alliance', 'cs-a2')).toBe(0); // again: nothing changes
    expect(await cli('attach', '--county', 'XSQ', '--alliance', 'cs-a2')).toBe(1);
    expect(errors).toEqual(['归属失败：联盟“东关教联体”已属于区县“城关区”']);
    expect(await cli('attach', '--county', 'XSQ', '--alliance', 'nope')).toBe(1);
    expect(errors).toEqual(['归属失败：联盟代码 nope 不存在']);
    expect(await cli('attach', '--county', 'NOPE', '--alliance', 'cs-a3')).toBe(1);
    expect(errors).toEqual(['归属失败：区县代码 NOPE 不存在']);
    expect(await cli('attach', '--county', 'XSQ', '--alliance', 'cs-a3')).toBe(0);
    const rows = await env.ds.getRepository(Alliance).find({ order: { id: 'ASC' } });
    expect(rows.map((a) => a.countyId !== null)).toEqual([true, true, true]);
  });

  it("expands a bureau user's grants to one read-only bureau grant per alliance of its county", async () => {
    const users = app.get(UserRepository);
    const bureau1 = (await users.findByUsername('bureau1'))!;
    expect(await users.grantsOf(bureau1.id)).toEqual([
      { role: Role.Bureau, allianceId: a1.id, schoolId: null, subject: null, classId: null },
      { role: Role.Bureau, allianceId: a2.id, schoolId: null, subject: null, classId: null },
    ]);
    const session = await users.sessionOf(bureau1.id);
    expect(session?.grants).toEqual(await users.grantsOf(bureau1.id));
    // A login within the same second as the earlier one would issue the same token, whose actor (no alliances yet) the
    // API reuses for ACTOR_CACHE_MS: a session opened before the attach sees it at its next load, as the README says.
    await new Promise((r) => setTimeout(r, 1100));
    const res = await login('bureau1', 'bureau-pass-1');
    const me = await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.body.roles).toEqual([
      expect.objectContaining({ role: 'bureau', allianceId: a1.id, schoolId: null, subject: null }),
      expect.objectContaining({ role: 'bureau', allianceId: a2.id, schoolId: null, subject: null }),
    ]);
    // The other county's alliance is not among them; the other county's bureau holds only its own.
    const bureau3 = (await users.findByUsername('bureau3'))!;
    expect((await users.grantsOf(bureau3.id)).map((g) => g.allianceId)).toEqual([a3.id]);
    // An alliance admin's grants are unchanged by counties.
    const admin = (await users.findByUsername('cs_admin'))!;
    expect(await users.grantsOf(admin.id)).toEqual([
      { role: Role.Admin, allianceId: a1.id, schoolId: null, subject: null, classId: null },
    ]);
  });

  it('adds bureau users: a new account, an existing bureau account of another county, never an alliance account', async () => {
    expect(await cli('add-bureau', '--county', 'CGQ', '--bureau', 'bureau2')).toBe(1);
    expect(errors).toEqual(['添加失败：密码至少 8 位']);
    expect(
      await cli(
        'add-bureau',
        '--county',
        'CGQ',
        '--bureau',
        'bureau2',
        '--password',
        'bureau-pass-2',
        '--display-name',
        '李督导',
      ),
    ).toBe(0);
    expect(logs).toEqual(['已为区县“城关区”添加教育局账号：bureau2（只读）']);
    expect(await cli('add-bureau', '--county', 'CGQ', '--bureau', 'bureau3')).toBe(0);
    expect(logs).toEqual(['已有账号 bureau3 现在也可查看区县“城关区”（只读）']);
    expect(await cli('add-bureau', '--county', 'CGQ', '--bureau', 'cs_admin')).toBe(1);
    expect(errors).toEqual(['添加失败：账号 cs_admin 属于联盟，不能作为教育局账号（教育局账号只读）']);
    expect(await cli('add-bureau', '--county', 'CGQ', '--bureau', 'bureau1', '--password', 'x-pass-long')).toBe(1);
    expect(errors[0]).toMatch(/已存在/);
    const users = app.get(UserRepository);
    const b3 = (await users.findByUsername('bureau3'))!;
    expect((await users.grantsOf(b3.id)).map((g) => g.allianceId)).toEqual([a1.id, a2.id, a3.id]);
    const b2 = await login('bureau2', 'bureau-pass-2');
    expect(b2.status).toBe(200);
  });
});
