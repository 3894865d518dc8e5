import type { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/auth/entities/user-role.entity.js';
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

  it('refuses a wrong password in Chinese and sets no cookie', async () => {
    const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'lead1', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('用户名或密码错误');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('gives a bearer token and an HttpOnly cookie that both authenticate', async () => {
    const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'lead1', password: 'secret-pass' });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/tk_session=.*HttpOnly/);
    const viaBearer = await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.roles[0]).toMatchObject({ role: 'subject_lead', subject: '数学' });
    const viaCookie = await request(app.getHttpServer()).get('/api/auth/me').set('Cookie', cookie.split(';')[0]);
    expect(viaCookie.body.username).toBe('lead1');
  });

  it('answers 400, not 500, to a login without string fields', async () => {
    const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'lead1', password: { $ne: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('请输入用户名和密码');
  });

  it('refuses a correctly signed token that names no user id', async () => {
    const token = jwt.sign({ u: 'lead1' }, env.config.jwtSecret);
    expect((await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const none = jwt.sign({ sub: 1 }, '', { algorithm: 'none' });
    expect((await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${none}`)).status).toBe(401);
  });

  it('answers 401 without a token and with a forged one', async () => {
    expect((await request(app.getHttpServer()).get('/api/auth/me')).status).toBe(401);
    const forged = await request(app.getHttpServer()).get('/api/auth/me').set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.x');
    expect(forged.status).toBe(401);
  });
});
