import { createApiApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { checkRedis } from '../../src/common/startup-checks.js';
import { startWorkers } from '../../workers/worker-host.js';
import { startOwnRedis } from '../support/redis-server.js';

// Ports on the loopback interface that nothing listens on.
const base = loadConfig({ NODE_ENV: 'test' });

describe('start-up stops with a message naming what is unreachable', () => {
  it('names MySQL when the database server does not answer', async () => {
    await expect(createApiApp({ ...base, db: { ...base.db, port: 3399 } }, { logger: false })).rejects.toThrow(
      /MySQL 127\.0\.0\.1:3399.*DB_PORT/,
    );
  });

  it('names the socket when MySQL is configured through one that does not answer', async () => {
    await expect(
      createApiApp({ ...base, db: { ...base.db, socket: '/tmp/tk-no-such-mysqld.sock' } }, { logger: false }),
    ).rejects.toThrow(/MySQL \/tmp\/tk-no-such-mysqld\.sock.*DB_SOCKET/);
  });

  it('tells how to create a database that does not exist', async () => {
    await expect(
      startWorkers({ ...base, db: { ...base.db, name: 'tk_missing_db_x' } }, { logger: false }),
    ).rejects.toThrow(/tk_missing_db_x.*migration:run/);
  });

  it('names Redis when it does not answer', async () => {
    const config = { ...base, db: { ...base.db, name: 'mysql' }, redis: { ...base.redis, port: 6390 } };
    await expect(createApiApp(config, { logger: false })).rejects.toThrow(/Redis 127\.0\.0\.1:6390.*REDIS_PORT/);
  });

  it('warns when Redis keeps nothing on disk, and not when AOF is on', async () => {
    for (const [args, warns] of [
      [['--save', '', '--appendonly', 'no'], /既没有开启 AOF/],
      [['--save', '', '--appendonly', 'yes'], null],
    ] as const) {
      const redis = await startOwnRedis([...args]);
      try {
        const warning = await checkRedis({ ...base, redis: { ...base.redis, port: redis.port } });
        if (warns) expect(warning).toMatch(warns);
        else expect(warning).toBeNull();
      } finally {
        redis.stop();
      }
    }
  });
});
