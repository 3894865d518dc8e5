// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { UserRole } from './user-role.entity.js';
import { User } from './user.entity.js';

export const AUTH_ENTITIES = [User, UserRole];
