// The login throttle seen from several places at once (behind a proxy that names the client's address), with an
// admin's unlock, and with its Redis taken away: a guessing attack never locks the account's owner out for long,
// and a Redis outage never stops logins. This test starts its own Redis on another port and kills it.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('login throttle: places, unlock, and Redis away', () => {
  let env: TestEnv;
  let app: INestApplication;
  let redis: OwnRedis;
  let adminToken: string;
  let allianceId: number;
  let victimId: number;

  const login = (u: string, p: string, from: string) =>
    request(app.getHttpServer())
      .post('/api/auth/login')
      .set('X-Forwarded-For', from)
      .send({ username: u, password: p });

  beforeAll(async () => {
    env = await createTestEnv('throttle');
    redis = await startOwnRedis();
    const port = redis.port;
    allianceId = (await createAlliance(env.ds)).id;
    await createUser(env.ds, 'th_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    victimId = (
      await createUser(env.ds, 'th_victim', 'right-pass', [{ role: Role.Marker, allianceId, subject: '数学' }])
    ).id;
    app = await createApiApp(
      { ...env.config, trustProxyHops: 1, redis: { ...env.config.redis, port } },
      { logger: false },
    );
    await app.init();
    adminToken = (await login('th_admin', 'admin-pass', '10.0.0.9')).body.token;
  });
  afterAll(async () => {
    await app.close();
    redis.stop();
    await env.cleanup();
  });

  it('a guesser at one desk is slowed; the owner at another desk still logs in; the admin unlocks the guessed desk at once', async () => {
    for (let i = 0; i < 8; i++) await login('th_victim', `guess-${i}`, '10.0.0.66');
    const slowed = await login('th_victim', 'right-pass', '10.0.0.66');
    expect(slowed.status).toBe(429);
    // Attempts during a wait are refused before any password is checked, so they earn no further failures.
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(2 ** (8 - 5));
    // Eight failures in all are below the account's ten free ones: the owner elsewhere is not slowed at all.
    expect((await login('th_victim', 'right-pass', '10.0.0.5')).status).toBe(200);
    expect((await login('th_victim', 'right-pass', '10.0.0.66')).status).toBe(429);
    const refused = await request(app.getHttpServer())
      .post(`/api/alliances/${allianceId}/users/${victimId}/unlock`)
      .set('Authorization', `Bearer ${(await login('th_victim', 'right-pass', '10.0.0.5')).body.token}`);
    expect(refused.status).toBe(403);
    const unlocked = await request(app.getHttpServer())
      .post(`/api/alliances/${allianceId}/users/${victimId}/unlock`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(unlocked.status).toBe(200);
    expect((await login('th_victim', 'right-pass', '10.0.0.66')).status).toBe(200);
    const audit = await env.ds.query("SELECT entity_id FROM audit_log WHERE action = 'unlock_login'");
    expect(audit.map((r: { entity_id: string }) => r.entity_id)).toEqual([String(victimId)]);
  });

  it('a computer room behind one address is never locked out: 70 failures there cost a wait of seconds', async () => {
    for (let i = 0; i < 70; i++) await login(`student${i}`, 'wrong', '10.0.1.1');
    const r = await login('th_admin', 'admin-pass', '10.0.1.1');
    if (r.status === 429) expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(30);
    else expect(r.status).toBe(200);
  });

  it('logs in without Redis (the throttle degrades, it does not block) and answers quickly', async () => {
    redis.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const r = await login('th_victim', 'right-pass', '10.0.0.77');
    expect(r.status).toBe(200);
    expect(r.body.token).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await login('th_victim', 'wrong', '10.0.0.77')).status).toBe(401);
  });
});
