// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { SchoolRepository } from './school.repository.js';

export const ORG_REPOSITORIES = [SchoolRepository];
