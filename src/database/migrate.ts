// `npm run migration:run`: creates the database if needed and applies pending migrations.
import { loadConfig } from '../config/config.js';
import { migrate } from './data-source.js';
import { describeStartupError } from '../common/startup-checks.js';

try {
  const config = loadConfig();
  const done = await migrate(config);
  console.log(
    done.length ? `已执行迁移 (migrations applied): ${done.join(', ')}` : '数据库已是最新 (database is up to date)',
  );
} catch (err) {
  console.error(describeStartupError(err));
  process.exit(1);
}
