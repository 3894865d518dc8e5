import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { mysqlEndpoint, type AppConfig } from '../config/config.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** What a data source maps: the entities (src/entities.ts assembles every feature's; none for migrations alone). */
export interface DataSourceOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  database?: string;
}

/** The one TypeORM data source definition. Schema changes come from migrations only. */
export function createDataSource(config: AppConfig, opts: DataSourceOptions = {}): DataSource {
  const { entities = [], database: databaseName = config.db.name } = opts;
  return new DataSource({
    type: 'mysql',
    ...mysqlEndpoint(config.db),
    username: config.db.user,
    password: config.db.password,
    database: databaseName,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    entities,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // trace: false: mysql2 would capture a stack trace on every query (TypeORM calls it through its promise API),
    // a tenth of the marking API's JS time; TypeORM's QueryFailedError still says which query failed and why.
    extra: { connectionLimit: 20, decimalNumbers: false, trace: false },
    logging: ['error'],
  });
}

/** Creates the database if needed (utf8mb4), then runs pending migrations. Returns the names it applied. */
export async function migrate(config: AppConfig, databaseName = config.db.name): Promise<string[]> {
  await ensureDatabase(config, databaseName);
  const ds = createDataSource(config, { database: databaseName });
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export async function ensureDatabase(config: AppConfig, databaseName: string): Promise<void> {
  const admin = new DataSource({
    type: 'mysql',
    ...mysqlEndpoint(config.db),
    username: config.db.user,
    password: config.db.password,
  });
  await admin.initialize();
  try {
    await admin.query(
      `CREATE DATABASE IF NOT EXISTS \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.destroy();
  }
}
