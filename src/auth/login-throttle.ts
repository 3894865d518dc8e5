// Failed logins are counted in Redis (shared by every API instance): too many for one account or from one
// address within the window, and login is refused for the rest of it, before any password is checked.
import { HttpException, HttpStatus, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 10;
/** Higher, because a school's computer room shares one address. */
export const MAX_FAILURES_PER_ADDRESS = 60;

@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private redis?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private client(): Redis {
    this.redis ??= new Redis({ host: this.config.redis.host, port: this.config.redis.port, maxRetriesPerRequest: 3 });
    return this.redis;
  }

  private keys(username: string, address: string): [string, string] {
    const p = `${this.config.redis.prefix}:login-fail`;
    return [`${p}:u:${username.trim().toLowerCase()}`, `${p}:ip:${address}`];
  }

  /** Throws 429 with a Chinese message when the account or the address is locked out. */
  async check(username: string, address: string): Promise<void> {
    const [u, ip] = this.keys(username, address);
    const r = this.client();
    const [[, nu], [, nip], [, tu], [, tip]] = (await r.multi().get(u).get(ip).ttl(u).ttl(ip).exec()) as [
      unknown,
      string | null,
    ][];
    const locked =
      Number(nu ?? 0) >= MAX_FAILURES_PER_ACCOUNT
        ? Number(tu)
        : Number(nip ?? 0) >= MAX_FAILURES_PER_ADDRESS
          ? Number(tip)
          : 0;
    if (locked !== 0) {
      const minutes = Math.max(1, Math.ceil((locked > 0 ? locked : LOGIN_WINDOW_SECONDS) / 60));
      throw new HttpException(`登录失败次数过多，请 ${minutes} 分钟后再试`, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const multi = this.client().multi();
    for (const k of this.keys(username, address)) multi.set(k, '0', 'EX', LOGIN_WINDOW_SECONDS, 'NX').incr(k);
    await multi.exec();
  }

  async recordSuccess(username: string): Promise<void> {
    await this.client().del(this.keys(username, '')[0]);
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }
}
