import { Cluster } from 'ioredis';
import { loadConfig } from '../config/config.js';
import {
  newRedis,
  producerConnection,
  redisConnection,
  redisEndpoint,
  redisVariables,
  redisWhere,
  releaseConnection,
} from './connection.js';

describe('the Redis connection options', () => {
  const one = loadConfig({ REDIS_HOST: 'redis.lan', REDIS_PORT: '6380' });
  const sentinel = loadConfig({
    REDIS_HOST: 'ignored',
    REDIS_SENTINELS: 's1:26379,s2:26379',
    REDIS_SENTINEL_NAME: 'mymaster',
  });

  it('name one Redis by host and port, or the sentinels and the primary by its name (never both)', () => {
    expect(redisEndpoint(one.redis)).toEqual({ host: 'redis.lan', port: 6380 });
    const e = redisEndpoint(sentinel.redis);
    expect(e).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
    });
    expect(e).not.toHaveProperty('host');
    expect(redisWhere(one.redis)).toBe('redis.lan:6380');
    expect(redisWhere(sentinel.redis)).toBe('mymaster via sentinels s1:26379,s2:26379');
  });

  it.each([
    ["READONLY You can't write against a read only replica.", true],
    ['UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)', true],
    ['ERR unknown command', false],
  ])('after a failover reconnects on "%s": %s', (message, reconnects) => {
    expect(redisEndpoint(sentinel.redis).reconnectOnError?.(new Error(message))).toBe(reconnects);
  });

  it("keep the workers' and the producers' own behaviour on either endpoint", () => {
    expect(redisConnection(sentinel)).toMatchObject({ name: 'mymaster', maxRetriesPerRequest: null });
    expect(producerConnection(sentinel)).toMatchObject({ name: 'mymaster', enableOfflineQueue: false });
    expect(producerConnection(one)).toMatchObject({ host: 'redis.lan', enableOfflineQueue: false });
  });

  it('give the password (and an ACL user) to a server, and the sentinels theirs', () => {
    expect(redisEndpoint(loadConfig({ REDIS_PASSWORD: 'pw' }).redis)).toEqual({
      host: '127.0.0.1',
      port: 6379,
      password: 'pw',
    });
    const s = loadConfig({
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_USERNAME: 'tongkao',
      REDIS_PASSWORD: 'pw',
      REDIS_SENTINEL_PASSWORD: 'spw',
    });
    expect(redisEndpoint(s.redis)).toMatchObject({ username: 'tongkao', password: 'pw', sentinelPassword: 'spw' });
    expect(redisEndpoint(s.redis)).not.toHaveProperty('sentinelUsername');
    expect(producerConnection(s)).toMatchObject({ password: 'pw', sentinelPassword: 'spw' });
  });

  describe('on a cluster', () => {
    const cluster = loadConfig({
      REDIS_CLUSTER_NODES: 'r1:7000,r2:7001',
      QUEUE_PREFIX: '{tongkao}',
      REDIS_USERNAME: 'tongkao',
      REDIS_PASSWORD: 'pw',
    });

    it('build Cluster clients with the password on every node, and name the cluster in messages', () => {
      const c = newRedis(cluster, { lazyConnect: true, enableOfflineQueue: false, commandTimeout: 1000 });
      try {
        expect(c).toBeInstanceOf(Cluster);
        expect((c as Cluster).options).toMatchObject({
          lazyConnect: true,
          enableOfflineQueue: false,
          redisOptions: { username: 'tongkao', password: 'pw', commandTimeout: 1000 },
        });
      } finally {
        c.disconnect();
      }
      expect(redisWhere(cluster.redis)).toBe('cluster r1:7000,r2:7001');
      expect(redisVariables(cluster.redis)).toBe('REDIS_CLUSTER_NODES');
    });

    it("hand BullMQ Cluster clients with the workers' and the producers' behaviour, ended by releaseConnection", () => {
      const worker = redisConnection(cluster) as Cluster;
      const producer = producerConnection(cluster) as Cluster;
      try {
        expect(worker).toBeInstanceOf(Cluster);
        expect(worker.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, password: 'pw' });
        expect(producer.options).toMatchObject({
          enableOfflineQueue: false,
          redisOptions: { maxRetriesPerRequest: 1 },
        });
      } finally {
        releaseConnection(worker);
        releaseConnection(producer);
      }
      expect(worker.status).toMatch(/^(disconnecting|end)$/);
      expect(producer.status).toMatch(/^(disconnecting|end)$/);
    });
  });
});
