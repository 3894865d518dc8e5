// The county page (区县联盟对比) in a real Chromium at 1366×768: a bureau user logs in, sees its alliances' latest
// released exam side by side (table that sorts, ECharts bar chart, the PDF), each alliance's trend once it has two
// released exams, and none of another county's; a principal has no county to see. Screenshot under SCREENSHOT_DIR (or the temp folder).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildCountyFixture, COUNTY_PASSWORD, type CountyFixture } from '../support/county-fixture.js';
import { COUNTY_COLUMNS } from '../../src/results/domain/county-figures.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages } from '../support/browser.js';
import { releaseResults } from '../support/release.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-county-shots');

describeInBrowser('county page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let f: CountyFixture;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('county_page');
    f = await buildCountyFixture(env.ds, 'br');
    ({ base, close: closePages } = await servePages(env));
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('shows the bureau its county’s alliances side by side, sortable, with the chart', async () => {
    const { context, page } = await loggedInPage(browser, base, 'bureau1', COUNTY_PASSWORD, '/county');
    await page.locator('#comparison .el-table__body tr').first().waitFor();
    expect(await page.locator('#county-name').innerText()).toBe('城关区');
    const nav = await page.locator('.tk-nav').innerText();
    expect(nav).toContain('区县对比');
    expect(nav).toContain('诊断报告');
    const names = () => page.locator('#comparison .el-table__body tr td:first-child').allInnerTexts();
    const shown = (await names()).map((t) => t.trim());
    expect([...shown].sort()).toEqual(['城关第一教联体', '城关第二教联体'].sort());
    const text = await page.locator('#comparison').innerText();
    expect(text).not.toContain('西山');
    expect(text).toContain('2026年秋季七年级学业质量监测');
    expect(text).not.toContain('未发布');
    // Sorting by 参考人数 (ascending, then descending).
    const header = page.locator('#comparison th', { hasText: '参考人数' });
    await header.click();
    expect((await names()).map((t) => t.trim())).toEqual(['城关第二教联体', '城关第一教联体']);
    await header.click();
    expect((await names()).map((t) => t.trim())).toEqual(['城关第一教联体', '城关第二教联体']);
    // the columns are the domain's list, as the PDF prints them
    const heads = (await page.locator('#comparison thead th').allInnerTexts()).map((t) => t.trim());
    expect(heads).toEqual(['联盟', '考试', ...COUNTY_COLUMNS.map((c) => c.label)]);
    // one released exam per alliance: no trend yet
    expect(await page.locator('.ct-trend').count()).toBe(0);
    const href = await page.locator('#county-pdf').getAttribute('href');
    expect(href).toBe(`/api/counties/${f.countyA}/comparison.pdf`);
    const pdf = await page.request.get(`${base}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    await page.locator('#comparison canvas').first().waitFor();
    await page.waitForTimeout(600); // the chart's entry animation
    await page.screenshot({ path: join(SHOTS, 'county-bureau.png'), fullPage: true });
    await context.close();
  });

  it('draws each alliance’s trend once it has a second released exam', async () => {
    await releaseResults(env.ds, f.unreleasedExamId);
    const { context, page } = await loggedInPage(browser, base, 'bureau1', COUNTY_PASSWORD, '/county');
    await page.locator('.ct-trend canvas').first().waitFor();
    expect(await page.locator('.ct-trend').count()).toBe(2);
    const text = await page.locator('#comparison').innerText();
    expect(text).toContain('纵看');
    expect(text).toMatch(/城关第一教联体：2026年秋季七年级学业质量监测（2026-11-20） → /);
    await page.locator('.ct-trends').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'county-trend.png') });
    await context.close();
  });

  it('tells a principal there is no county to see', async () => {
    const { context, page } = await loggedInPage(browser, base, 'cg1_principal', COUNTY_PASSWORD, '/county');
    await page.locator('#none').waitFor();
    expect(await page.locator('.tk-nav').innerText()).not.toContain('区县对比');
    await context.close();
  });
});
