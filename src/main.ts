// The API process: JSON API and server-rendered pages.
import 'reflect-metadata';
import { createApiApp } from './app.factory.js';
import { describeStartupError } from './common/startup-checks.js';
import { loadConfig } from './config/config.js';

try {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.port);
  console.log(`tongkao api listening on http://127.0.0.1:${config.port}`);
} catch (err) {
  console.error(describeStartupError(err));
  process.exit(1);
}
