// The setup API's rules over HTTP, on a real database: a roster never deletes a student who has sheets or scores, a
// confirmation that no longer matches its preview changes nothing, a scanner works only for their school, an admin can
// neither lock themselves out nor leave the alliance without an admin, a deactivated account's session ends at once.
// And every error a person may read is Chinese: unknown pages and API routes, malformed JSON, too large a body; the
// favicon and the setup pages answer.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { User } from '../../src/auth/entities/user.entity.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('setup API and Chinese errors', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const auth = (who: string) => `Bearer ${tokens[who]}`;
  const login = async (who: string, password: string) => {
    const res = await http().post('/api/auth/login').send({ username: who, password });
    tokens[who] = res.body.token;
    return res.status;
  };
  const csv = (lines: string[]) => Buffer.from(lines.join('\n'));
  const upload = (who: string, url: string, file: Buffer, planId?: string) => {
    const r = http().post(url).set('Authorization', auth(who)).attach('file', file, '名单.csv');
    return planId === undefined ? r : r.field('planId', planId);
  };

  beforeAll(async () => {
    env = await createTestEnv('setup_api');
    fx = await buildResultsFixture(env.ds, 'su');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await login(fx.users.admin, fx.password);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const examNos = async (ids: number[]) =>
    (await env.ds.getRepository(Student).findBy(ids.map((id) => ({ id })))).map((s) => s.examNo).sort();

  it('keeps a student who has sheets or a 缺考 mark, removes one who has none, and leaves classes the file does not name', async () => {
    const school = fx.schools.lead;
    const [stay, ...withPages] = await examNos(fx.studentIds.lead);
    const [absent] = await examNos([fx.studentIds.absent]); // marked 缺考: kept like a student with sheets
    const stayer = await env.ds.getRepository(Student).findOneByOrFail({ examNo: stay });
    const loner = await env.ds.getRepository(Student).save({
      allianceId: stayer.allianceId,
      schoolId: school,
      classId: stayer.classId,
      examNo: '20259991',
      name: '无卷学生',
    });
    const kept = [...withPages, absent].sort();
    const file = csv(['考号,姓名,班级', `${stay},${stayer.name},七(1)班`]);
    const preview = await upload(fx.users.admin, `/api/schools/${school}/roster/preview`, file);
    expect(preview.status).toBe(200);
    expect(preview.body.added).toEqual([]);
    expect(preview.body.removed.map((r: { examNo: string }) => r.examNo)).toEqual([loner.examNo]);
    expect(preview.body.kept.map((r: { examNo: string }) => r.examNo).sort()).toEqual(kept);
    expect(preview.body.untouchedClasses).toEqual(['八(1)班']);

    // A confirmation that names another plan changes nothing.
    const stale = await upload(fx.users.admin, `/api/schools/${school}/roster/apply`, file, 'not-the-plan');
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe('预览之后学生名单已有变化，本次未做任何修改，请重新预览后再确认');
    expect(await env.ds.getRepository(Student).existsBy({ id: loner.id })).toBe(true);

    const applied = await upload(fx.users.admin, `/api/schools/${school}/roster/apply`, file, preview.body.planId);
    expect(applied.body).toEqual({ added: 0, updated: 0, removed: 1, kept: kept.length });
    expect(await env.ds.getRepository(Student).existsBy({ id: loner.id })).toBe(false);
    for (const id of [...fx.studentIds.lead, fx.studentIds.absent, fx.studentIds.otherGrade])
      expect(await env.ds.getRepository(Student).existsBy({ id })).toBe(true);
    const audit = await env.ds.getRepository(AuditLog).findOneByOrFail({ entity: 'roster', action: 'apply' });
    expect(audit.detail).toMatchObject({ removed: [expect.objectContaining({ examNo: loner.examNo })] });
  });

  it('keeps a student who has a 违纪 record (a roster change never deletes one)', async () => {
    const [other] = await examNos([fx.studentIds.otherGrade]);
    await env.ds.query(
      'INSERT INTO exam_violation (exam_id, paper_id, student_id, room_id, kind, note, recorded_by) VALUES (?, ?, ?, NULL, ?, ?, ?)',
      [fx.examId, fx.paperId, fx.studentIds.otherGrade, '使用电子设备', '考试中使用手机', 1],
    );
    const file = csv(['考号,姓名,班级', '29990001,新同学,八(1)班']);
    const preview = await upload(fx.users.admin, `/api/schools/${fx.schools.lead}/roster/preview`, file);
    expect(preview.status).toBe(200);
    expect(preview.body.removed).toEqual([]);
    expect(preview.body.kept.map((r: { examNo: string }) => r.examNo)).toEqual([other]);
  });

  it('a scanner previews their own school only', async () => {
    const made = await http()
      .post(`/api/alliances/${fx.allianceId}/users`)
      .set('Authorization', auth(fx.users.admin))
      .send({
        username: 'su_scanner',
        displayName: '扫描员甲',
        password: 'scan-pass-1',
        roles: [{ role: 'scanner', schoolId: fx.schools.member }],
      });
    expect(made.status).toBe(201);
    await login('su_scanner', 'scan-pass-1');
    const file = csv(['考号,姓名,班级', '77770001,新同学,七(1)班']);
    const own = await upload('su_scanner', `/api/schools/${fx.schools.member}/roster/preview`, file);
    expect(own.status).toBe(200);
    expect(own.body.added).toEqual([{ examNo: '77770001', name: '新同学', className: '七(1)班' }]);
    const other = await upload('su_scanner', `/api/schools/${fx.schools.lead}/roster/preview`, file);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('只有本联盟管理员或本校扫描员可以导入名单');
  });

  it('an admin cannot lock themselves out, nor leave the alliance without an admin', async () => {
    const me = await env.ds.getRepository(User).findOneByOrFail({ username: fx.users.admin });
    const base = `/api/alliances/${fx.allianceId}/users/${me.id}`;
    const self = await http().post(`${base}/deactivate`).set('Authorization', auth(fx.users.admin));
    expect([self.status, self.body.message]).toEqual([409, '不能停用自己正在使用的账号']);
    const drop = await http()
      .patch(base)
      .set('Authorization', auth(fx.users.admin))
      .send({ displayName: '管理员', roles: [{ role: 'marker', subject: '数学' }] });
    expect([drop.status, drop.body.message]).toEqual([409, '不能取消自己的管理员角色，请由另一位管理员操作']);
    const pw = await http().post(`${base}/password`).set('Authorization', auth(fx.users.admin)).send({ password: 'x' });
    expect(pw.status).toBe(400);
    expect(pw.body.message).toBe('密码至少 8 位');
  });

  it('a deactivated account is refused at once, its open session too; reactivated, it logs in again', async () => {
    const marker = await env.ds.getRepository(User).findOneByOrFail({ username: fx.users.marker });
    await login(fx.users.marker, fx.password);
    expect((await http().get('/api/auth/me').set('Authorization', auth(fx.users.marker))).status).toBe(200);
    const off = await http()
      .post(`/api/alliances/${fx.allianceId}/users/${marker.id}/deactivate`)
      .set('Authorization', auth(fx.users.admin));
    expect(off.body).toEqual({ id: marker.id, username: fx.users.marker, active: false });
    const me = await http().get('/api/auth/me').set('Authorization', auth(fx.users.marker));
    expect(me.status).toBe(401);
    expect(me.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await login(fx.users.marker, fx.password)).toBe(401);
    await http()
      .post(`/api/alliances/${fx.allianceId}/users/${marker.id}/reactivate`)
      .set('Authorization', auth(fx.users.admin))
      .expect(200);
    expect(await login(fx.users.marker, fx.password)).toBe(200);
  });

  describe('errors a person reads are Chinese', () => {
    it('an unknown page: a Chinese HTML page for a browser, Chinese JSON otherwise', async () => {
      const page = await http().get('/no-such-page').set('Accept', 'text/html,application/xhtml+xml');
      expect(page.status).toBe(404);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('页面不存在');
      expect(page.text).toContain('<a href="/">返回首页</a>');
      const json = await http().get('/no-such-page');
      expect([json.status, json.body.message]).toEqual([404, '页面不存在，请检查地址或返回首页']);
    });

    it('an unknown API route answers Chinese JSON, even to a browser', async () => {
      const res = await http().get('/api/no/such/route').set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, message: '请求的接口不存在，请检查地址', error: 'Not Found' });
    });

    it('malformed JSON and too large a body', async () => {
      const bad = await http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "a",');
      expect([bad.status, bad.body.message]).toEqual([400, '提交的内容不是有效的 JSON 格式']);
      const big = await http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'a', password: 'x'.repeat(6 * 1024 * 1024) }));
      expect([big.status, big.body.message]).toEqual([413, '提交的内容太大（超过 5 MB），请减少内容或分批提交']);
    });

    it('an English framework message becomes Chinese (a bad id in the path)', async () => {
      const res = await http().get('/api/alliances/abc/schools').set('Authorization', auth(fx.users.admin));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    });

    it('serves a favicon, and the setup pages are pages', async () => {
      for (const path of ['/favicon.ico', '/favicon.svg']) {
        const res = await http().get(path);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, 'image/svg+xml; charset=utf-8']);
      }
      for (const [path, title] of [
        ['/schools', '学校与班级'],
        ['/roster', '学生名单'],
        ['/users', '用户与权限'],
      ]) {
        const res = await http().get(path);
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.text).toContain(`<title>统考 · ${title}</title>`);
      }
    });
  });
});
