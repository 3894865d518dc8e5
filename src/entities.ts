// Every feature's tables, for the data source. Assembled here, at the composition root beside app.module.ts, so that
// src/database/ knows no feature.
import { AUTH_ENTITIES } from './auth/entities/index.js';
import { COMMON_ENTITIES } from './common/entities/index.js';
import { EXAMS_ENTITIES } from './exams/entities/index.js';
import { MARKING_ENTITIES } from './marking/entities/index.js';
import { ORG_ENTITIES } from './org/entities/index.js';
import { REPORTS_ENTITIES } from './reports/entities/index.js';
import { RESULTS_ENTITIES } from './results/entities/index.js';
import { SCANS_ENTITIES } from './scans/entities/index.js';
import { SUGGESTIONS_ENTITIES } from './suggestions/entities/index.js';
import { CANDIDATES_ENTITIES } from './candidates/entities/index.js';
import { QUEUE_ENTITIES } from './queue/entities/index.js';

export const ENTITIES = [
  ...COMMON_ENTITIES,
  ...AUTH_ENTITIES,
  ...ORG_ENTITIES,
  ...EXAMS_ENTITIES,
  ...SCANS_ENTITIES,
  ...MARKING_ENTITIES,
  ...RESULTS_ENTITIES,
  ...REPORTS_ENTITIES,
  ...SUGGESTIONS_ENTITIES,
  ...CANDIDATES_ENTITIES,
  ...QUEUE_ENTITIES,
];
