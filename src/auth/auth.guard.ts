import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_KEY, ROLES_KEY } from '../common/roles.decorator.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import type { Role } from '../common/role.js';

/**
 * The one guard on every route. Authenticates by bearer token (API) or the HttpOnly session cookie
 * (pages), then checks the route's roles. A route with neither @Roles nor @Public is refused: deny by default.
 * Scope (which alliance, school, subject, item) is checked by the service against the Actor it receives.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | 'any' | undefined>(ROLES_KEY, targets);
    if (!roles) throw new ForbiddenException('该接口未声明访问角色');
    const req = ctx.switchToHttp().getRequest<Request & { actor?: unknown; cookies?: Record<string, string> }>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : req.cookies?.[SESSION_COOKIE];
    if (!token) throw new UnauthorizedException('请先登录');
    const actor = await this.auth.actorFromToken(token);
    req.actor = actor;
    if (roles !== 'any' && !roles.some((r) => actor.has(r)))
      throw new ForbiddenException('当前账号没有执行此操作的角色');
    return true;
  }
}
