// Start-up checks: an unreachable MySQL or Redis stops the process with a message that names it. The MySQL probe is
// the data layer's (src/database/mysql-probe.ts); Redis is checked here.
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { probeMysql } from '../database/mysql-probe.js';

export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as { code?: string; message?: string; address?: string; port?: number };
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ETIMEDOUT' || e?.code === 'ENOTFOUND') {
    return `无法连接 ${e.address ?? ''}:${e.port ?? ''}（${e.code}）: ${e.message}`;
  }
  if (e?.code === 'ER_ACCESS_DENIED_ERROR') return `MySQL 拒绝登录 (MySQL access denied): ${e.message}`;
  return `启动失败 (start-up failed): ${e?.message ?? String(err)}`;
}

export async function checkRedis(config: AppConfig): Promise<void> {
  const r = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  r.on('error', () => undefined); // the failure is reported below, once
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    throw new Error(
      `无法连接 Redis ${config.redis.host}:${config.redis.port} (REDIS_HOST/REDIS_PORT): ${(err as Error).message}`,
    );
  } finally {
    r.disconnect();
  }
}

/** Both servers answer, checked before the application is assembled so a failure reads as one clear line. */
export async function checkServices(config: AppConfig): Promise<void> {
  await probeMysql(config);
  await checkRedis(config);
}
