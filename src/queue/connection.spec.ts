import { loadConfig } from '../config/config.js';
import { producerConnection, redisConnection, redisEndpoint, redisWhere } from './connection.js';

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
});
