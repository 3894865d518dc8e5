// Failed logins are counted in Redis (shared by every API instance) and slow the next attempt down by a delay that
// grows with them (domain/login-delay.ts): an attacker is slowed, the account's owner is never locked out for long,
// and an admin can clear the counters. When Redis is away, logins go on unthrottled (a warning is logged): the
// throttle must not turn a queue outage into a login outage.
import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { newRedis, type RedisClient, whenReady } from '../queue/connection.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import {
  DELAY_RULES,
  secondsToWait,
  waitMessage,
  type FailureCounter,
  type LoginFailures,
} from './domain/login-delay.js';

/** Counters are forgotten this long after their latest failure. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

type Hash = Record<string, string>;

@Injectable()
export class LoginThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LoginThrottle');
  private redis?: RedisClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** Connected at start (Redis answers then: start-up checks it), so the first login is throttled too. */
  async onModuleInit(): Promise<void> {
    await whenReady(this.client(), 3000);
  }

  private client(): RedisClient {
    if (!this.redis) {
      // No offline queue and a short timeout: with Redis away a command fails at once instead of holding the login.
      this.redis = newRedis(this.config, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 1000,
      });
      this.redis.on('error', () => undefined); // reported where a command fails
    }
    return this.redis;
  }

  private accountKey(username: string): string {
    return `${this.config.redis.prefix}:login-fail:u:${username.trim().toLowerCase()}`;
  }

  private addressKey(address: string): string {
    return `${this.config.redis.prefix}:login-fail:ip:${address}`;
  }

  /** Throws 429 with the wait in Chinese while the failures so far ask for one. */
  async check(username: string, address: string): Promise<void> {
    const failures = await this.degrade('check', () => this.read(username, address));
    if (!failures) return;
    const wait = secondsToWait(failures, Date.now());
    if (wait > 0) {
      const e = new HttpException(waitMessage(wait), HttpStatus.TOO_MANY_REQUESTS);
      (e as HttpException & { retryAfter?: number }).retryAfter = wait;
      throw e;
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const counts = await this.degrade('recordFailure', async () => {
      const now = String(Date.now());
      const [u, ip] = [this.accountKey(username), this.addressKey(address)];
      const res = await this.client()
        .multi()
        .hincrby(u, 'n', 1)
        .hincrby(u, `a:${address}:n`, 1)
        .hincrby(ip, 'n', 1)
        .hset(u, 'at', now, `a:${address}:at`, now)
        .hset(ip, 'at', now)
        .expire(u, LOGIN_WINDOW_SECONDS)
        .expire(ip, LOGIN_WINDOW_SECONDS)
        .exec();
      return (res ?? []).slice(0, 3).map(([, v]) => Number(v));
    });
    if (!counts) return;
    const [account, pair, byAddress] = counts;
    // The moment a counter starts to cost a wait is written down once (not every failure: an attack would flood the log).
    if (
      pair === DELAY_RULES.pair.free ||
      account === DELAY_RULES.account.free ||
      byAddress === DELAY_RULES.address.free
    ) {
      this.logger.warn(
        `login delays start for account "${username}" from ${address} (${account}/${pair}/${byAddress})`,
      );
      await this.audit.record({
        userId: null,
        action: 'login_delayed',
        entity: 'user',
        entityId: username.slice(0, 64),
        detail: { address, account, pair, byAddress },
      });
    }
  }

  /** A successful login clears what its account and this address earned together; other addresses' counts stay. */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.degrade('recordSuccess', () =>
      this.client().hdel(this.accountKey(username), `a:${address}:n`, `a:${address}:at`, 'n', 'at'),
    );
  }

  /** The admin's unlock: every counter of the account goes (the address counters are not the account's to clear). */
  async unlock(username: string): Promise<void> {
    await this.client().del(this.accountKey(username));
  }

  private async read(username: string, address: string): Promise<LoginFailures> {
    const res = await this.client().multi().hgetall(this.accountKey(username)).hgetall(this.addressKey(address)).exec();
    const [u, ip] = (res ?? []).map(([, v]) => (v ?? {}) as Hash);
    return {
      pair: counter(u?.[`a:${address}:n`], u?.[`a:${address}:at`]),
      account: counter(u?.n, u?.at),
      address: counter(ip?.n, ip?.at),
    };
  }

  private async degrade<T>(what: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (err) {
      this.logger.warn(`login throttle unavailable (${what}): ${(err as Error).message}; login goes on unthrottled`);
      return null;
    }
  }

  // After the HTTP server has closed (Nest runs onModuleDestroy before it stops listening): a login in flight at
  // SIGTERM is still throttled.
  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}

function counter(n: string | undefined, at: string | undefined): FailureCounter | null {
  return n === undefined ? null : { count: Number(n), lastAt: Number(at ?? 0) };
}
