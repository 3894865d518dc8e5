import type { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApiApp, KEEP_ALIVE_MS } from '../../src/app.factory.js';
import { ACTOR_CACHE_MS, ActorCache } from '../../src/auth/actor-cache.js';
import { Role } from '../../src/common/role.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('login and the guard', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    env = await createTestEnv('auth');
    const a = await createAlliance(env.ds);
    await createUser(env.ds, 'lead1', 'secret-pass', [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('keeps idle connections longer than a load balancer does (markers pause between answers)', () => {
    const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_MS);
    expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it('refuses a wrong password in Chinese and sets no cookie', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/auth/login')
      .send({ username: 'lead1', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('用户名或密码错误');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('gives a bearer token and an HttpOnly cookie that both authenticate', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/auth/login')
      .send({ username: 'lead1', password: 'secret-pass' });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/tk_session=.*HttpOnly/);
    const viaBearer = await request(app.getHttpServer())
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${res.body.token}`);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.roles[0]).toMatchObject({ role: 'subject_lead', subject: '数学' });
    const viaCookie = await request(app.getHttpServer()).get('/api/auth/me').set('Cookie', cookie.split(';')[0]);
    expect(viaCookie.body.username).toBe('lead1');
  });

  it('answers 400, not 500, to a login without string fields', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/auth/login')
      .send({ username: 'lead1', password: { $ne: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('请输入用户名和密码');
  });

  it('refuses a correctly signed token that names no user id', async () => {
    const token = jwt.sign({ u: 'lead1' }, env.config.jwtSecret);
    expect(
      (await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(401);
    const none = jwt.sign({ sub: 1 }, '', { algorithm: 'none' });
    expect((await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${none}`)).status).toBe(
      401,
    );
  });

  it('answers 401 without a token and with a forged one', async () => {
    expect((await request(app.getHttpServer()).get('/api/auth/me')).status).toBe(401);
    const forged = await request(app.getHttpServer())
      .get('/api/auth/me')
      .set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.x');
    expect(forged.status).toBe(401);
  });

  it('logout revokes the token it was given and every older one of that user, and nothing of other users', async () => {
    await createUser(env.ds, 'lead2', 'other-pass', []);
    const login = (u: string, p: string) =>
      request(app.getHttpServer()).post('/api/auth/login').send({ username: u, password: p });
    const me = (t: string) => request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${t}`);
    const a1 = (await login('lead1', 'secret-pass')).body.token;
    const a2 = (await login('lead1', 'secret-pass')).body.token;
    const b = (await login('lead2', 'other-pass')).body.token;
    const out = await request(app.getHttpServer()).post('/api/auth/logout').set('Authorization', `Bearer ${a1}`);
    expect(out.status).toBe(204);
    for (const t of [a1, a2]) {
      const res = await me(t);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('已退出登录，请重新登录');
    }
    expect((await me(b)).status).toBe(200);
    // A replayed old token cannot log out the new session.
    const a3 = (await login('lead1', 'secret-pass')).body.token;
    await request(app.getHttpServer()).post('/api/auth/logout').set('Authorization', `Bearer ${a1}`);
    expect((await me(a3)).status).toBe(200);
    // Logout by cookie works the same way.
    const c = await login('lead1', 'secret-pass');
    const cookie = String(c.headers['set-cookie']).split(';')[0];
    await request(app.getHttpServer()).post('/api/auth/logout').set('Cookie', cookie);
    expect((await request(app.getHttpServer()).get('/api/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('slows a guesser down after five failures from one place, says how long in Chinese, and lets no password through meanwhile', async () => {
    await createUser(env.ds, 'victim', 'right-pass', []);
    await createUser(env.ds, 'bystander', 'by-pass', []);
    const login = (u: string, p: string) =>
      request(app.getHttpServer()).post('/api/auth/login').send({ username: u, password: p });
    for (let i = 0; i < 5; i++) expect((await login('victim', `guess-${i}`)).status).toBe(401);
    const slowed = await login('victim', 'right-pass');
    expect(slowed.status).toBe(429);
    expect(slowed.body.message).toMatch(/^登录失败次数较多，请 \d+ 秒后再试（如忘记密码请联系管理员重置或解锁）$/);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(slowed.headers['set-cookie']).toBeUndefined();
    expect((await login('bystander', 'by-pass')).status).toBe(200);
    const [row] = await env.ds.query(
      "SELECT detail FROM audit_log WHERE action = 'login_delayed' AND entity_id = 'victim'",
    );
    expect(JSON.parse(row.detail)).toMatchObject({ pair: 5 });
  });

  it('a logout, deactivation or revoked role on another API instance takes effect here within ACTOR_CACHE_MS', async () => {
    await createUser(env.ds, 'roaming', 'roam-pass', [
      {
        role: Role.SubjectLead,
        allianceId: (await env.ds.query('SELECT id FROM alliance LIMIT 1'))[0].id,
        subject: '数学',
      },
    ]);
    const cache = app.get(ActorCache) as unknown as { clock: () => number };
    let now = Date.now();
    cache.clock = () => now;
    try {
      const token = (
        await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'roaming', password: 'roam-pass' })
      ).body.token;
      const me = () => request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect((await me()).body.roles).toHaveLength(1);
      // Another instance revokes the role and ends the sessions (the epoch moves on in the database, not here).
      const [u] = await env.ds.query("SELECT id FROM `user` WHERE username = 'roaming'");
      await env.ds.query('DELETE FROM user_role WHERE user_id = ?', [u.id]);
      await env.ds.query('UPDATE `user` SET session_epoch = session_epoch + 1 WHERE id = ?', [u.id]);
      now += ACTOR_CACHE_MS - 1;
      expect((await me()).status).toBe(200);
      now += 1;
      const late = await me();
      expect(late.status).toBe(401);
      expect(late.body.message).toBe('已退出登录，请重新登录');
    } finally {
      delete (cache as { clock?: unknown }).clock;
    }
  });

  it("a successful login clears the account's failure count", async () => {
    await createUser(env.ds, 'forgetful', 'my-pass', []);
    const login = (u: string, p: string) =>
      request(app.getHttpServer()).post('/api/auth/login').send({ username: u, password: p });
    // Four failures are free; without the clearing, the next four would make eight and cost a wait.
    for (let i = 0; i < 4; i++) expect((await login('forgetful', 'wrong')).status).toBe(401);
    expect((await login('forgetful', 'my-pass')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('forgetful', 'wrong')).status).toBe(401);
    expect((await login('forgetful', 'my-pass')).status).toBe(200);
  });
});
