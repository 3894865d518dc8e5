import { existsSync } from 'node:fs';
import { createDataSource } from '../../src/database/data-source.js';
import { SqlPool } from '../../src/database/sql-pool.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

// DB_SOCKET: the data source and the marking pool reach the server through its Unix socket, not TCP.
describe('MySQL through its Unix socket (DB_SOCKET)', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('dbsock');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('runs statements on the same database as over TCP', async () => {
    const [{ socket }] = (await env.ds.query('SELECT @@socket AS socket')) as { socket: string }[];
    const config = { ...env.config, db: { ...env.config.db, host: '203.0.113.1', port: 1, socket } };
    const ds = createDataSource(config);
    if (!existsSync(socket)) {
      // the server runs elsewhere (a container): its socket is not here to connect to, and saying so is all we can check
      await expect(ds.initialize()).rejects.toThrow(/ENOENT|ECONNREFUSED/);
      return;
    }
    await ds.initialize();
    const pool = new SqlPool(ds);
    try {
      // host and port point nowhere: only the socket can have answered; through it, a connection without TCP
      const [via] = (await ds.query(
        'SELECT DATABASE() AS db, (SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()) AS host',
      )) as { db: string; host: string }[];
      expect(via).toEqual({ db: env.config.db.name, host: 'localhost' });
      const rows = (await pool.query('SELECT COUNT(*) AS n FROM migrations')) as { n: string }[];
      expect(Number(rows[0].n)).toBeGreaterThan(10);
    } finally {
      await pool.end();
      await ds.destroy();
    }
  });
});
