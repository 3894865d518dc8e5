// One typed, validated configuration, read once at start-up. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { JobRetryPolicy } from '../queue/domain/job-retries.js';

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  /**
   * `socket`: the server's Unix socket (DB_SOCKET), used instead of host and port when set: on the database's own
   * machine each statement then costs a quarter of the CPU it costs over TCP loopback (both sides, see README).
   */
  db: { host: string; port: number; socket: string | null; user: string; password: string; name: string };
  /**
   * `sentinel`: Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME) names the primary, followed across a failover;
   * `cluster`: Redis Cluster (REDIS_CLUSTER_NODES, a hash-tagged QUEUE_PREFIX); with either, REDIS_HOST/REDIS_PORT are
   * not used. `auth` (REDIS_USERNAME, REDIS_PASSWORD) goes with every connection to a Redis server. Every connection
   * is built from this by src/queue/connection.ts.
   */
  redis: {
    host: string;
    port: number;
    prefix: string;
    sentinel: RedisSentinelConfig | null;
    cluster: RedisClusterConfig | null;
    auth: RedisAuth;
  };
  dataDir: string;
  /**
   * Where blobs live (BLOB_STORE): `local`, the folder DATA_DIR (one host, or a shared network folder); `s3`, an
   * S3-compatible object store (several hosts). DATA_DIR still holds the uploads' temporary files either way.
   */
  blobStore: BlobStoreConfig;
  /**
   * Days after an exam's results are released when its scans and snippets may be deleted (RETENTION_DAYS; 0: never,
   * by default). An exam's own setting (exam.scan_retention_days) takes precedence. Results and reports stay.
   */
  retentionDays: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Session cookie only over HTTPS. Default on in production; COOKIE_SECURE=false for a plain-HTTP school LAN. */
  cookieSecure: boolean;
  /** Reverse proxies in front of the API whose X-Forwarded-For is trusted (0: none), for the client address. */
  trustProxyHops: number;
  /**
   * Origins (scheme://host[:port]) the pages are reached at besides the one a request names in its Host header, e.g.
   * the address a reverse proxy serves: a write whose Origin is neither is refused (CSRF).
   */
  publicOrigins: string[];
  ingestConcurrency: number;
  /**
   * Retries of every queued job (src/queue/domain/job-retries.ts): enough attempts and backoff to outlive a database or
   * Redis restart of a few minutes, and a stalled limit that a worker killed twice on the same job does not use up.
   * JOB_ATTEMPTS, JOB_BACKOFF_MS, JOB_STALLED_LIMIT; tests default to 3 quick attempts.
   */
  jobs: JobRetryPolicy;
  /**
   * The operators' port (county IT staff, every alliance): /metrics and the queue view /queues. 0 turns it off. It
   * listens on `opsHost`, loopback by default, never on the pages' port: an alliance admin never reaches it.
   */
  ops: { port: number; workerPort: number; host: string; token: string | null };
  /** pino level of the JSON logs (LOG_LEVEL); tests default to silent. */
  logLevel: string;
  /** LOG_FILE: the JSON logs are appended to this file instead of stdout (null: stdout, as a container expects). */
  logFile: string | null;
}

export type BlobStoreConfig =
  | { kind: 'local' }
  | {
      kind: 's3';
      endpoint: string | null;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
      prefix: string;
    };

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisSentinelConfig {
  /** The sentinels asked for the primary's address (at least one; several so one down does not matter). */
  nodes: HostPort[];
  /** The monitored primary's name, as in the sentinels' `sentinel monitor <name> …` line. */
  name: string;
  /** The sentinels' own password (their `requirepass`; REDIS_SENTINEL_USERNAME/REDIS_SENTINEL_PASSWORD), if any. */
  auth: RedisAuth;
}

export interface RedisClusterConfig {
  /** Some of the cluster's nodes (any one that answers tells the client the rest and the slots). */
  nodes: HostPort[];
}

