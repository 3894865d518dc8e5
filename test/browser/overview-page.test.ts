// The bureau's overview page in a real Chromium at 1366×768: a bureau reader of the alliance logs in, finds the page
// in the navigation, sees every school by name in a table that sorts, the forest plot, the heat map and the trend of
// balance over the linked exams, and fetches the PDF with the session cookie. A principal opening the page is told in Chinese that it is not for them.
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { School } from '../../src/org/entities/school.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';
import { generateCohort } from '../support/synthetic/synthetic-cohort.js';
import { loadCohort, type LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOT = process.env.OVERVIEW_SHOT ?? '';

describeInBrowser('overview page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let db: LoadedCohort;
  let names: string[];
  const password = 'pw-123456';

  beforeAll(async () => {
    env = await createTestEnv('overview_browser');
    db = await loadCohort(
      env.ds,
      generateCohort({ seed: 11, schools: 7, schoolSize: { min: 30, max: 55 }, items: 12 }),
      { classesPerSchool: 3 },
    );
    await createUser(env.ds, 'ovb_bureau', password, [{ role: Role.Bureau, allianceId: db.allianceId }]);
    await createUser(env.ds, 'ovb_principal', password, [
      { role: Role.Principal, allianceId: db.allianceId, schoolId: db.schoolIds[0] },
    ]);
    names = (await env.ds.getRepository(School).findBy({ allianceId: db.allianceId })).map((s) => s.name);
    ({ app, base, close: closePages } = await servePages(env));
    await app.get(ResultsJobService).computeExam(db.priorExamId);
    await app.get(ResultsJobService).computeExam(db.currentExamId);
    await releaseResults(env.ds, db.currentExamId);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('shows the bureau every school, sorts the table, draws both charts and serves the PDF', async () => {
    const { context, page } = await loggedInPage(browser, base, 'ovb_bureau', password);
    await page.locator('.tk-nav a', { hasText: '联盟总览' }).click();
    await page.waitForURL(/\/overview/);
    await page.locator('.ov-table').first().waitFor();
    const table = await page.locator('.ov-table').first().innerText();
    for (const n of names) expect(table).toContain(n);
    expect(table).toMatch(/明显高于联盟平均|与联盟平均无可分辨差别|明显低于联盟平均/);
    expect(await page.locator('.ov-chart .tk-chart').count()).toBe(2);
    for (const box of await page.locator('.ov-chart .tk-chart').all())
      expect(await box.locator('canvas').count()).toBeGreaterThan(0);

    // Sorting by 平均分 ascending puts the lowest school mean first.
    await page.locator('.ov-table th', { hasText: '平均分' }).first().click();
    // (column 1 opens a school's classes, so 平均分 is the 6th cell)
    const means = await page.locator('.ov-table .el-table__body-wrapper tr td:nth-child(6)').allInnerTexts();
    const values = means.map(Number).filter((x) => Number.isFinite(x));
    expect(values.length).toBeGreaterThan(1);
    expect(values).toEqual([...values].sort((a, b) => a - b));

    // The overview carries no classes: opening a school fetches that school's analysis and shows its classes.
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.locator('.ov-table .el-table__expand-icon').first().click();
    const classes = page.locator('.ov-class-table').first();
    await classes.waitFor();
    const opened = asked.filter((u) => /\/api\/exams\/\d+\/schools\/\d+\/analysis$/.test(u));
    expect(opened).toHaveLength(1);
    expect(await classes.locator('.el-table__body-wrapper tr').count()).toBeGreaterThan(0);
    if (SHOT) await page.screenshot({ path: `${SHOT}/overview-school-open.png` });

    await page.locator('h1', { hasText: '联盟质量分析总览' }).scrollIntoViewIfNeeded();
    if (SHOT) await page.screenshot({ path: `${SHOT}/overview-top.png` });
    await page.locator('.ov-charts').scrollIntoViewIfNeeded();
    if (SHOT) await page.screenshot({ path: `${SHOT}/overview-charts.png` });

    // CV, ICC and the urban–rural gap over the linked prior exam and this one, as the PDF draws them.
    const trend = page.locator('.ov-trend');
    await trend.scrollIntoViewIfNeeded();
    expect(await trend.locator('canvas').count()).toBeGreaterThan(0);
    if (SHOT) await page.screenshot({ path: `${SHOT}/overview-trend.png` });

    const href = await page.locator('#ov-pdf').getAttribute('href');
    expect(href).toBe(`/api/exams/${db.currentExamId}/overview.pdf`);
    const fetched = await page.evaluate(async (url) => {
      const res = await fetch(url!);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, head: String.fromCharCode(...bytes.slice(0, 5)) };
    }, href);
    expect(fetched).toEqual({ status: 200, head: '%PDF-' });
    await context.close();
  });

  it('tells a principal in Chinese that the overview is not theirs', async () => {
    const { context, page } = await loggedInPage(browser, base, 'ovb_principal', password);
    expect(await page.locator('.tk-nav a', { hasText: '联盟总览' }).count()).toBe(0);
    await page.goto(`${base}/overview?exam=${db.currentExamId}`);
    await page.locator('#err', { hasText: '仅联盟管理员和教育局教研员、督导可以查看联盟总览' }).waitFor();
    expect(await page.locator('.ov-table').count()).toBe(0);
    await context.close();
  });
});
