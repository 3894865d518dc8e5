import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config/config.js';

export function redisConnection(config: AppConfig): ConnectionOptions {
  // BullMQ workers need maxRetriesPerRequest null so blocking commands are not cut off.
  return { host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: null };
}
