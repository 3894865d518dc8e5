import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './role.js';
import type { Actor as ActorType } from './actor.js';

export const ROLES_KEY = 'tongkao:roles';
export const PUBLIC_KEY = 'tongkao:public';

/** The roles allowed on a route; the guard refuses every route that has neither @Roles nor @Public. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Any logged-in user may call the route (scope is still checked by the service). */
export const Authenticated = () => SetMetadata(ROLES_KEY, 'any');
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The request's Actor, set by the auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorType => {
  return ctx.switchToHttp().getRequest().actor;
});
