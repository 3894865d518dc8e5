import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { User } from './entities/user.entity.js';
import { UserRole } from './entities/user-role.entity.js';

export const SESSION_COOKIE = 'tk_session';

interface TokenClaims {
  sub: number;
  u: string;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static hashPassword(plain: string): Promise<string> {
    return bcrypt.hash(plain, 10);
  }

  async login(username: string, password: string): Promise<{ token: string; actor: Actor }> {
    const user = await this.ds.getRepository(User).findOneBy({ username: username ?? '' });
    // Same message whether the user exists or not, so names cannot be probed.
    if (!user || !user.active || !(await bcrypt.compare(password ?? '', user.passwordHash))) {
      throw new UnauthorizedException('用户名或密码错误');
    }
    const token = jwt.sign({ sub: user.id, u: user.username } satisfies TokenClaims, this.config.jwtSecret, { expiresIn: this.config.jwtTtlSeconds });
    return { token, actor: await this.actorFor(user) };
  }

  /** Verifies a token and loads the user's current roles (so a revoked role takes effect at once). */
  async actorFromToken(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = jwt.verify(token, this.config.jwtSecret) as unknown as TokenClaims;
    } catch {
      throw new UnauthorizedException('登录已过期，请重新登录');
    }
    const user = await this.ds.getRepository(User).findOneBy({ id: claims.sub });
    if (!user || !user.active) throw new UnauthorizedException('账号不存在或已停用');
    return this.actorFor(user);
  }

  private async actorFor(user: User): Promise<Actor> {
    const roles = await this.ds.getRepository(UserRole).findBy({ userId: user.id });
    return new Actor(user.id, user.username, user.displayName, roles.map((r) => ({ role: r.role, allianceId: r.allianceId, schoolId: r.schoolId, subject: r.subject })));
  }
}
