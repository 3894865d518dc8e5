// The one place a Redis connection is described: every BullMQ queue and worker, the login and notice throttles, the
// generation counters and the start-up check take their options from here, so one Redis (REDIS_HOST/REDIS_PORT),
// Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME) or Redis Cluster (REDIS_CLUSTER_NODES) is chosen in the
// configuration alone, and the password (REDIS_PASSWORD, REDIS_USERNAME) goes with every connection.
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/config.js';

type RedisConfig = AppConfig['redis'];

/** A client of ours: one server (plain or through Sentinel) or a cluster; both take the same commands. */
export type RedisClient = Redis | Cluster;

/** How a client behaves (the same words for a server and a cluster; a cluster gives them to each node's link). */
export type ClientBehaviour = Pick<
  RedisOptions,
  | 'maxRetriesPerRequest'
  | 'enableOfflineQueue'
  | 'commandTimeout'
  | 'connectTimeout'
  | 'lazyConnect'
  | 'retryStrategy'
  | 'sentinelRetryStrategy'
>;

type Endpoint = Pick<
  RedisOptions,
  | 'host'
  | 'port'
  | 'sentinels'
  | 'name'
  | 'reconnectOnError'
  | 'username'
  | 'password'
  | 'sentinelUsername'
  | 'sentinelPassword'
>;

/** AUTH's arguments as ioredis takes them (nothing when no password is configured). */
function auth(a: { username: string | null; password: string | null }, user: string, pass: string) {
  const out: Record<string, string> = {};
  if (a.password) out[pass] = a.password;
  if (a.username) out[user] = a.username;
  return out;
}

/**
 * Where one Redis server is found: host and port, or the sentinels and the primary's name (ioredis then follows a
 * failover), with the password. Not for a cluster: see newRedis.
 */
export function redisEndpoint(redis: RedisConfig): Endpoint {
  const login = auth(redis.auth, 'username', 'password');
  if (!redis.sentinel) return { host: redis.host, port: redis.port, ...login };
  return {
    sentinels: redis.sentinel.nodes.map((n) => ({ host: n.host, port: n.port })),
    name: redis.sentinel.name,
    ...login,
    ...auth(redis.sentinel.auth, 'sentinelUsername', 'sentinelPassword'),
    // After a failover the old primary, now a replica, refuses writes (READONLY) and unblocks waiting workers: the
    // client then reconnects, asking a sentinel for the new primary. (ioredis's `failoverDetector` would notice it
    // sooner but keeps its sentinel subscriptions open after `quit()`, which BullMQ closes with: a process that ends
    // its connections would then not exit.)
    reconnectOnError: (err: Error) => /^(READONLY|UNBLOCKED)/.test(err.message),
  };
}

/** The same, for messages (never the password): "127.0.0.1:6379", "mymaster via sentinels a:26379,b:26379", … */
export function redisWhere(redis: RedisConfig): string {
  const list = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (redis.cluster) return `cluster ${list(redis.cluster.nodes)}`;
  if (!redis.sentinel) return `${redis.host}:${redis.port}`;
  return `${redis.sentinel.name} via sentinels ${list(redis.sentinel.nodes)}`;
}

/** The variables that say where Redis is, for messages. */
export function redisVariables(redis: RedisConfig): string {
  if (redis.cluster) return 'REDIS_CLUSTER_NODES';
  return redis.sentinel ? 'REDIS_SENTINELS/REDIS_SENTINEL_NAME' : 'REDIS_HOST/REDIS_PORT';
}

/**
 * A cluster client. The behaviour that belongs to the whole cluster (offline queue, lazy connection, giving up)
 * is set on it; the rest, and the password, on each node's connection (ioredis's `redisOptions`).
 */
function newCluster(redis: RedisConfig, behaviour: ClientBehaviour): Cluster {
  const { enableOfflineQueue, lazyConnect, retryStrategy, sentinelRetryStrategy: _unused, ...perNode } = behaviour;
  return new Cluster(
    redis.cluster!.nodes.map((n) => ({ host: n.host, port: n.port })),
    {
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
      redisOptions: { ...perNode, ...auth(redis.auth, 'username', 'password') },
    },
  );
}

/** A client of its own (throttles, counters, checks) with the given behaviour on top of the endpoint. */
export function newRedis(config: AppConfig, behaviour: ClientBehaviour = {}): RedisClient {
  if (config.redis.cluster) return newCluster(config.redis, behaviour);
  return new Redis({ ...redisEndpoint(config.redis), ...behaviour });
}

/**
 * Waits until the client is ready, at most `ms` (a Redis that went away just after the start-up check must not hold
 * a start): a client without an offline queue refuses every command before, and a cluster's takes a moment longer
 * than a server's (it asks a node for the slots first).
 */
export async function whenReady(client: RedisClient, ms: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    client.once('ready', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * BullMQ builds its own ioredis client from options, but only a plain one: on a cluster it is handed a Cluster
 * client, which it then leaves open when it closes (see releaseConnection).
 */
function bullConnection(
  config: AppConfig,
  behaviour: Pick<ClientBehaviour, 'maxRetriesPerRequest' | 'enableOfflineQueue'>,
): ConnectionOptions {
  if (config.redis.cluster) return newCluster(config.redis, behaviour);
  return { ...redisEndpoint(config.redis), ...behaviour };
}

export function redisConnection(config: AppConfig): ConnectionOptions {
  // BullMQ workers need maxRetriesPerRequest null so blocking commands are not cut off.
  return bullConnection(config, { maxRetriesPerRequest: null });
}

/**
 * For adding jobs from a request: with Redis away an add fails at once (and the API answers 503) instead of waiting
 * in ioredis's offline queue for a reconnection while the request hangs (BullMQ's "failing fast" pattern).
 */
export function producerConnection(config: AppConfig): ConnectionOptions {
  return bullConnection(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}

/**
 * Ends a connection given to a BullMQ Queue or Worker, after that was closed: a client (a cluster's) is the caller's
 * to end, BullMQ only ends what it made itself. Options need nothing.
 */
export function releaseConnection(connection: ConnectionOptions): void {
  if (connection instanceof Cluster || connection instanceof Redis) connection.disconnect();
}
