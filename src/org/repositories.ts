// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { AllianceRepository } from './alliance.repository.js';
import { CountyRepository } from './county.repository.js';
import { OrgAccess } from './org-access.js';
import { SchoolClassRepository } from './school-class.repository.js';
import { SchoolRepository } from './school.repository.js';
import { StudentRepository } from './student.repository.js';

export const ORG_REPOSITORIES = [
  AllianceRepository,
  CountyRepository,
  SchoolRepository,
  SchoolClassRepository,
  StudentRepository,
  OrgAccess,
];