/** AUTH [username] password: `username` for an ACL user, none for the default user (`requirepass`). */
export interface RedisAuth {
  username: string | null;
  password: string | null;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string, pattern?: RegExp): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (pattern && !pattern.test(raw))
    throw new ConfigError(`配置错误：环境变量 ${name}="${raw}" 格式不正确 (config: ${name} is malformed)`);
  return raw;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(
      `配置错误：环境变量 ${name}="${raw}" 应为 ${min}–${max} 之间的整数 (config: ${name} must be an integer in [${min}, ${max}])`,
    );
  }
  return n;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development', /^(development|test|production)$/) as AppConfig['env'];
  // Without JWT_SECRET a fixed, public value would let anyone forge sessions, so outside tests an unset
  // secret becomes a random one for this process: logins then end at restart and do not carry across
  // instances, which is the price of not configuring it (production refuses to start instead).
  const given = env.JWT_SECRET ?? '';
  if (given && given.length < 16)
    throw new ConfigError('配置错误：JWT_SECRET 至少16个字符 (config: JWT_SECRET must be 16+ characters)');
  if (!given && nodeEnv === 'production') {
    throw new ConfigError(
      '配置错误：生产环境必须设置 JWT_SECRET（至少16个字符） (config: JWT_SECRET is required in production, 16+ chars)',
    );
  }
  const jwtSecret = given || (nodeEnv === 'test' ? 'tongkao-test-secret-not-for-use' : randomBytes(32).toString('hex'));
  return {
    env: nodeEnv,
    port: int(env, 'PORT', 3000, 1, 65535),
    db: {
      host: str(env, 'DB_HOST', '127.0.0.1'),
      port: int(env, 'DB_PORT', 3306, 1, 65535),
      socket: str(env, 'DB_SOCKET', '', /^\/[^\0]{1,200}$/) || null,
      user: str(env, 'DB_USER', 'root'),
      password: env.DB_PASSWORD ?? '',
      name: str(env, 'DB_NAME', 'tongkao', /^[A-Za-z0-9_]{1,64}$/),
    },
    redis: {
      host: str(env, 'REDIS_HOST', '127.0.0.1'),
      port: int(env, 'REDIS_PORT', 6379, 1, 65535),
      // `{tongkao}` (a hash tag) puts every queue key in one Redis Cluster slot, as BullMQ needs there.
      prefix: str(env, 'QUEUE_PREFIX', 'tongkao', /^([A-Za-z0-9_-]{1,64}|\{[A-Za-z0-9_-]{1,62}\})$/),
      sentinel: redisSentinel(env),
      cluster: redisCluster(env),
      auth: redisAuth(env, 'REDIS_USERNAME', 'REDIS_PASSWORD'),
    },
    dataDir: resolve(str(env, 'DATA_DIR', './data')),
    blobStore: blobStore(env),
    retentionDays: int(env, 'RETENTION_DAYS', 0, 0, 36500),
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    ingestConcurrency: int(env, 'INGEST_CONCURRENCY', 8, 1, 64),
    jobs: {
      // 8 attempts from 2 s: waits of 2, 4, … 128 s, 4 min 14 s in all (a minute-long outage is outlived 4 times).
      attempts: int(env, 'JOB_ATTEMPTS', nodeEnv === 'test' ? 3 : 8, 1, 50),
      backoffMs: int(env, 'JOB_BACKOFF_MS', nodeEnv === 'test' ? 1000 : 2000, 10, 600_000),
      stalledLimit: int(env, 'JOB_STALLED_LIMIT', 5, 1, 100),
    },
    cookieSecure: str(env, 'COOKIE_SECURE', nodeEnv === 'production' ? 'true' : 'false', /^(true|false)$/) === 'true',
    trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    publicOrigins: origins(env.PUBLIC_ORIGINS),
    ops: {
      port: int(env, 'OPS_PORT', nodeEnv === 'test' ? 0 : 9464, 0, 65535),
      workerPort: int(env, 'WORKER_OPS_PORT', nodeEnv === 'test' ? 0 : 9465, 0, 65535),
      host: str(env, 'OPS_HOST', '127.0.0.1'),
      token: str(env, 'OPS_TOKEN', '', /^[A-Za-z0-9._~-]{16,200}$/) || null,
    },
    logLevel: str(
      env,
      'LOG_LEVEL',
      nodeEnv === 'test' ? 'silent' : 'info',
      /^(fatal|error|warn|info|debug|trace|silent)$/,
    ),
    logFile: str(env, 'LOG_FILE', '', /^\/[^\0]{1,300}$/) || null,
  };
}

function blobStore(env: Env): BlobStoreConfig {
  const kind = str(env, 'BLOB_STORE', 'local', /^(local|s3)$/) as 'local' | 's3';
  if (kind === 'local') return { kind };
  const need = (name: string) => {
    const v = env[name];
    if (!v)
      throw new ConfigError(
        `配置错误：BLOB_STORE=s3 时必须设置 ${name} (config: ${name} is required with BLOB_STORE=s3)`,
      );
    return v;
  };
  return {
    kind,
    endpoint: str(env, 'S3_ENDPOINT', '', /^https?:\/\/[^\s]+$/) || null,
    bucket: need('S3_BUCKET'),
    region: str(env, 'S3_REGION', 'us-east-1'),
    accessKeyId: need('S3_ACCESS_KEY_ID'),
    secretAccessKey: need('S3_SECRET_ACCESS_KEY'),
    forcePathStyle: str(env, 'S3_FORCE_PATH_STYLE', 'true', /^(true|false)$/) === 'true',
    prefix: str(env, 'S3_PREFIX', '', /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/),
  };
}

