// The one place a Redis connection is described: every BullMQ queue and worker, the login and notice throttles, the
// generation counters and the start-up check take their options from here, so one Redis (REDIS_HOST/REDIS_PORT) or
// Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME) is chosen in the configuration alone.
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/config.js';

type Endpoint = Pick<RedisOptions, 'host' | 'port' | 'sentinels' | 'name' | 'reconnectOnError'>;

/** Where Redis is found: host and port, or the sentinels and the primary's name (ioredis then follows a failover). */
export function redisEndpoint(redis: AppConfig['redis']): Endpoint {
  if (!redis.sentinel) return { host: redis.host, port: redis.port };
  return {
    sentinels: redis.sentinel.nodes.map((n) => ({ host: n.host, port: n.port })),
    name: redis.sentinel.name,
    // After a failover the old primary, now a replica, refuses writes (READONLY) and unblocks waiting workers: the
    // client then reconnects, asking a sentinel for the new primary. (ioredis's `failoverDetector` would notice it
    // sooner but keeps its sentinel subscriptions open after `quit()`, which BullMQ closes with: a process that ends
    // its connections would then not exit.)
    reconnectOnError: (err: Error) => /^(READONLY|UNBLOCKED)/.test(err.message),
  };
}

/** The same, for messages: "127.0.0.1:6379" or "mymaster via sentinels a:26379,b:26379". */
export function redisWhere(redis: AppConfig['redis']): string {
  if (!redis.sentinel) return `${redis.host}:${redis.port}`;
  return `${redis.sentinel.name} via sentinels ${redis.sentinel.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/** A client of its own (throttles, counters, checks) with the given behaviour on top of the endpoint. */
export function newRedis(config: AppConfig, options: RedisOptions = {}): Redis {
  return new Redis({ ...redisEndpoint(config.redis), ...options });
}

export function redisConnection(config: AppConfig): ConnectionOptions {
  // BullMQ workers need maxRetriesPerRequest null so blocking commands are not cut off.
  return { ...redisEndpoint(config.redis), maxRetriesPerRequest: null };
}

/**
 * For adding jobs from a request: with Redis away an add fails at once (and the API answers 503) instead of waiting
 * in ioredis's offline queue for a reconnection while the request hangs (BullMQ's "failing fast" pattern).
 */
export function producerConnection(config: AppConfig): ConnectionOptions {
  return { ...redisEndpoint(config.redis), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}
