// Which server an error says is away (MySQL or Redis), so the API answers 503 with Retry-After and a Chinese
// message that names it, instead of "服务器内部错误". Pure: reads an error's shape only.

export type Unavailable = { what: 'database' | 'queue'; message: string; retryAfterSeconds: number };

/** Socket-level failures, as Node, mysql2 and ioredis report them. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** MySQL/MariaDB answers that mean "not now" rather than "wrong". */
const MYSQL_AWAY_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
  'POOL_CLOSED',
]);

const DATABASE: Unavailable = {
  what: 'database',
  message: '数据库暂时无法连接，请稍后重试（已保存的数据不受影响）',
  retryAfterSeconds: 10,
};
const QUEUE: Unavailable = {
  what: 'queue',
  message: '任务队列（Redis）暂时无法连接，请稍后重试（已保存的数据不受影响）',
  retryAfterSeconds: 10,
};

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  fatal?: boolean;
  sqlState?: string;
  driverError?: ErrorShape;
  previousErrors?: ErrorShape[];
}

function isRedisError(e: ErrorShape): boolean {
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    e.name === 'ClusterAllFailedError' ||
    /enableOfflineQueue options is false|Connection is closed|Reached the max retries per request limit|^Command timed out$/.test(
      e.message ?? '',
    ) ||
    // A Redis Cluster with no node answering, or a slot that no node serves (a shard failing over).
    /None of startup nodes is available|Failed to refresh slots cache|^CLUSTERDOWN\b|^TRYAGAIN\b/.test(e.message ?? '')
  );
}

function isMysqlAway(e: ErrorShape): boolean {
  if (e.code && MYSQL_AWAY_CODES.has(e.code)) return true;
  // mysql2 marks errors that ended the connection as fatal; a refused or reset socket carries its errno code.
  return e.fatal === true && (e.code === undefined || NETWORK_CODES.has(e.code) || e.code.startsWith('PROTOCOL_'));
}

export function unavailableOf(err: unknown): Unavailable | null {
  const e = (err ?? {}) as ErrorShape;
  if (isRedisError(e)) return QUEUE;
  if (isMysqlAway(e) || (e.driverError && isMysqlAway(e.driverError))) return DATABASE;
  return null;
}

/** The message of a server away, by what it is (GET /ready says the same as a 503). */
export function unavailableMessage(what: Unavailable['what']): string {
  return what === 'database' ? DATABASE.message : QUEUE.message;
}
