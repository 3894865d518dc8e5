// Start-up checks: an unreachable MySQL or Redis stops the process with a message that names it. The MySQL probe is
// the data layer's (src/database/mysql-probe.ts); Redis is checked here.
import type { AppConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { probeMysql } from '../database/mysql-probe.js';
import { newRedis, redisWhere } from '../queue/connection.js';
import { persistenceWarning } from './domain/redis-persistence.js';

export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as { code?: string; message?: string; address?: string; port?: number };
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ETIMEDOUT' || e?.code === 'ENOTFOUND') {
    return `无法连接 ${e.address ?? ''}:${e.port ?? ''}（${e.code}）: ${e.message}`;
  }
  if (e?.code === 'ER_ACCESS_DENIED_ERROR') return `MySQL 拒绝登录 (MySQL access denied): ${e.message}`;
  return `启动失败 (start-up failed): ${e?.message ?? String(err)}`;
}

/** Connects and pings; answers a warning when the server keeps nothing on disk (queued work would not survive). */
export async function checkRedis(config: AppConfig): Promise<string | null> {
  const r = newRedis(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    connectTimeout: 3000,
  });
  r.on('error', () => undefined); // the failure is reported below, once
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    // A refused connection has ended already: ioredis's disconnect() would then arm a 2 s timer that nothing clears
    // (AbstractConnector waits for a 'close' that was before), holding the process (and jest) open.
    if (r.status !== 'end') r.disconnect();
    throw new Error(
      `无法连接 Redis ${redisWhere(config.redis)} (${config.redis.sentinel ? 'REDIS_SENTINELS/REDIS_SENTINEL_NAME' : 'REDIS_HOST/REDIS_PORT'}): ${(err as Error).message}`,
    );
  }
  try {
    const setting = async (name: string) => ((await r.config('GET', name)) as string[])[1] ?? null;
    return persistenceWarning(await setting('appendonly'), await setting('save'));
  } catch {
    return null; // CONFIG refused (a managed Redis): nothing can be said
  } finally {
    r.disconnect();
  }
}

/**
 * Both servers answer, checked before the application is assembled so a failure reads as one clear line. A Redis
 * without persistence is allowed (tests and a developer's machine run one) but said, once, on stderr.
 */
export async function checkServices(config: AppConfig): Promise<void> {
  await probeMysql(config);
  const warning = await checkRedis(config);
  if (warning && config.env !== 'test') process.emitWarning(warning, { code: 'TONGKAO_REDIS_PERSISTENCE' });
}
