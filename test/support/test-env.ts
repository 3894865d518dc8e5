// Test environment: every test file gets its own database, queue prefix and data folder on the real
// MariaDB and Redis, so no test depends on another's leftovers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/config/config.js';
import { createDataSource, migrate } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';
import { SqlPool } from '../../src/database/sql-pool.js';

let counter = 0;

export interface TestEnv {
  config: AppConfig;
  /** Initialized data source on the test database (migrated). */
  ds: DataSource;
  /** SqlPool on the same database (connects on first use), ended by cleanup. */
  sql: SqlPool;
  cleanup(): Promise<void>;
}

/**
 * `db`: another MariaDB server than the configured one (a test's own, which it kills), e.g. `{ port, socket: null }`.
 * `keep`: the database's name, kept by cleanup (and reused when it exists): a bench loads a big cohort once and
 * re-runs against it. Without it the database is the test's own and dropped.
 */
export async function createTestEnv(
  label = 't',
  opts: { db?: Partial<AppConfig['db']>; keep?: string } = {},
): Promise<TestEnv> {
  const suffix = `${label}_${process.pid}_${Date.now().toString(36)}_${counter++}`.replace(/[^A-Za-z0-9_]/g, '_');
  const dataDir = mkdtempSync(join(tmpdir(), 'tongkao-test-'));
  const base = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const config: AppConfig = {
    ...base,
    db: { ...base.db, ...opts.db, name: opts.keep ?? `tk_test_${suffix}`.slice(0, 64) },
    redis: { ...base.redis, prefix: `tkt_${suffix}` },
    dataDir,
  };
  await migrate(config);
  const ds = createDataSource(config, { entities: ENTITIES });
  await ds.initialize();
  const sql = new SqlPool(ds);
  return {
    config,
    ds,
    sql,
    async cleanup() {
      await sql.end();
      if (!opts.keep) await ds.query(`DROP DATABASE IF EXISTS \`${config.db.name}\``);
      await ds.destroy();
      await clearRedisPrefix(config);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Removes every Redis key of the test's queue prefix (queues, throttles). */
async function clearRedisPrefix(config: AppConfig): Promise<void> {
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
