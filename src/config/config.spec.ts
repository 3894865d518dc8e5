import { outlivesMs } from '../queue/domain/job-retries.js';
import { ConfigError, loadConfig, mysqlEndpoint, mysqlWhere } from './config.js';

describe('loadConfig', () => {
  it('gives local defaults', () => {
    const c = loadConfig({});
    expect(c.db).toMatchObject({ host: '127.0.0.1', port: 3306, name: 'tongkao' });
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('reaches MySQL through its Unix socket when DB_SOCKET is set, else through host and port', () => {
    expect(loadConfig({}).db.socket).toBeNull();
    expect(mysqlEndpoint(loadConfig({ DB_HOST: 'db', DB_PORT: '3307' }).db)).toEqual({ host: 'db', port: 3307 });
    const c = loadConfig({ DB_SOCKET: '/run/mysqld/mysqld.sock', DB_HOST: 'db' });
    expect(mysqlEndpoint(c.db)).toEqual({ socketPath: '/run/mysqld/mysqld.sock' });
    expect(mysqlWhere(c.db)).toBe('/run/mysqld/mysqld.sock');
    expect(() => loadConfig({ DB_SOCKET: 'mysqld.sock' })).toThrow(/DB_SOCKET/);
  });

  it('sizes job retries for real outages: backoff outlasting a minute-long restart, a stalled limit two crashes leave', () => {
    const { jobs } = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    expect(outlivesMs(jobs)).toBeGreaterThan(2 * 60_000);
    expect(jobs.stalledLimit).toBeGreaterThan(2);
    expect(loadConfig({ JOB_ATTEMPTS: '4', JOB_BACKOFF_MS: '500', JOB_STALLED_LIMIT: '3' }).jobs).toEqual({
      attempts: 4,
      backoffMs: 500,
      stalledLimit: 3,
    });
    expect(() => loadConfig({ JOB_ATTEMPTS: '0' })).toThrow(/JOB_ATTEMPTS/);
  });

  it('takes a hash-tagged queue prefix (one Redis Cluster slot for BullMQ) and refuses a half-tagged one', () => {
    expect(loadConfig({ QUEUE_PREFIX: '{tongkao}' }).redis.prefix).toBe('{tongkao}');
    expect(loadConfig({ QUEUE_PREFIX: 'tongkao_city' }).redis.prefix).toBe('tongkao_city');
    expect(() => loadConfig({ QUEUE_PREFIX: '{tongkao' })).toThrow(/QUEUE_PREFIX/);
    expect(() => loadConfig({ QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX/);
  });

  it('reaches Redis through Sentinel when REDIS_SENTINELS and REDIS_SENTINEL_NAME are set', () => {
    expect(loadConfig({}).redis.sentinel).toBeNull();
    expect(
      loadConfig({ REDIS_SENTINELS: 's1:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'mymaster' }).redis
        .sentinel,
    ).toEqual({
      nodes: [
        { host: 's1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      auth: { username: null, password: null },
    });
  });

  it("takes a password for every Redis connection, an ACL user with it, and the sentinels' own password", () => {
    expect(loadConfig({}).redis.auth).toEqual({ username: null, password: null });
    expect(loadConfig({ REDIS_PASSWORD: 'p@ss word:1' }).redis.auth).toEqual({
      username: null,
      password: 'p@ss word:1',
    });
    expect(loadConfig({ REDIS_USERNAME: 'tongkao', REDIS_PASSWORD: 'x' }).redis.auth).toEqual({
      username: 'tongkao',
      password: 'x',
    });
    const s = loadConfig({
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_PASSWORD: 'primary-pass',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pass',
    }).redis;
    expect(s.auth.password).toBe('primary-pass');
    expect(s.sentinel?.auth).toEqual({ username: null, password: 'sentinel-pass' });
  });

  it('reaches Redis Cluster through REDIS_CLUSTER_NODES, with a hash-tagged prefix only', () => {
    expect(loadConfig({}).redis.cluster).toBeNull();
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000,r2:7001, 10.0.0.3:7002', QUEUE_PREFIX: '{tongkao}' }).redis.cluster,
    ).toEqual({
      nodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 7001 },
        { host: '10.0.0.3', port: 7002 },
      ],
    });
  });

  it.each([
    // [why,                                  env,                                                             message]
    [
      'a sentinel without its port',
      { REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_SENTINELS must be host:port.*"s1"/,
    ],
    [
      'a port out of range',
      { REDIS_SENTINELS: 's1:26379,s2:70000', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_SENTINELS must be host:port.*"s2:70000"/,
    ],
    [
      'a URL instead of host:port',
      { REDIS_SENTINELS: 'redis://s1:26379', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_SENTINELS must be host:port/,
    ],
    [
      "sentinels without the primary's name",
      { REDIS_SENTINELS: 's1:26379' },
      /REDIS_SENTINEL_NAME, the monitored primary's name, is required/,
    ],
    [
      'a name without sentinels',
      { REDIS_SENTINEL_NAME: 'mymaster' },
      /REDIS_SENTINEL_NAME is set without REDIS_SENTINELS/,
    ],
    [
      'a cluster without a hash-tagged prefix (BullMQ needs a queue in one slot)',
      { REDIS_CLUSTER_NODES: 'r1:7000', QUEUE_PREFIX: 'tongkao' },
      /QUEUE_PREFIX 必须是哈希标签，如 \{tongkao\}.*QUEUE_PREFIX must be a hash tag.*"tongkao"/,
    ],
    ['a cluster with the default prefix', { REDIS_CLUSTER_NODES: 'r1:7000' }, /QUEUE_PREFIX must be a hash tag/],
    [
      'a cluster node without its port',
      { REDIS_CLUSTER_NODES: 'r1', QUEUE_PREFIX: '{t}' },
      /REDIS_CLUSTER_NODES must be host:port/,
    ],
    [
      'a cluster and sentinels at once',
      { REDIS_CLUSTER_NODES: 'r1:7000', QUEUE_PREFIX: '{t}', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both/,
    ],
    ['an ACL user without a password', { REDIS_USERNAME: 'tongkao' }, /REDIS_USERNAME needs REDIS_PASSWORD/],
    [
      'a malformed name',
      { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'my master' },
      /REDIS_SENTINEL_NAME is malformed/,
    ],
  ])('refuses %s', (_why, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names a malformed variable', () => {
    expect(() => loadConfig({ DB_PORT: 'abc' })).toThrow(/DB_PORT/);
    expect(() => loadConfig({ REDIS_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ DB_NAME: 'bad-name;' })).toThrow(/DB_NAME/);
  });

  it('never falls back to a fixed secret outside tests', () => {
    const a = loadConfig({ NODE_ENV: 'development' }).jwtSecret;
    const b = loadConfig({ NODE_ENV: 'development' }).jwtSecret;
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).cookieSecure).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), COOKIE_SECURE: 'false' }).cookieSecure,
    ).toBe(false);
  });

  it('requires a real JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).env).toBe('production');
  });
});
