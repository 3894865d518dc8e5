// 学生成绩通知单 (/notices) in a real Chromium: the admin picks a school, makes the codes of a class (the counts follow),
// revokes one student's code and downloads the class's notices PDF; a principal finds the page in the header, sees
// the server's reason before 成绩发布, and afterwards only the own school. The codes themselves never appear on the
// page (they are printed). Screens at 1366×768 go to $SCREENSHOT_DIR.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { NAMES, type ResultsFixture } from '../integration/results-fixture.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  loggedInPage,
  optionTexts,
  selectById,
} from '../support/browser.js';
import { releaseResults } from '../support/release.js';
import { resultsInBrowser } from '../support/results-browser.js';
import type { TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-notices');
const CODE = /[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;

describeInBrowser('notices page in a browser', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let browser: Browser;
  let base: string;

  const pages = resultsInBrowser('notices_browser', 'ntb', async () => {
    mkdirSync(SHOTS, { recursive: true });
  });
  beforeAll(() => {
    ({ env, fx, browser, base } = pages);
  });

  /** 七(1)班's counts: [students, active, revoked, none] (the school's 八(1)班 is not of this exam's grade). */
  const counts = async (page: Page) =>
    (await page.locator('#nt-classes .el-table__body tr', { hasText: '七(1)班' }).locator('td').allInnerTexts())
      .slice(1, 5)
      .map((t) => Number(t.trim()));

  /** The counts once they are `want` (the table reloads after each action), or the last seen after 10 s. */
  const countsBecome = async (page: Page, want: number[]) => {
    let seen: number[] = [];
    for (let i = 0; i < 50; i++) {
      seen = await counts(page);
      if (JSON.stringify(seen) === JSON.stringify(want)) break;
      await page.waitForTimeout(200);
    }
    return seen;
  };

  it('the admin makes a class’s codes, revokes one and downloads the PDF', async () => {
    const { context, page } = await loggedInPage(browser, base, fx.users.admin, fx.password);
    await page.locator('.tk-nav a', { hasText: '成绩通知单' }).click();
    await page.waitForURL(/\/notices/);
    expect(await optionTexts(selectById(page, 'nt-school'))).toEqual(
      expect.arrayContaining([NAMES.lead, NAMES.member]),
    );
    await chooseOption(selectById(page, 'nt-school'), NAMES.lead);
    await page.waitForSelector('#nt-classes');
    expect(await counts(page)).toEqual([7, 0, 0, 7]);
    expect(await page.locator('#nt-classes').innerText()).not.toContain('八(1)班');

    await page.locator('#nt-classes button', { hasText: '生成查询码' }).first().click();
    await page.waitForSelector('text=名学生生成查询码');
    expect(await countsBecome(page, [7, 7, 0, 0])).toEqual([7, 7, 0, 0]);
    expect(await page.locator('body').innerText()).not.toMatch(CODE);

    const first = page.locator('#nt-students .el-table__body tr').first();
    await first.locator('button', { hasText: '作废' }).click();
    await answerMessageBox(page, '确定');
    expect(await countsBecome(page, [7, 6, 1, 0])).toEqual([7, 6, 1, 0]);
    expect(await first.innerText()).toContain('已作废');
    await page.screenshot({ path: join(SHOTS, 'notices-admin.png') });

    const href = await page.locator('#nt-classes a', { hasText: '下载通知单 PDF' }).first().getAttribute('href');
    expect(href).toMatch(/^\/api\/exams\/\d+\/classes\/\d+\/notices\.pdf$/);
    const res = await page.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    await context.close();
  });

  it('a principal sees why before release, and afterwards only the own school', async () => {
    const { context, page } = await loggedInPage(browser, base, fx.users.principalA, fx.password);
    await page.locator('.tk-nav a', { hasText: '成绩通知单' }).click();
    await page.waitForURL(/\/notices/);
    await page.waitForSelector('.nt-held');
    expect(await page.locator('.nt-held').innerText()).toContain('成绩尚未发布');
    await page.screenshot({ path: join(SHOTS, 'notices-held.png') });

    await releaseResults(env.ds, fx.examId);
    await page.reload();
    await page.waitForSelector('#nt-classes');
    expect(await optionTexts(selectById(page, 'nt-school'))).toEqual([NAMES.lead]);
    expect(await counts(page)).toEqual([7, 6, 1, 0]);
    await page.screenshot({ path: join(SHOTS, 'notices-principal.png') });
    await context.close();
  });
});
