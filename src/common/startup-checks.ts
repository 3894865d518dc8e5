// Start-up checks: an unreachable MySQL or Redis stops the process with a message that names it. The MySQL probe is
// the data layer's (src/database/mysql-probe.ts); Redis is checked here.
import type { AppConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { probeMysql } from '../database/mysql-probe.js';
import { newRedis, type RedisClient, redisVariables, redisWhere } from '../queue/connection.js';
import { persistenceWarning } from './domain/redis-persistence.js';
import { redisUnreachableMessage } from './domain/redis-unreachable.js';

export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as { code?: string; message?: string; address?: string; port?: number };
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ETIMEDOUT' || e?.code === 'ENOTFOUND') {
    return `无法连接 ${e.address ?? ''}:${e.port ?? ''}（${e.code}）: ${e.message}`;
  }
  if (e?.code === 'ER_ACCESS_DENIED_ERROR') return `MySQL 拒绝登录 (MySQL access denied): ${e.message}`;
  return `启动失败 (start-up failed): ${e?.message ?? String(err)}`;
}

/**
 * Connects (with the password, when one is configured) and pings, and on a cluster asks that every slot is served;
 * answers a warning when the server keeps nothing on disk (queued work would not survive).
 */
export async function checkRedis(config: AppConfig): Promise<string | null> {
  const r = newRedis(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    connectTimeout: 3000,
  });
  // The failure is reported below, once. Why a connection was closed (a refused password, …) is said only in the
  // client's error events: a server's, or, on a cluster (which says only that no node was available), its nodes'.
  let why: Error | null = null;
  r.on('error', (err: Error & { lastNodeError?: Error }) => (why = err.lastNodeError ?? err));
  r.on('node error', (err: Error) => (why = err));
  try {
    await r.connect();
    await r.ping();
    if (config.redis.cluster) await clusterWhole(r);
  } catch (err) {
    // A refused connection has ended already: ioredis's disconnect() would then arm a 2 s timer that nothing clears
    // (AbstractConnector waits for a 'close' that was before), holding the process (and jest) open.
    if (r.status !== 'end') r.disconnect();
    const { redis } = config;
    const secrets = [redis.auth.password, redis.sentinel?.auth.password ?? null];
    throw new Error(
      redisUnreachableMessage(
        { where: redisWhere(redis), variables: redisVariables(redis), secrets },
        because(err as Error, why),
      ),
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

function because(err: Error, why: Error | null): string {
  return why && why.message !== err.message ? `${err.message} (${why.message})` : err.message;
}

/** A cluster some of whose slots no node serves refuses commands on those slots: say so at start. */
async function clusterWhole(r: RedisClient): Promise<void> {
  const info = String(await r.call('CLUSTER', 'INFO'));
  const state = /cluster_state:(\w+)/.exec(info)?.[1];
  if (state !== 'ok') throw new Error(`cluster_state:${state ?? 'unknown'}`);
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
