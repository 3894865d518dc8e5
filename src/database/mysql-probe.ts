// Start-up check of the database: an unreachable MySQL (or a database not created yet) stops the process with one line
// that names the server and the variables to look at. Redis is checked beside it (src/common/startup-checks.ts).
import { mysqlEndpoint, mysqlWhere, type AppConfig } from '../config/config.js';

/** Runs `probe` (a connection attempt); its failure becomes one message naming MySQL, where, and what to set. */
export async function checkMysql(config: AppConfig, probe: () => Promise<unknown>): Promise<void> {
  try {
    await probe();
  } catch (err) {
    const e = err as { code?: string; message: string };
    const hint = e.code === 'ER_BAD_DB_ERROR' ? '；请先运行 npm run migration:run 创建数据库' : '';
    throw new Error(
      `无法连接 MySQL ${mysqlWhere(config.db)} 数据库 ${config.db.name} (${config.db.socket ? 'DB_SOCKET' : 'DB_HOST/DB_PORT'}/DB_NAME): ${e.message}${hint}`,
      { cause: err },
    );
  }
}

/** MySQL answers on the configured endpoint, with the configured account and database: one connection, closed again. */
export async function probeMysql(config: AppConfig): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  await checkMysql(config, async () => {
    const c = await createConnection({
      ...mysqlEndpoint(config.db),
      user: config.db.user,
      password: config.db.password,
      database: config.db.name,
      connectTimeout: 5000,
    });
    await c.end();
  });
}
