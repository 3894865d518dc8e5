import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ActorCache } from './actor-cache.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';

@Global()
@Module({
  controllers: [AuthController],
  providers: [AuthService, ActorCache, LoginThrottle, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, LoginThrottle, ActorCache],
})
export class AuthModule {}
