// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { SchoolRepository } from './school.repository.js';
import { StudentRepository } from './student.repository.js';

export const ORG_REPOSITORIES = [SchoolRepository, StudentRepository];
