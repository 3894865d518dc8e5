// The HTTP hardening seen from a browser's side: a form on another port of the same host (another app on the
// school server) cannot write as the logged-in admin; personal data is not cached; headers give nothing away.
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('web security', () => {
  let env: TestEnv;
  let app: INestApplication;
  let base: string;
  let cookie: string;
  let allianceId: number;

  const schoolCount = async () =>
    Number((await env.ds.query('SELECT COUNT(*) AS n FROM school WHERE alliance_id = ?', [allianceId]))[0].n);

  beforeAll(async () => {
    env = await createTestEnv('websec');
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'ws_admin', 'secret-pass', [{ role: Role.Admin, allianceId }]);
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const login = await request(base).post('/api/auth/login').send({ username: 'ws_admin', password: 'secret-pass' });
    cookie = String(login.headers['set-cookie']).split(';')[0];
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  const form = { name: '伪造学校', code: 'X1', kind: 'member', locality: 'rural' };

  it('refuses a form posted from another port of the same host, in Chinese, and stores nothing', async () => {
    const before = await schoolCount();
    const res = await request(base)
      .post(`/api/alliances/${allianceId}/schools`)
      .set('Cookie', cookie)
      .set('Origin', 'http://127.0.0.1:8080')
      .type('form')
      .send(form);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/跨站请求伪造/);
    expect(await schoolCount()).toBe(before);
  });

  it('refuses the same form when the browser sends only a foreign Referer', async () => {
    const res = await request(base)
      .post(`/api/alliances/${allianceId}/schools`)
      .set('Cookie', cookie)
      .set('Referer', 'http://127.0.0.1:8080/attack.html')
      .type('form')
      .send(form);
    expect(res.status).toBe(403);
  });

  it('accepts the write from its own pages', async () => {
    const res = await request(base)
      .post(`/api/alliances/${allianceId}/schools`)
      .set('Cookie', cookie)
      .set('Origin', base)
      .send({ ...form, name: '本站学校', code: 'S1' });
    expect(res.status).toBe(201);
  });

  it('refuses a login posted from another site (login CSRF)', async () => {
    const res = await request(base)
      .post('/api/auth/login')
      .set('Origin', 'http://evil.example')
      .send({ username: 'ws_admin', password: 'secret-pass' });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('sends no X-Powered-By, a real CSP, and no-store on the API', async () => {
    const me = await request(base).get('/api/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.headers['x-powered-by']).toBeUndefined();
    expect(me.headers['cache-control']).toBe('private, no-store');
    const page = await request(base).get('/login');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-powered-by']).toBeUndefined();
  });
});
