// The school report's result page in Chromium at 1366×768 (issue 17 item 4): a principal opens it from /reports and
// finds the verdict the JSON (and so the PDF) gives, sortable tables, the charts drawn, the PDF and XLSX links; another
// school's page refuses them. Screenshots go to $SCREENSHOT_DIR (default the system's temp folder) for a person to look at.
import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { buildResultsFixture, NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages, documentWidth } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-school-report');

describeInBrowser('school report result page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let fx: ResultsFixture;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('school_report_browser');
    fx = await buildResultsFixture(env.ds, 'srb');
    ({ app, base, close: closePages } = await servePages(env));
    await app.get(ResultsJobService).computeExam(fx.examId);
    for (const id of [fx.schools.lead, fx.schools.member])
      await app.get(ReportRenderService).renderSchoolReport(fx.examId, id);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('opens from /reports, shows the verdict, charts, sortable tables and the downloads', async () => {
    const { context, page } = await loggedInPage(browser, base, fx.users.principalA, fx.password, '/reports');
    try {
      await page.locator('a.rp-view').first().waitFor();
      await page.screenshot({ path: join(SHOTS, 'reports-list.png') });
      await page.locator('a.rp-view').first().click();
      await page.waitForURL(new RegExp(`/school-report\\?examId=${fx.examId}&schoolId=${fx.schools.lead}$`));
      await page.locator('#headline').waitFor();
      const json = await page.evaluate(
        async (url) => (await (await fetch(url)).json()) as { verdict: { headline: string } },
        `/api/exams/${fx.examId}/schools/${fx.schools.lead}/report`,
      );
      expect(await page.locator('#headline').innerText()).toBe(json.verdict.headline);
      expect(await page.locator('#school').innerText()).toBe(NAMES.lead);
      expect(await page.locator('body').innerText()).not.toContain(NAMES.member);
      // the charts are drawn (ECharts canvases with their titles as labels)
      const charts = page.locator('.tk-chart:visible');
      expect(await charts.count()).toBeGreaterThanOrEqual(2);
      expect(await charts.first().getAttribute('aria-label')).toContain('得分率');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'school-report-top.png') });
      await page.screenshot({ path: join(SHOTS, 'school-report-full.png'), fullPage: true });

      // the 横向比较 table sorts by 平均分, numbers as numbers
      const peers = page.locator('.sr-peers');
      const means = async () => (await peers.locator('tbody tr').allInnerTexts()).map((r) => Number(r.split('\t')[2]));
      await peers.locator('th', { hasText: '平均分' }).click();
      const up = await means();
      expect(up).toEqual([...up].sort((a, b) => a - b));
      await peers.locator('th', { hasText: '平均分' }).click();
      const down = await means();
      expect(down).toEqual([...up].sort((a, b) => b - a));

      // the downloads: the PDF and the exports the principal may have, each answered
      expect(await page.locator('#pdf').getAttribute('href')).toBe(`/api/reports/${fx.examId}/${fx.schools.lead}.pdf`);
      const hrefs = [
        await page.locator('#pdf').getAttribute('href'),
        ...(await page.locator('a.sr-export').evaluateAll((as) => as.map((a) => a.getAttribute('href')))),
      ];
      expect(hrefs).toHaveLength(3);
      for (const href of hrefs) expect(await page.evaluate(async (u) => (await fetch(u!)).status, href)).toBe(200);
      // nothing wider than the window at 1366×768
      expect(await documentWidth(page)).toBeLessThanOrEqual(1366);

      // another school's page: the server's refusal, in Chinese
      await page.goto(`${base}/school-report?examId=${fx.examId}&schoolId=${fx.schools.member}`);
      await page.locator('#err', { hasText: '无权查看其他学校的报告' }).waitFor();
      expect(await page.locator('#headline').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});
