// Debian's Chromium driven by playwright-core. CI installs it (.ci/run), so there a missing browser is a
// failure; on a developer machine without it the browser tests are skipped with a message.
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createApiApp } from '../../src/app.factory.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import type { TestEnv } from './test-env.js';

export const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is there, `describe.skip` (with a warning) when not; throws under CI. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  if (!hasChromium) console.warn(`browser test "${name}" skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  (hasChromium ? describe : describe.skip)(name, fn);
}

/** Headless, and without background networking: this machine's closed network refuses those connections. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The API and its pages on a free port of 127.0.0.1, for a browser to visit; `close` also empties the queues it used. */
export async function servePages(
  env: TestEnv,
): Promise<{ app: INestApplication; base: string; close: () => Promise<void> }> {
  const app = await createApiApp(env.config, { logger: false });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    async close() {
      for (const q of Object.values(QUEUES)) await app.get(JobProducer).queue(q).obliterate({ force: true });
      await app.close();
    },
  };
}
