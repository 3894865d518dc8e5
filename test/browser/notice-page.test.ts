// 成绩通知查询 in a real Chromium: a parent types the printed code, sees that one student's notice (等级, strengths
// and weaknesses, the own sheet with each item's marks over it) at 1366×768, and a wrong code is refused in Chinese.
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { describeInBrowser, launchBrowser, servePages } from '../support/browser.js';
import { layOutPaper, sheetImages } from '../support/notice-sheets.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const A_ROWS = [
  [3, 3, 14],
  [3, 3, 12],
  [3, 0, 11],
  [0, 3, 10],
  [3, 0, 8],
  [0, 0, 6],
];

describeInBrowser('notice page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let fx: ResultsFixture;
  let codes: { studentId: number; name: string; code: string }[];

  beforeAll(async () => {
    env = await createTestEnv('notice_browser');
    fx = await buildResultsFixture(env.ds, 'nb');
    ({ app, base, close: closePages } = await servePages(env));
    await app.get(ResultsJobService).computeExam(fx.examId);
    const layout = await layOutPaper(env.ds, fx.paperId);
    const lead = await env.ds.query('SELECT id, exam_no AS examNo, class_id AS classId FROM student WHERE id IN (?)', [
      fx.studentIds.lead,
    ]);
    const [q1, q2, q3] = fx.itemIds;
    await sheetImages(
      env.ds,
      app.get(BlobStore),
      layout,
      fx.studentIds.lead.map((id, n) => ({
        id,
        examNo: lead.find((r: { id: number }) => Number(r.id) === id).examNo,
        choices: { [q1]: A_ROWS[n][0] ? 'B' : 'A', [q2]: A_ROWS[n][1] ? 'C' : '' },
        subjective: { [q3]: A_ROWS[n][2] },
      })),
      () => true,
    );
    const token = (
      await request(app.getHttpServer())
        .post('/api/auth/login')
        .send({ username: fx.users.admin, password: fx.password })
    ).body.token;
    codes = (
      await request(app.getHttpServer())
        .post(`/api/exams/${fx.examId}/classes/${Number(lead[0].classId)}/notice-codes`)
        .set('Authorization', `Bearer ${token}`)
        .send({})
        .expect(201)
    ).body;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  it('opens one student’s notice with the printed code; a wrong code is refused', async () => {
    await page.goto(`${base}/notice`);
    await page.fill('input[name=code]', 'ABCDE-FGHJK');
    await page.click('button[type=submit]');
    await page.locator('#err', { hasText: '查询码不正确' }).waitFor();
    if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/notice-entry.png` });

    const mine = codes.find((c) => c.studentId === fx.studentIds.lead[2])!;
    await page.fill('input[name=code]', mine.code);
    await page.click('button[type=submit]');
    await page.locator('#notice').waitFor();
    expect(await page.locator('#who-student').innerText()).toContain(mine.name);
    const table = await page.locator('#subjects').innerText();
    expect(table).toContain('B（良好）');
    expect(table).not.toContain('得分'); // 学业质量监测: 等级 only
    await page.locator('.sheet-page img').first().waitFor();
    expect(await page.locator('.mark-text').allInnerTexts()).toEqual(['对', '错', '部分得分']);
    const body = await page.locator('body').innerText();
    for (const c of codes) if (c.studentId !== mine.studentId) expect(body).not.toContain(c.name);
    expect(page.url()).toBe(`${base}/notice`); // the code is never in the address
    if (process.env.SHOTS) {
      await page.screenshot({ path: `${process.env.SHOTS}/notice-view.png` });
      await page.screenshot({ path: `${process.env.SHOTS}/notice-view-full.png`, fullPage: true });
    }
  });
});
