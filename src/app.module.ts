import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { DataModule } from './data.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './entities.js';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { ExamsModule } from './exams/exams.module.js';
import { MarkingModule } from './marking/marking.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LoggingModule } from './ops/logging.js';
import { OpsModule } from './ops/ops.module.js';
import { OrgModule } from './org/org.module.js';
import { QueueModule } from './queue/queue.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { ResultsModule } from './results/results.module.js';
import { ScanIngestModule } from './scans/scan-ingest.module.js';
import { ScansModule } from './scans/scans.module.js';
import { SheetsModule } from './sheets/sheets.module.js';
import { StorageModule } from './storage/storage.module.js';
import { SuggestionsModule } from './suggestions/suggestions.module.js';
import { CandidatesModule } from './candidates/candidates.module.js';
import { WebModule } from './web/web.module.js';

/** Feature modules: the same set serves the API process and the worker process. */
export const FEATURE_MODULES = [
  AuthModule,
  OrgModule,
  ExamsModule,
  SheetsModule,
  ScansModule,
  MarkingModule,
  ResultsModule,
  ReportsModule,
  SuggestionsModule,
  CandidatesModule,
  JobsModule,
];

/** Infrastructure shared by both process roles. */
export function coreModules(config?: AppConfig) {
  return [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), DataModule, StorageModule, QueueModule];
}

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [...coreModules(config), LoggingModule, ...FEATURE_MODULES, OpsModule, WebModule],
    };
  }
}

/** The worker process: same services, no HTTP; and it alone reads pages (ScanIngestModule). */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [...coreModules(config), ...FEATURE_MODULES, ScanIngestModule] };
  }
}
