// The set-up the results pages' browser tests share: a test database with the results fixture
// (test/integration/results-fixture.ts, not released), the pages served by a real API, the exam's results computed,
// and a Chromium; all closed again after the file's tests.
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { launchBrowser, servePages } from './browser.js';
import { createTestEnv, type TestEnv } from './test-env.js';

export interface ResultsInBrowser {
  env: TestEnv;
  fx: ResultsFixture;
  app: INestApplication;
  base: string;
  browser: Browser;
}

/**
 * Registers the file's beforeAll and afterAll and answers an object they fill in (read it inside the tests).
 * `prepare` runs on the fixture before the pages are served (extra classes, users).
 */
export function resultsInBrowser(
  database: string,
  prefix: string,
  prepare?: (env: TestEnv, fx: ResultsFixture) => Promise<void>,
): ResultsInBrowser {
  const s = {} as ResultsInBrowser;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    s.env = await createTestEnv(database);
    s.fx = await buildResultsFixture(s.env.ds, prefix, false);
    await prepare?.(s.env, s.fx);
    ({ app: s.app, base: s.base, close } = await servePages(s.env));
    await s.app.get(ResultsJobService).computeExam(s.fx.examId);
    s.browser = await launchBrowser();
  });
  afterAll(async () => {
    await s.browser?.close();
    await close?.();
    await s.env?.cleanup();
  });
  return s;
}
