// The worker process: BullMQ processors, no HTTP.
import 'reflect-metadata';
import { describeStartupError } from '../src/common/startup-checks.js';
import { loadConfig } from '../src/config/config.js';
import { startWorkers } from './worker-host.js';

try {
  const config = loadConfig();
  const host = await startWorkers(config);
  console.log(`tongkao worker started (${host.workers.length} queues, prefix ${config.redis.prefix})`);
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (err) {
  console.error(describeStartupError(err));
  process.exit(1);
}
