import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Public } from '../common/roles.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import { LoginBody } from './dto/auth.dto.js';

@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token, actor } = await this.auth.login(body?.username, body?.password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: this.config.cookieSecure,
      maxAge: this.config.jwtTtlSeconds * 1000,
    });
    return {
      token,
      user: { id: actor.userId, username: actor.username, displayName: actor.displayName, roles: actor.grants },
    };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request & { cookies?: Record<string, string> }, @Res({ passthrough: true }) res: Response) {
    const header = req.headers.authorization;
    await this.auth.logout(header?.startsWith('Bearer ') ? header.slice(7) : req.cookies?.[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Authenticated()
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return { id: actor.userId, username: actor.username, displayName: actor.displayName, roles: actor.grants };
  }
}
