// While MySQL is away the API answers 503 with Retry-After and a Chinese message naming the database, and when it
// is back the API serves again by itself. This test starts its own MariaDB on another port and kills it.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/config.js';
import { Role } from '../../src/common/role.js';
import { createDataSource, migrate } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { startOwnMariaDb, type OwnMariaDb } from '../support/mariadb-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('the database away', () => {
  let env: TestEnv;
  let db: OwnMariaDb;
  let app: INestApplication;
  let token: string;
  let allianceId: number;

  beforeAll(async () => {
    env = await createTestEnv('dbaway'); // for its Redis prefix and data folder
    db = await startOwnMariaDb();
    const config: AppConfig = { ...env.config, db: { ...env.config.db, port: db.port, socket: null, name: 'tk_away' } };
    await migrate(config);
    const ds = createDataSource(config, { entities: ENTITIES });
    await ds.initialize();
    allianceId = (await createAlliance(ds)).id;
    await createUser(ds, 'db_admin', 'admin-pass', [{ role: Role.Admin, allianceId }]);
    await ds.destroy();
    app = await createApiApp(config, { logger: false });
    await app.init();
    token = (
      await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'db_admin', password: 'admin-pass' })
    ).body.token;
  });
  afterAll(async () => {
    await app.close();
    await db.stop();
    await env.cleanup();
  });

  const schools = () =>
    request(app.getHttpServer()).get(`/api/alliances/${allianceId}/schools`).set('Authorization', `Bearer ${token}`);

  it('answers 503 naming the database while it is down, and serves again when it is back', async () => {
    expect((await schools()).status).toBe(200);
    await db.kill();
    const away = await schools();
    expect(away.status).toBe(503);
    expect(away.body.message).toBe('数据库暂时无法连接，请稍后重试（已保存的数据不受影响）');
    expect(Number(away.headers['retry-after'])).toBeGreaterThan(0);
    // The load balancer's probe says the same: not ready, the database named in the same words; alive all the same.
    const ready = await request(app.getHttpServer()).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.database).toMatchObject({ status: 'down', message: away.body.message });
    expect(ready.body.details.queue.status).toBe('up');
    expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
    await db.start();
    let back = await schools();
    for (let i = 0; i < 50 && back.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      back = await schools();
    }
    expect(back.status).toBe(200);
    expect((await request(app.getHttpServer()).get('/ready')).status).toBe(200);
  });
});
