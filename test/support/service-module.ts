// Services under test, built by Nest from the test environment's database: the repositories (src/data.module.ts) and
// the UnitOfWork are wired as in the application, so a test names only the services it calls.
import type { DynamicModule, Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module.js';
import { DataModule } from '../../src/data.module.js';
import { SqlPool } from '../../src/database/sql-pool.js';
import { UnitOfWork } from '../../src/database/unit-of-work.js';
import type { TestEnv } from './test-env.js';

class TestDatabaseModule {}

/** A compiled module holding `providers` (and every repository) on `env`'s database; env.cleanup() ends the database. */
export function createServiceModule(env: TestEnv, providers: Provider[]): Promise<TestingModule> {
  const database: DynamicModule = {
    module: TestDatabaseModule,
    global: true,
    providers: [{ provide: DataSource, useValue: env.ds }, { provide: SqlPool, useValue: env.sql }, UnitOfWork],
    exports: [DataSource, SqlPool, UnitOfWork],
  };
  return Test.createTestingModule({
    imports: [ConfigModule.forRoot(env.config), database, DataModule],
    providers,
  }).compile();
}
