// Wrong codes per address and opens per code, counted in Redis (shared by every API instance) as the login throttle
// counts failed logins (auth/login-throttle.ts); the rule is domain/notice-code.ts. When Redis is away the page goes
// on unthrottled with a warning, as logins do.
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
import { type Counter, NOTICE_WINDOW_SECONDS, noticeWait, noticeWaitMessage } from './domain/notice-code.js';

@Injectable()
export class NoticeThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('NoticeThrottle');
  private redis?: RedisClient;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Connected at start, as the login throttle is, so the first wrong codes are counted too. */
  async onModuleInit(): Promise<void> {
    await whenReady(this.client(), 3000);
  }

  private client(): RedisClient {
    if (!this.redis) {
      this.redis = newRedis(this.config, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 1000,
        lazyConnect: false,
      });
      this.redis.on('error', () => undefined);
    }
    return this.redis;
  }

  private key(kind: 'ip' | 'code', id: string) {
    return `${this.config.redis.prefix}:notice:${kind}:${id}`;
  }

  /** Throws 429 with the wait in Chinese while the address (or the code, when known) must wait. */
  async check(address: string, codeHash: string | null): Promise<void> {
    const counters = await this.degrade('check', async () => {
      const m = this.client().multi().hgetall(this.key('ip', address));
      if (codeHash) m.hgetall(this.key('code', codeHash));
      const res = (await m.exec()) ?? [];
      const [ip, code] = res.map(([, v]) => (v ?? {}) as Record<string, string>);
      return { address: counter(ip), code: counter(code) };
    });
    if (!counters) return;
    const wait = noticeWait(counters, Date.now());
    if (wait > 0) {
      const e = new HttpException(noticeWaitMessage(wait), HttpStatus.TOO_MANY_REQUESTS);
      (e as HttpException & { retryAfter?: number }).retryAfter = wait;
      throw e;
    }
  }

  /** A wrong (or revoked) code from this address. */
  recordFailure(address: string): Promise<unknown> {
    return this.bump(this.key('ip', address));
  }

  /** The code was opened. */
  recordOpen(codeHash: string): Promise<unknown> {
    return this.bump(this.key('code', codeHash));
  }

  private bump(key: string) {
    return this.degrade('record', () =>
      this.client()
        .multi()
        .hincrby(key, 'n', 1)
        .hset(key, 'at', String(Date.now()))
        .expire(key, NOTICE_WINDOW_SECONDS)
        .exec(),
    );
  }

  private async degrade<T>(what: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (err) {
      this.logger.warn(`notice throttle unavailable (${what}): ${(err as Error).message}; going on unthrottled`);
      return null;
    }
  }

  // After the HTTP server has closed, so a code being checked at SIGTERM is still throttled.
  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

function counter(h: Record<string, string> | undefined): Counter | null {
  return h?.n === undefined ? null : { count: Number(h.n), lastAt: Number(h.at ?? 0) };
}
