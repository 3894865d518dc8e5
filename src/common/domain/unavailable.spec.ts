import { unavailableOf } from './unavailable.js';

describe('unavailableOf', () => {
  // prettier-ignore
  const cases: [string, unknown, 'database' | 'queue' | null][] = [
    ['mysql2: refused',                 Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true }), 'database'],
    ['mysql2: connection lost',         Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'database'],
    ['mysql2: shutting down',           Object.assign(new Error('Server shutdown in progress'), { code: 'ER_SERVER_SHUTDOWN', sqlState: '08S01' }), 'database'],
    ['TypeORM wrapping a lost socket',  { name: 'QueryFailedError', message: 'x', driverError: { code: 'ECONNRESET', fatal: true } }, 'database'],
    ['ioredis: offline queue off',      new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'queue'],
    ['ioredis: retries spent',          Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' }), 'queue'],
    ['ioredis: closed',                 new Error('Connection is closed.'), 'queue'],
    ['ioredis: command timeout',        new Error('Command timed out'), 'queue'],
    ['ioredis: cluster not ready',      new Error("Cluster isn't ready and enableOfflineQueue options is false"), 'queue'],
    ['ioredis: no cluster node',        Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' }), 'queue'],
    ['ioredis: none of the nodes',      new Error('None of startup nodes is available'), 'queue'],
    ['Redis Cluster: a slot unserved',  new Error('CLUSTERDOWN Hash slot not served'), 'queue'],
    ['Redis: a wrong password is no outage', new Error('WRONGPASS invalid username-password pair or user is disabled.'), null],
    ['a duplicate key is no outage',    Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', sqlState: '23000' }), null],
    ['a SQL syntax error is no outage', Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR', sqlState: '42000' }), null],
    ['a refused socket of no driver',   Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null],
    ['a plain bug',                     new TypeError('x is undefined'), null],
    ['nothing',                         undefined, null],
  ];
  it.each(cases)('%s', (_name, err, what) => {
    const u = unavailableOf(err);
    expect(u?.what ?? null).toBe(what);
    if (u) {
      expect(u.message).toMatch(what === 'database' ? /数据库/ : /任务队列/);
      expect(u.retryAfterSeconds).toBeGreaterThan(0);
    }
  });
});
