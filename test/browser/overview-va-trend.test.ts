// The value-added trend on the admin's and bureau's overview page (/overview) in Chromium at 1366×768, over the chain of
// linked exams of test/support/va-chain-fixture.ts (imported A ← B ← C): every school is listed by name with its
// value-added per exam and the verdict words of the school report; over two exams no line is drawn, from three on the
// line is (the school report's rule, drawnVaCharts). Screenshots go to $SCREENSHOT_DIR.
import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { School } from '../../src/org/entities/school.entity.js';
import type { VaTrend } from '../../src/results/domain/linked-priors.js';
import { TOTAL_PAPER_ID } from '../../src/results/domain/subject-totals.js';
import { vaStatement } from '../../src/results/domain/value-added.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages, documentWidth } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import type { LoadedCohort } from '../support/synthetic/cohort-loader.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { chainCohort, loadVaChain } from '../support/va-chain-fixture.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-overview');
const PASSWORD = 'Trend-pass-1';

describeInBrowser('value-added trend of every school on the overview page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let db: LoadedCohort;
  let examA: number;
  const cohort = chainCohort();
  const storedTotal = async () => {
    const rows = await env.ds.getRepository(ExamAnalysis).findBy({ examId: db.currentExamId });
    // 总分 sits last on the page; the trend of the first subject tab is what the page opens on.
    return rows.sort(
      (a, b) => Number(a.paperId === TOTAL_PAPER_ID) - Number(b.paperId === TOTAL_PAPER_ID) || a.paperId - b.paperId,
    );
  };
  const trendOf = (row: ExamAnalysis) => (row.data as { longitudinal: { trend: VaTrend } }).longitudinal.trend;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('overview_va_trend');
    ({ db, examA } = await loadVaChain(env.ds, cohort));
    await createUser(env.ds, 'trend_admin', PASSWORD, [{ role: Role.Admin, allianceId: db.allianceId }]);
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
    await page.goto(`${base}/overview?exam=${db.currentExamId}`);
    await page.locator('.ov-va-table').first().waitFor();
    await page.locator('.ov-va-trend').first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
  };
  const rows = async (page: Page) =>
    (await page.locator('.ov-va-table').first().locator('tbody tr').allInnerTexts()).map((r) =>
      r.split('\t').map((c) => c.trim()),
    );

  it('lists every school with its value-added per linked exam in the verdict words; two exams draw no line', async () => {
    const { context, page } = await loggedInPage(browser, base, 'trend_admin', PASSWORD);
    try {
      await open(page);
      const trend = trendOf((await storedTotal())[0]);
      const names = new Map(
        (await env.ds.getRepository(School).findBy({ allianceId: db.allianceId })).map((s) => [s.id, s.name]),
      );
      const got = await rows(page);
      expect(got.map((r) => r[0])).toEqual(trend.schools.map((s) => names.get(s.schoolId)));
      expect(await page.locator('.ov-va-table').first().locator('thead th').allInnerTexts()).toEqual([
        '学校',
        ...trend.exams.map((e) => e.name),
      ]);
      trend.schools.forEach((s, i) =>
        s.points.forEach((p, j) => {
          const cell = got[i][j + 1];
          if (p.va === null) expect(cell).toBe('不公布或无法计算');
          else {
            expect(cell).toContain(vaStatement(p.verdict!));
            expect(cell.startsWith(`${p.va > 0.005 ? '+' : ''}${p.va.toFixed(2)}`)).toBe(true);
          }
        }),
      );
      expect(got.flat().join('')).toMatch(/明显高于联盟平均|与联盟平均无可分辨差别|明显低于联盟平均/);
      expect(await page.locator('.ov-va-line').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'overview-va-trend-2.png') });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('draws the line of every school from three linked exams on', async () => {
    for (const row of await storedTotal()) {
      const data = row.data as { longitudinal: { trend: VaTrend | null } };
      const t = data.longitudinal.trend;
      if (!t) continue;
      t.exams.unshift({ examId: examA, name: '去年期末（导入）' });
      for (const s of t.schools) {
        const p = s.points[0];
        const shift = (x: number | null) => (x === null ? null : Math.round((x - 1.5) * 100) / 100);
        s.points.unshift({ ...p, va: shift(p.va), ciLow: shift(p.ciLow), ciHigh: shift(p.ciHigh) });
      }
      await env.ds.getRepository(ExamAnalysis).update({ id: row.id }, { data });
    }
    const { context, page } = await loggedInPage(browser, base, 'trend_admin', PASSWORD);
    try {
      await open(page);
      expect(await page.locator('.ov-va-table').first().locator('thead th').allInnerTexts()).toEqual([
        '学校',
        '去年期末（导入）',
        '上学期期末统考（模拟）',
        '本学期期中统考（模拟）',
      ]);
      const line = page.locator('.ov-va-line').first();
      await line.waitFor();
      expect(await line.locator('canvas').count()).toBeGreaterThanOrEqual(1);
      await line.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'overview-va-trend-3.png') });
      expect(await documentWidth(page)).toBeLessThanOrEqual(1366);
    } finally {
      await context.close();
    }
  }, 90_000);
});
