// Over HTTP, the 补短板 suggestion library of an alliance: a 数学 subject lead adds, edits (a new version each time),
// retires and restores suggestions; another subject's lead, another alliance's lead, a marker and a principal are
// refused in Chinese; an import with bad rows stores nothing and names each row; a good import previews its changes and
// applies them on confirmation (409 when the library moved in between); the export reads back as "nothing changes";
// the report's call (currentFor + the matcher) sees the current versions, and the seed library loads once.
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Role } from '../../src/common/role.js';
import { OrgService } from '../../src/org/org.service.js';
import { matchSuggestions } from '../../src/suggestions/domain/match.js';
import { SuggestionVersion } from '../../src/suggestions/entities/suggestion-version.entity.js';
import { Suggestion } from '../../src/suggestions/entities/suggestion.entity.js';
import { loadSeedLibrary, SEED_LIBRARY } from '../../src/suggestions/seed-library.js';
import { SuggestionRepository } from '../../src/suggestions/suggestion.repository.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

const PASSWORD = 'pass-word-9';
const HEADER = ['编号', '学科', '发现类型', '知识点', '认知层次', '建议内容', '状态'];

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('补短板建议库');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('suggestion library over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  let otherAllianceId: number;
  let adminId: number;
  const tokens: Record<string, string> = {};

  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({
    get: (url: string) => http().get(url).set('Authorization', `Bearer ${tokens[who]}`),
    post: (url: string, body?: object) => http().post(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    patch: (url: string, body?: object) => http().patch(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    upload: (url: string, data: Buffer, fields: Record<string, string> = {}) => {
      let r = http().post(url).set('Authorization', `Bearer ${tokens[who]}`);
      for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
      return r.attach('file', data, '建议库.xlsx');
    },
    binary: (url: string) =>
      http()
        .get(url)
        .set('Authorization', `Bearer ${tokens[who]}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
  });
  const versions = () => env.ds.getRepository(SuggestionVersion).count();

  beforeAll(async () => {
    env = await createTestEnv('suggestions');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    const boot = await app.get(OrgService).bootstrapAlliance({
      name: '城关教联体',
      code: 'SG',
      adminUsername: 'sg_admin',
      adminPassword: PASSWORD,
      adminDisplayName: '王主任',
    });
    allianceId = boot.alliance.id;
    adminId = boot.admin.id;
    otherAllianceId = (await createAlliance(env.ds, '河西学区', 'HX')).id;
    await createUser(env.ds, 'math', PASSWORD, [{ role: Role.SubjectLead, allianceId, subject: '数学' }]);
    await createUser(env.ds, 'chinese', PASSWORD, [{ role: Role.SubjectLead, allianceId, subject: '语文' }]);
    await createUser(env.ds, 'math_hx', PASSWORD, [
      { role: Role.SubjectLead, allianceId: otherAllianceId, subject: '数学' },
    ]);
    await createUser(env.ds, 'marker', PASSWORD, [{ role: Role.Marker, allianceId, subject: '数学' }]);
    await createUser(env.ds, 'principal', PASSWORD, [{ role: Role.Principal, allianceId, schoolId: null }]);
    for (const u of ['sg_admin', 'math', 'chinese', 'math_hx', 'marker', 'principal']) {
      const res = await http().post('/api/auth/login').send({ username: u, password: PASSWORD });
      expect(res.status).toBe(200);
      tokens[u] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('a subject lead adds, edits, retires and restores; every change is a new version with its author', async () => {
    const url = `/api/alliances/${allianceId}/suggestions`;
    const added = await as('math').post(url, {
      subject: '数学',
      knowledgePoint: '数与代数 / 一元一次方程',
      text: '先列表整理数量关系，再列方程。',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      version: 1,
      subject: '数学',
      kind: null,
      knowledgePoint: '数与代数/一元一次方程',
      retired: false,
      author: 'math',
    });
    const id = added.body.id;

    const edited = await as('math').patch(`/api/suggestions/${id}`, {
      knowledgePoint: '数与代数/一元一次方程',
      cognitiveLevel: '运用',
      kind: '知识点薄弱',
      text: '用线段图整理等量关系，再列方程。',
      baseVersion: 1,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, kind: 'weak_kp', cognitiveLevel: '运用' });

    // An edit against a stale version is a conflict; the same text again makes no new version.
    const stale = await as('math').patch(`/api/suggestions/${id}`, { text: '别的', baseVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe('该建议已被他人修改（现为第2版），请刷新后再改');
    const same = await as('math').patch(`/api/suggestions/${id}`, { ...edited.body, baseVersion: 2 });
    expect(same.body.version).toBe(2);

    expect((await as('math').post(`/api/suggestions/${id}/retire`, { baseVersion: 2 })).body).toMatchObject({
      version: 3,
      retired: true,
      text: '用线段图整理等量关系，再列方程。',
    });
    expect((await as('sg_admin').post(`/api/suggestions/${id}/restore`, {})).body).toMatchObject({
      version: 4,
      retired: false,
      author: '王主任',
    });
    const history = await as('math').get(`/api/suggestions/${id}/versions`);
    expect(
      history.body.map((v: { version: number; retired: boolean; author: string }) => [v.version, v.retired, v.author]),
    ).toEqual([
      [4, false, '王主任'],
      [3, true, 'math'],
      [2, false, 'math'],
      [1, false, 'math'],
    ]);
    expect(history.body[3].text).toBe('先列表整理数量关系，再列方程。');
    const audit = await env.ds.getRepository(AuditLog).find({ where: { entity: 'suggestion', entityId: String(id) } });
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'retire', 'restore']);

    // Filters: by subject and by a part of the knowledge point.
    const found = await as('chinese').get(
      `${url}?subject=${encodeURIComponent('数学')}&knowledgePoint=${encodeURIComponent('方程')}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.suggestions.map((s: { id: number; canEdit: boolean }) => [s.id, s.canEdit])).toEqual([
      [id, false],
    ]);
    expect((await as('math').get(`${url}?knowledgePoint=${encodeURIComponent('几何')}`)).body.suggestions).toEqual([]);
  });

  it('refuses, in Chinese, another subject, another alliance, generic texts to leads, markers and principals', async () => {
    const url = `/api/alliances/${allianceId}/suggestions`;
    const mine = (await as('math').post(url, { subject: '数学', kind: 'near_pass', text: '每周面批一次。' })).body;
    const before = await versions();

    const cases: [string, request.Test, number, string][] = [
      [
        'chinese adds math',
        as('chinese').post(url, { subject: '数学', kind: 'weak_kp', text: 'x' }),
        403,
        '只有“数学”学科组长或联盟管理员可以维护该学科的建议',
      ],
      [
        'chinese edits math',
        as('chinese').patch(`/api/suggestions/${mine.id}`, { text: 'x' }),
        403,
        '只有“数学”学科组长或联盟管理员可以维护该学科的建议',
      ],
      [
        'chinese retires math',
        as('chinese').post(`/api/suggestions/${mine.id}/retire`, {}),
        403,
        '只有“数学”学科组长或联盟管理员可以维护该学科的建议',
      ],
      [
        'a lead adds a generic text',
        as('math').post(url, { kind: 'weak_kp', text: 'x' }),
        403,
        '只有联盟管理员可以维护通用建议（不分学科）',
      ],
      [
        'another alliance lists',
        as('math_hx').get(url),
        403,
        '只有本联盟的学科组长和联盟管理员可以查看和维护补短板建议库',
      ],
      ['another alliance edits', as('math_hx').patch(`/api/suggestions/${mine.id}`, { text: 'x' }), 404, '建议不存在'],
      ['a marker lists', as('marker').get(url), 403, '当前账号没有执行此操作的角色'],
      ['a principal lists', as('principal').get(url), 403, '当前账号没有执行此操作的角色'],
      [
        'a principal exports',
        as('principal').get(`/api/alliances/${allianceId}/suggestions.xlsx`),
        403,
        '当前账号没有执行此操作的角色',
      ],
      [
        'a bad body',
        as('math').post(url, { subject: '数学', text: '' }),
        400,
        '建议内容不能为空；请至少填写发现类型、知识点或认知层次之一，说明建议针对什么',
      ],
      [
        'moving subjects',
        as('math').patch(`/api/suggestions/${mine.id}`, { subject: '语文', text: 'x' }),
        400,
        '建议的学科不能修改（现为“数学”），请新增一条',
      ],
    ];
    for (const [name, req, status, message] of cases) {
      const res = await req;
      expect([name, res.status]).toEqual([name, status]);
      if (message) expect([name, res.body.message]).toEqual([name, message]);
    }
    expect(await versions()).toBe(before);
    // The admin may write generic suggestions.
    expect((await as('sg_admin').post(url, { kind: 'weak_kp', text: '通用：学科组集体备课。' })).status).toBe(201);
  });

  it('an import with bad rows stores nothing and names each row; a good one previews, then applies on confirmation', async () => {
    const url = `/api/alliances/${allianceId}/suggestions/import`;
    const lib = (await as('math').get(`/api/alliances/${allianceId}/suggestions?subject=${encodeURIComponent('数学')}`))
      .body;
    const nearPass = lib.suggestions.find((s: { kind: string }) => s.kind === 'near_pass');
    const before = { suggestions: await env.ds.getRepository(Suggestion).count(), versions: await versions() };

    const bad = await xlsx([
      HEADER,
      [null, '数学', '知识点薄弱', '整式的加减', '', '合并同类项逐项检查。', ''],
      [null, '语文', '知识点薄弱', '', '', '语文的建议', ''],
      [nearPass.id, '数学', '及格临界生', '', '', '', ''],
      [null, '数学', '不知道', '', '', '文本', ''],
    ]);
    const refused = await as('math').upload(url, bad);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^建议库文件有3处错误，未导入任何内容/);
    expect(refused.body.errors).toEqual([
      '第3行：您不是“语文”学科组长，不能修改该学科的建议',
      '第4行：建议内容不能为空',
      expect.stringMatching(/^第5行：发现类型“不知道”无法识别/),
    ]);
    expect(await env.ds.getRepository(Suggestion).count()).toBe(before.suggestions);
    expect(await versions()).toBe(before.versions);

    const good = await xlsx([
      HEADER,
      [null, '数学', '知识点薄弱', '整式的加减', '', '合并同类项逐项检查。', ''],
      [nearPass.id, '数学', '及格临界生', '', '', '每周面批两次基础题。', '在用'],
    ]);
    const preview = await as('math').upload(url, good);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ applied: false, unchanged: 0 });
    expect(
      preview.body.added.map((a: { row: number; fields: { knowledgePoint: string } }) => [
        a.row,
        a.fields.knowledgePoint,
      ]),
    ).toEqual([[2, '整式的加减']]);
    expect(
      preview.body.updated.map((u: { id: number; before: { text: string }; fields: { text: string } }) => [
        u.id,
        u.before.text,
        u.fields.text,
      ]),
    ).toEqual([[nearPass.id, '每周面批一次。', '每周面批两次基础题。']]);
    expect(await versions()).toBe(before.versions); // a preview stores nothing

    // The library moves on between preview and confirmation: the confirmation is refused.
    await as('math').post(`/api/alliances/${allianceId}/suggestions`, {
      subject: '数学',
      cognitiveLevel: '运用',
      text: '多做情境题。',
    });
    const late = await as('math').upload(url, good, {
      confirm: 'true',
      libraryVersion: String(preview.body.libraryVersion),
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('建议库在您核对之后已被他人修改，请重新上传核对');

    const again = await as('math').upload(url, good);
    const applied = await as('math').upload(url, good, {
      confirm: 'true',
      libraryVersion: String(again.body.libraryVersion),
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true });
    expect([applied.body.added.length, applied.body.updated.length, applied.body.retired.length]).toEqual([1, 1, 0]);
    const now = (await as('math').get(`/api/alliances/${allianceId}/suggestions?subject=${encodeURIComponent('数学')}`))
      .body.suggestions;
    expect(now.find((s: { id: number }) => s.id === nearPass.id)).toMatchObject({
      version: 2,
      text: '每周面批两次基础题。',
    });
    expect(now.some((s: { knowledgePoint: string }) => s.knowledgePoint === '整式的加减')).toBe(true);

    // The same file again adds nothing (its new row is now in the library).
    const twice = await as('math').upload(url, good);
    expect([twice.body.added.length, twice.body.updated.length, twice.body.unchanged]).toEqual([0, 0, 2]);
  });

  it('exports the library as XLSX that imports back as "nothing changes", and retires through the 状态 column', async () => {
    const res = await as('math').binary(
      `/api/alliances/${allianceId}/suggestions.xlsx?subject=${encodeURIComponent('数学')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('城关教联体-补短板建议库-数学.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('补短板建议库')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...HEADER, '版本', '修改人', '修改时间']);
    const n = ws.rowCount - 1;
    expect(n).toBe(
      (await as('math').get(`/api/alliances/${allianceId}/suggestions?subject=${encodeURIComponent('数学')}`)).body
        .suggestions.length,
    );
    const back = Buffer.from(await wb.xlsx.writeBuffer());
    const preview = await as('math').upload(`/api/alliances/${allianceId}/suggestions/import`, back);
    expect(preview.status).toBe(200);
    expect([
      preview.body.added.length,
      preview.body.updated.length,
      preview.body.retired.length,
      preview.body.unchanged,
    ]).toEqual([0, 0, 0, n]);

    ws.getRow(2).getCell(7).value = '停用';
    const retiring = Buffer.from(await wb.xlsx.writeBuffer());
    const p2 = await as('math').upload(`/api/alliances/${allianceId}/suggestions/import`, retiring);
    expect(p2.body.retired.map((r: { id: number }) => r.id)).toEqual([ws.getRow(2).getCell(1).value]);
    const done = await as('math').upload(`/api/alliances/${allianceId}/suggestions/import`, retiring, {
      confirm: 'true',
      libraryVersion: String(p2.body.libraryVersion),
    });
    expect(done.body).toMatchObject({ applied: true });
    const one = (await as('math').get(`/api/suggestions/${ws.getRow(2).getCell(1).value}/versions`)).body[0];
    expect(one.retired).toBe(true);
  });

  it("the report's call sees the current versions in use, and the seed library loads once", async () => {
    const repo = app.get(SuggestionRepository);
    const { libraryVersion, entries } = await repo.currentFor(allianceId, ['数学']);
    expect(libraryVersion).toBeGreaterThan(0);
    expect(entries.every((e) => e.subject === '数学' || e.subject === null)).toBe(true);
    const best = matchSuggestions(
      { kind: 'weak_kp', subject: '数学', knowledgePoint: '数与代数/一元一次方程', cognitiveLevel: '运用' },
      entries,
    );
    expect(best[0].entry).toMatchObject({ text: '用线段图整理等量关系，再列方程。', version: 4 });
    expect((await repo.versions([best[0].entry.versionId]))[0].text).toBe('用线段图整理等量关系，再列方程。');
    expect((await repo.currentFor(otherAllianceId, ['数学'])).entries).toEqual([]);

    const first = await loadSeedLibrary(app, otherAllianceId, adminId);
    expect(first.added).toHaveLength(SEED_LIBRARY.length);
    const second = await loadSeedLibrary(app, otherAllianceId, adminId);
    expect([second.added.length, second.updated.length, second.unchanged]).toEqual([0, 0, SEED_LIBRARY.length]);
    const seeded = await repo.currentFor(otherAllianceId, ['数学']);
    const forDemo = matchSuggestions(
      { kind: 'weak_kp', subject: '数学', knowledgePoint: '一元一次方程', cognitiveLevel: '运用' },
      seeded.entries,
    );
    expect(forDemo.map((m) => m.specificity)).toEqual([
      'subject_kp_level',
      'subject_kp',
      'subject_kind',
      'generic_kind',
    ]);
  });
});
