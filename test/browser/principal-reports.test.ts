// A principal in a real Chromium: logs in through the login page, opens the reports page, sees only the
// own school's report and downloads it with the session cookie; another school's PDF is refused.
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { buildResultsFixture, NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import { describeInBrowser, launchBrowser, servePages } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describeInBrowser('principal reports page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let fx: ResultsFixture;

  beforeAll(async () => {
    env = await createTestEnv('principal_browser');
    fx = await buildResultsFixture(env.ds, 'pb');
    ({ app, base, close: closePages } = await servePages(env));
    // The jobs' services, called directly: this test is about the pages, the queue path has its own tests.
    await app.get(ResultsJobService).computeExam(fx.examId);
    for (const id of [fx.schools.lead, fx.schools.member])
      await app.get(ReportRenderService).renderSchoolReport(fx.examId, id);
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('logs in through the page, shows only the own school and downloads its PDF', async () => {
    // No session: the page sends the visitor to the login page; a wrong password is refused in Chinese.
    await page.goto(`${base}/reports`);
    await page.waitForURL(/\/login\?next=%2Freports/);
    await page.fill('input[name=username]', fx.users.principalA);
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.locator('#err', { hasText: '用户名或密码错误' }).waitFor();

    await page.fill('input[name=password]', fx.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/reports`);
    const link = page.locator('a', { hasText: '下载 PDF' });
    await link.waitFor();
    const listText = await page.locator('#list').innerText();
    expect(listText).toContain(NAMES.lead);
    expect(listText).not.toContain(NAMES.member);
    expect(await link.count()).toBe(1);

    const href = await link.getAttribute('href');
    const fetched = await page.evaluate(async (url) => {
      const res = await fetch(url!);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        head: String.fromCharCode(...bytes.slice(0, 5)),
      };
    }, href);
    expect(fetched).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });

    const other = await page.evaluate(
      async (url) => (await fetch(url)).status,
      `/api/reports/${fx.examId}/${fx.schools.member}.pdf`,
    );
    expect(other).toBe(403);
  });
});