function redisSentinel(env: Env): RedisSentinelConfig | null {
  const nodes = hostPorts(env, 'REDIS_SENTINELS');
  const name = str(env, 'REDIS_SENTINEL_NAME', '', /^[A-Za-z0-9._-]{1,64}$/);
  if (!nodes.length) {
    if (name)
      throw new ConfigError(
        '配置错误：设置了 REDIS_SENTINEL_NAME 但没有 REDIS_SENTINELS (config: REDIS_SENTINEL_NAME is set without REDIS_SENTINELS)',
      );
    return null;
  }
  if (!name)
    throw new ConfigError(
      "配置错误：使用 REDIS_SENTINELS 时必须设置 REDIS_SENTINEL_NAME（哨兵监控的主库名，如 mymaster） (config: REDIS_SENTINEL_NAME, the monitored primary's name, is required with REDIS_SENTINELS)",
    );
  return { nodes, name, auth: redisAuth(env, 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD') };
}

/**
 * Redis Cluster. BullMQ's scripts touch several keys of a queue at once, which a cluster allows only inside one hash
 * slot: the prefix must then be a hash tag (`{tongkao}`), which also puts the throttles' and counters' keys there.
 */
function redisCluster(env: Env): RedisClusterConfig | null {
  const nodes = hostPorts(env, 'REDIS_CLUSTER_NODES');
  if (!nodes.length) return null;
  if (env.REDIS_SENTINELS?.trim())
    throw new ConfigError(
      '配置错误：REDIS_CLUSTER_NODES 与 REDIS_SENTINELS 只能设置一个 (config: set REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both)',
    );
  const prefix = env.QUEUE_PREFIX || 'tongkao';
  if (!/^\{[^{}]+\}$/.test(prefix))
    throw new ConfigError(
      `配置错误：使用 Redis Cluster（REDIS_CLUSTER_NODES）时 QUEUE_PREFIX 必须是哈希标签，如 {tongkao}（当前为 "${prefix}"），否则同一队列的键会落在不同槽位 (config: with REDIS_CLUSTER_NODES, QUEUE_PREFIX must be a hash tag such as {tongkao}, so that BullMQ's keys of a queue share one slot; it is "${prefix}")`,
    );
  return { nodes };
}

/** A password (taken as given, like DB_PASSWORD) and, for an ACL user, a name: never a name without a password. */
function redisAuth(env: Env, userVar: string, passwordVar: string): RedisAuth {
  const username = str(env, userVar, '', /^[A-Za-z0-9._@-]{1,128}$/) || null;
  const password = env[passwordVar] || null;
  if (username && !password)
    throw new ConfigError(
      `配置错误：设置了 ${userVar} 时必须同时设置 ${passwordVar} (config: ${userVar} needs ${passwordVar})`,
    );
  return { username, password };
}

/** `host:port,host:port` (IPv6 in brackets); empty when the variable is unset. */
function hostPorts(env: Env, name: string): HostPort[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return list.map((entry) => {
    const m = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535)
      throw new ConfigError(
        `配置错误：${name} 中的 ${entry} 不是 主机:端口（多个用逗号分隔） (config: ${name} must be host:port, comma-separated; "${entry}" is not)`,
      );
    return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
  });
}

function origins(text: string | undefined): string[] {
  const list = (text ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const o of list) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o))
      throw new ConfigError(
        `配置错误：PUBLIC_ORIGINS 中的 ${o} 不是来源地址（应为 https://主机[:端口]，多个用逗号分隔） (config: PUBLIC_ORIGINS must be scheme://host[:port], comma-separated)`,
      );
  }
  return list;
}

/** Where MySQL is reached, as mysql2 takes it: the socket when one is configured, else host and port. */
export function mysqlEndpoint(db: AppConfig['db']): { host: string; port: number } | { socketPath: string } {
  return db.socket ? { socketPath: db.socket } : { host: db.host, port: db.port };
}

/** The same, for messages: "127.0.0.1:3306" or "/run/mysqld/mysqld.sock". */
export function mysqlWhere(db: AppConfig['db']): string {
  return db.socket ?? `${db.host}:${db.port}`;
}

/** Injection token for the AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
