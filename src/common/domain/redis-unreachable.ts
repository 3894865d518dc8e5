// What the start-up check says when Redis cannot be used: where it looked, which variables say so, and why — a refused
// password named as such (REDIS_PASSWORD/REDIS_USERNAME), a cluster that is not whole named as such. Pure: the error's
// text in, one line out. A configured password never appears in it, even if a server or client echoed it.

export interface RedisTarget {
  /** Where Redis was looked for ("127.0.0.1:6379", "cluster a:7000,b:7001", …). */
  where: string;
  /** The variables that name it ("REDIS_HOST/REDIS_PORT", …). */
  variables: string;
  /** The configured passwords (Redis's, the sentinels'), to be blotted out of the message. */
  secrets: (string | null)[];
}

/** NOAUTH: a password is needed and none was given; WRONGPASS (or ERR invalid password): the one given is wrong. */
const AUTH_REFUSED = /\b(NOAUTH|WRONGPASS)\b|invalid (username-)?password/i;

export function redisUnreachableMessage(target: RedisTarget, cause: string): string {
  let text = cause;
  for (const s of target.secrets) if (s) text = text.split(s).join('***');
  if (AUTH_REFUSED.test(text))
    return (
      `Redis ${target.where} 拒绝登录：密码或用户名不对，或没有设置（REDIS_PASSWORD/REDIS_USERNAME） ` +
      `(Redis refused authentication: check REDIS_PASSWORD/REDIS_USERNAME): ${text}`
    );
  if (/\bCLUSTERDOWN\b|cluster_state:fail/.test(text))
    return (
      `Redis Cluster ${target.where} 状态不正常（有槽位无节点负责），请检查集群 ` +
      `(Redis Cluster is not ok, some slots are not served): ${text}`
    );
  return `无法连接 Redis ${target.where} (${target.variables}): ${text}`;
}
