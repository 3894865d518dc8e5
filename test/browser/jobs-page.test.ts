// 失败的后台任务 (/jobs) in a real Chromium: the admin sees a report render that failed for good (its folder blocked),
// in Chinese, with the exam, school, error in words, time and attempts; retries it after the cause is fixed, and the
// row goes. Screens at 1366×768 go to $SCREENS_DIR (default /tmp/tk-jobs) to be looked at.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Pipeline } from '../../src/queue/pipeline.js';
import { Report } from '../../src/reports/entities/report.entity.js';
import { reportBlobKey } from '../../src/reports/report-render.service.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SCREENS = process.env.SCREENS_DIR ?? '/tmp/tk-jobs';

describeInBrowser('failed jobs page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let worker: WorkerHost;
  let browser: Browser;
  let base: string;
  let fx: ResultsFixture;
  const blocked = () => join(env.config.dataDir, reportBlobKey(fx.examId, fx.schools.lead));
  const status = async (schoolId: number) =>
    (await env.ds.getRepository(Report).findOneBy({ examId: fx.examId, schoolId }))?.status;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    env = await createTestEnv('jobs_browser');
    env.config = { ...env.config, jobs: { ...env.config.jobs, attempts: 2, backoffMs: 50 } };
    fx = await buildResultsFixture(env.ds, 'jb');
    ({ base, close: closePages } = await servePages(env));
    worker = await startWorkers(env.config, {
      logger: false,
      processors: [resultsProcessor, reportProcessor],
      reconcile: false,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('lists the failed render in Chinese and retries it', async () => {
    mkdirSync(join(blocked(), 'x'), { recursive: true });
    await worker.app.get(Pipeline).scoresChanged(fx.examId);
    for (let i = 0; i < 240 && (await status(fx.schools.lead)) !== 'failed'; i++)
      await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 500)); // the job's own failure is recorded just after the report's

    const { context, page } = await loggedInPage(browser, base, fx.users.admin, fx.password, '/jobs');
    const row = page.locator('#failed-jobs tbody tr', { hasText: NAMES.lead });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('生成学校诊断报告');
    expect(text).toContain('2025学年第一学期期中统考');
    expect(text).toContain('无法写入文件');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await page.locator('.tk-nav a.active').innerText()).toBe('失败任务');
    await page.screenshot({ path: join(SCREENS, 'jobs-failed.png') });

    rmSync(blocked(), { recursive: true, force: true });
    await row.getByRole('button', { name: '重试' }).click();
    await page.locator('.jb-done', { hasText: '已重新排队' }).waitFor();
    for (let i = 0; i < 240 && (await status(fx.schools.lead)) !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await status(fx.schools.lead)).toBe('ready');
    await page.getByRole('button', { name: '刷新' }).click();
    await page.locator('#failed-jobs', { hasText: '没有失败的任务' }).waitFor();
    await page.screenshot({ path: join(SCREENS, 'jobs-empty.png') });
    await context.close();
  });
});
