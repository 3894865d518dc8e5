import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { createDataSource } from '../database/data-source.js';
import { SqlPool } from '../database/sql-pool.js';
import { checkMysql } from './startup-checks.js';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const ds = createDataSource(config);
        await checkMysql(config, () => ds.initialize());
        return ds;
      },
    },
    // The marking hot path's own connections (READ COMMITTED sessions, no TypeORM per statement): see SqlPool.
    { provide: SqlPool, inject: [DataSource], useFactory: (ds: DataSource) => new SqlPool(ds) },
  ],
  exports: [DataSource, SqlPool],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}
  async onApplicationShutdown() {
    await this.sql.end();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
