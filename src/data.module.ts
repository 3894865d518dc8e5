// Every feature's repositories (and the exam access built on one), provided once for the whole application: a feature
// calls another's repository without importing its module, so no two feature modules depend on each other. Which
// feature owns which table is said by where its entities and repositories live (tools/check-architecture.mjs).
import { Global, Module } from '@nestjs/common';
import { AUTH_REPOSITORIES } from './auth/repositories.js';
import { COMMON_REPOSITORIES } from './common/repositories.js';
import { EXAMS_REPOSITORIES } from './exams/repositories.js';
import { MARKING_REPOSITORIES } from './marking/repositories.js';
import { ORG_REPOSITORIES } from './org/repositories.js';
import { REPORTS_REPOSITORIES } from './reports/repositories.js';
import { RESULTS_REPOSITORIES } from './results/repositories.js';
import { SCANS_REPOSITORIES } from './scans/repositories.js';
import { SUGGESTIONS_REPOSITORIES } from './suggestions/repositories.js';
import { CANDIDATES_REPOSITORIES } from './candidates/repositories.js';

const REPOSITORIES = [
  ...COMMON_REPOSITORIES,
  ...AUTH_REPOSITORIES,
  ...ORG_REPOSITORIES,
  ...EXAMS_REPOSITORIES,
  ...SCANS_REPOSITORIES,
  ...MARKING_REPOSITORIES,
  ...RESULTS_REPOSITORIES,
  ...REPORTS_REPOSITORIES,
  ...SUGGESTIONS_REPOSITORIES,
  ...CANDIDATES_REPOSITORIES,
];

@Global()
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class DataModule {}
