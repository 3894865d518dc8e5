import { redisUnreachableMessage } from './redis-unreachable.js';

describe('redisUnreachableMessage', () => {
  const target = { where: '127.0.0.1:6379', variables: 'REDIS_HOST/REDIS_PORT', secrets: ['s3cret-Pass', null] };

  // prettier-ignore
  const cases: [string, string, RegExp][] = [
    ['no password given',        'NOAUTH Authentication required.',                                        /^Redis 127\.0\.0\.1:6379 拒绝登录.*REDIS_PASSWORD\/REDIS_USERNAME.*NOAUTH/],
    ['a wrong password',         'WRONGPASS invalid username-password pair or user is disabled.',          /拒绝登录.*WRONGPASS/],
    ['an old server refusing it','ERR invalid password',                                                   /拒绝登录.*ERR invalid password/],
    ['a cluster whose nodes refuse it', 'None of startup nodes is available (NOAUTH Authentication required.)', /拒绝登录.*NOAUTH/],
    ['a cluster not whole',      'CLUSTERDOWN Hash slot not served',                                       /^Redis Cluster 127\.0\.0\.1:6379 状态不正常.*CLUSTERDOWN/],
    ['nobody listening',         'connect ECONNREFUSED 127.0.0.1:6379',                                    /^无法连接 Redis 127\.0\.0\.1:6379 \(REDIS_HOST\/REDIS_PORT\): connect ECONNREFUSED/],
  ];
  it.each(cases)('%s', (_why, cause, message) => {
    expect(redisUnreachableMessage(target, cause)).toMatch(message);
  });

  it('never repeats a configured password, even one the cause carries', () => {
    const m = redisUnreachableMessage(target, 'ERR AUTH s3cret-Pass called without any password configured');
    expect(m).not.toContain('s3cret-Pass');
    expect(m).toContain('ERR AUTH *** called');
  });
});
