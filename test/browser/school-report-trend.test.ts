// The value-added trend on the principal's result page (/school-report) in Chromium at 1366×768: over a chain of linked
// exams (an imported exam A ← exam B ← exam C, as test/integration/va-chain.test.ts builds it) the page lists the own
// school's value-added per exam with its interval and verdict words, as the PDF prints it; over two exams it draws no
// chart (as the PDF), from three exams on it draws the PDF's line. Screenshots go to $SCREENSHOT_DIR.
import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import type { VaTrend } from '../../src/results/domain/linked-priors.js';
import { vaStatement } from '../../src/results/domain/value-added.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages, documentWidth } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import type { LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { chainCohort, chainTotalA, loadVaChain } from '../support/va-chain-fixture.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-school-report');
const PASSWORD = 'Trend-pass-1';
const TREND_TITLE = '本校历次增值（0为联盟平均）';

describeInBrowser('value-added trend on the school report page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let db: LoadedCohort;
  let examA: number;
  const cohort = chainCohort();
  const totalA = (i: number) => chainTotalA(cohort, i);
  const schoolId = () => db.schoolIds[3];
  const stored = () => env.ds.getRepository(ExamAnalysis).findOneByOrFail({ examId: db.currentExamId });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('school_report_trend');
    ({ db, examA } = await loadVaChain(env.ds, cohort));
    await createUser(env.ds, 'trend_principal', PASSWORD, [
      { role: Role.Principal, allianceId: db.allianceId, schoolId: schoolId() },
    ]);
    ({ app, base, close: closePages } = await servePages(env));
    await app.get(ResultsJobService).computeExam(db.priorExamId);
    await app.get(ResultsJobService).computeExam(db.currentExamId);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const open = async (page: Page) => {
    await page.goto(`${base}/school-report?examId=${db.currentExamId}&schoolId=${schoolId()}`);
    await page.locator('.sr-va-trend').waitFor();
    await page.locator('.sr-va-trend').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
  };
  const rows = async (page: Page) =>
    (await page.locator('.sr-va-trend tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));

  it('lists the own value-added per linked exam with the verdict words; two exams draw no trend line', async () => {
    const { context, page } = await loggedInPage(browser, base, 'trend_principal', PASSWORD);
    try {
      await open(page);
      const trend = (stored_: { data: unknown }) =>
        (stored_.data as { longitudinal: { trend: VaTrend } }).longitudinal.trend;
      const own = trend(await stored()).schools.find((s) => s.schoolId === schoolId())!;
      const got = await rows(page);
      expect(got.map((r) => r[0])).toEqual(['上学期期末统考（模拟）', '本学期期中统考（模拟）']);
      expect(got.map((r) => r[3])).toEqual(own.points.map((p) => vaStatement(p.verdict!)));
      expect(got[1][1]).toBe(`${own.points[1].va! > 0 ? '+' : ''}${own.points[1].va!.toFixed(2)}`);
      expect(await page.locator(`.tk-chart[aria-label="${TREND_TITLE}"]`).count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'school-report-trend-2.png') });
      // The section's opening words, for a person to read as a principal would.
      await page.getByRole('heading', { name: '进退步（增值评价）' }).scrollIntoViewIfNeeded();
      await page.evaluate(() =>
        (globalThis as unknown as { scrollBy: (x: number, y: number) => void }).scrollBy(0, 200),
      );
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(SHOTS, 'school-report-va-intro.png') });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('draws the trend line from three linked exams on', async () => {
    // A third, earlier exam with value-added of its own, as a longer chain stores it (here: B's figures shifted).
    const row = await stored();
    const data = row.data as { longitudinal: { trend: VaTrend } };
    const t = data.longitudinal.trend;
    t.exams.unshift({ examId: examA, name: '去年期末（导入）' });
    for (const s of t.schools) {
      const p = s.points[0];
      const shift = (x: number | null) => (x === null ? null : Math.round((x - 1.5) * 100) / 100);
      s.points.unshift({ ...p, va: shift(p.va), ciLow: shift(p.ciLow), ciHigh: shift(p.ciHigh) });
    }
    await env.ds.getRepository(ExamAnalysis).update({ id: row.id }, { data });

    const { context, page } = await loggedInPage(browser, base, 'trend_principal', PASSWORD);
    try {
      await open(page);
      expect((await rows(page)).map((r) => r[0])).toEqual([
        '去年期末（导入）',
        '上学期期末统考（模拟）',
        '本学期期中统考（模拟）',
      ]);
      const chart = page.locator(`.tk-chart[aria-label="${TREND_TITLE}"]`);
      await chart.waitFor();
      expect(await chart.locator('canvas').count()).toBeGreaterThanOrEqual(1);
      await chart.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'school-report-trend-3.png') });
      expect(await documentWidth(page)).toBeLessThanOrEqual(1366);
    } finally {
      await context.close();
    }
  }, 60_000);
});
