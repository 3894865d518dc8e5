import { BadRequestException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Actor } from '../common/actor.js';
import { ActorCache } from './actor-cache.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LoginThrottle } from './login-throttle.js';
import { UserRepository } from './user.repository.js';

export const SESSION_COOKIE = 'tk_session';

/** A bcrypt hash of a random string: compared against when the user does not exist, to keep timing equal. */
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.6aTq3yCjM4HnYv3lDdmt1Y7GQ8Sa';

interface TokenClaims {
  sub: number;
  u: string;
  /** The user's session epoch when the token was issued; a later logout moves it on. */
  e?: number;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(ActorCache) private readonly actors: ActorCache,
  ) {
    this.verifyKey = createSecretKey(Buffer.from(config.jwtSecret));
  }

  /**
   * The HMAC secret as a KeyObject, made once: given a string, jsonwebtoken first tries it as a PEM public key on
   * every verify (a thrown and caught error each time: a fifth of a marking API thread's CPU).
   */
  private readonly verifyKey: KeyObject;

  static hashPassword(plain: string): Promise<string> {
    return bcrypt.hash(plain, 10);
  }

  async login(username: unknown, password: unknown, address = 'unknown'): Promise<{ token: string; actor: Actor }> {
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password)
      throw new BadRequestException('请输入用户名和密码');
    await this.throttle.check(username, address);
    const user = await this.users.findByUsername(username);
    // Same message, and the same bcrypt work, whether the user exists or not, so names cannot be probed.
    const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.active || !ok) {
      await this.throttle.recordFailure(username, address);
      throw new UnauthorizedException('用户名或密码错误');
    }
    await this.throttle.recordSuccess(username, address);
    const token = jwt.sign(
      { sub: user.id, u: user.username, e: user.sessionEpoch } satisfies TokenClaims,
      this.config.jwtSecret,
      { expiresIn: this.config.jwtTtlSeconds, algorithm: 'HS256' },
    );
    return { token, actor: new Actor(user.id, user.username, user.displayName, await this.users.grantsOf(user.id)) };
  }

  /**
   * Ends the sessions of the token's user: the epoch moves on, so every token issued before (on this and
   * other computers) is refused from now on. An invalid or expired token is simply ignored.
   */
  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    try {
      const claims = jwt.verify(token, this.verifyKey, { algorithms: ['HS256'] }) as unknown as TokenClaims;
      if (!Number.isInteger(claims?.sub) || claims.sub <= 0) return;
      // Only a current token may end the sessions; a replayed old one changes nothing.
      await this.users.endSessions(claims.sub, claims.e ?? 0);
      // This instance refuses the old tokens at once; other instances once their cached Actor is older than ACTOR_CACHE_MS.
      this.actors.forget(claims.sub);
    } catch {
      /* nothing to end */
    }
  }

  /**
   * Verifies a token and loads the user's current roles, reusing what this process read for the user within
   * ACTOR_CACHE_MS (so a revoked role or another instance's logout takes effect within that time; see ActorCache).
   */
  async actorFromToken(token: string): Promise<Actor> {
    const cached = this.actors.get(token);
    if (cached) return cached;
    let claims: TokenClaims & { exp?: number };
    try {
      claims = jwt.verify(token, this.verifyKey, { algorithms: ['HS256'] }) as unknown as TokenClaims;
    } catch {
      throw new UnauthorizedException('登录已过期，请重新登录');
    }
    if (!Number.isInteger(claims?.sub) || claims.sub <= 0) throw new UnauthorizedException('登录已过期，请重新登录');
    // One round trip per token per ACTOR_CACHE_MS: the user and every role it holds. On SqlPool, as the marking calls
    // it guards (at city load a marker's token is read again about once per mark).
    const u = await this.users.sessionOf(claims.sub);
    if (!u || !u.active) throw new UnauthorizedException('账号不存在或已停用');
    if ((claims.e ?? 0) !== u.sessionEpoch) throw new UnauthorizedException('已退出登录，请重新登录');
    const actor = new Actor(u.id, u.username, u.displayName, u.grants);
    this.actors.set(token, actor, typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY);
    return actor;
  }
}
