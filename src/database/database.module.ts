import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { createDataSource, type DataSourceOptions } from './data-source.js';
import { DatabaseHealth } from './database-health.js';
import { checkMysql } from './mysql-probe.js';
import { SqlPool } from './sql-pool.js';
import { UnitOfWork } from './unit-of-work.js';

/** The database for every feature: TypeORM's data source, the hot path's SqlPool and transactions (UnitOfWork). */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  /** `entities`: every feature's (src/entities.ts), passed in by the composition root. */
  static forRoot(entities: NonNullable<DataSourceOptions['entities']>): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const ds = createDataSource(config, { entities });
            await checkMysql(config, () => ds.initialize());
            return ds;
          },
        },
        // The marking hot path's own connections (READ COMMITTED sessions, no TypeORM per statement): see SqlPool.
        { provide: SqlPool, inject: [DataSource], useFactory: (ds: DataSource) => new SqlPool(ds) },
        UnitOfWork,
        DatabaseHealth,
      ],
      exports: [DataSource, SqlPool, UnitOfWork, DatabaseHealth],
    };
  }

  async onApplicationShutdown() {
    await this.sql.end();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
