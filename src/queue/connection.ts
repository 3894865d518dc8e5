import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config/config.js';

export function redisConnection(config: AppConfig): ConnectionOptions {
  // BullMQ workers need maxRetriesPerRequest null so blocking commands are not cut off.
  return { host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: null };
}

/**
 * For adding jobs from a request: with Redis away an add fails at once (and the API answers 503) instead of waiting
 * in ioredis's offline queue for a reconnection while the request hangs (BullMQ's "failing fast" pattern).
 */
export function producerConnection(config: AppConfig): ConnectionOptions {
  return { host: config.redis.host, port: config.redis.port, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}
