// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { UserRepository } from './user.repository.js';

export const AUTH_REPOSITORIES = [UserRepository];
