// 成绩发布 in a real Chromium (issue 16 items 3 and 6): the admin's exams page shows the exam's stage from its data,
// sets the timetable, asks before computing while work is unfinished, and releases only with a written reason; the
// principal's reports page says the results are not released yet, then lists the report. Screens at 1366×768 go to
// $SCREENS_DIR (default /tmp/tk-release) to be looked at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { answerMessageBox, describeInBrowser, launchBrowser, servePages } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SCREENS = process.env.SCREENS_DIR ?? '/tmp/tk-release';
const EXAM = '2025学年第一学期期中统考';

describeInBrowser('成绩发布 on the exams page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let worker: WorkerHost;
  let browser: Browser;
  let base: string;
  let fx: ResultsFixture;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    env = await createTestEnv('release_browser');
    fx = await buildResultsFixture(env.ds, 'rb', false);
    ({ base, close: closePages } = await servePages(env));
    worker = await startWorkers(env.config, { logger: false, processors: [resultsProcessor, reportProcessor] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const loginAs = async (username: string, next: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', fx.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}${next}`);
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: false });
  const examRow = (page: Page) => page.locator('#exams tbody tr', { hasText: EXAM });

  it('a principal is told the results are not released yet', async () => {
    const page = await loginAs(fx.users.principalA, '/reports');
    await page.locator('.rp-held', { hasText: '成绩尚未发布' }).waitFor();
    expect(await page.locator('.es-steps li.current').innerText()).toBe('扫描');
    await shot(page, 'reports-principal-before');
    await page.context().close();
  });

  it('the admin sets the timetable, computes after a question, and releases with a reason', async () => {
    const page = await loginAs(fx.users.admin, '/exams');
    const row = examRow(page);
    await row.locator('.es-tag', { hasText: '扫描' }).waitFor();
    await shot(page, 'exams-admin');

    // 科目安排: two subjects on one morning
    await row.locator('.ex-timetable').click();
    const tt = page.locator('.timetable-dialog');
    await tt.locator('input[name=subject0]').fill('数学');
    await tt.locator('#tt-add').click();
    await tt.locator('input[name=subject1]').fill('语文');
    await shot(page, 'timetable-dialog');
    await tt.locator('#tt-save').click();
    await page.locator('#msg', { hasText: '已保存' }).waitFor();
    const subjects = await env.ds.query('SELECT subject FROM exam_subject WHERE exam_id = ? ORDER BY id', [fx.examId]);
    expect(subjects.map((s: { subject: string }) => s.subject)).toEqual(['数学', '语文']);

    // computing asks first: a sheet is not read and two pages wait in the exceptions queue
    await row.locator('.ex-compute').click();
    const box = page.locator('.el-message-box:visible');
    await box.waitFor();
    expect(await box.innerText()).toContain('1 份答题卡未扫描或未识别');
    await shot(page, 'compute-question');
    await answerMessageBox(page, '仍要计算');
    await page.locator('#msg', { hasText: '已开始计算成绩' }).waitFor();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [r] = await env.ds.query('SELECT COUNT(*) AS n FROM exam_analysis WHERE exam_id = ?', [fx.examId]);
      if (Number(r.n) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    // 成绩发布: the unfinished work listed, refused without a reason, released with one
    await row.locator('.ex-release').click();
    const dialog = page.locator('.release-dialog');
    await dialog.locator('#rd-unfinished li').first().waitFor();
    expect(await dialog.locator('#rd-unfinished li').allInnerTexts()).toEqual([
      '1 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）（河口乡中学 1）',
      '2 个扫描异常或填涂复核待处理',
    ]);
    await shot(page, 'release-dialog');
    await dialog.locator('#rd-submit').click();
    await dialog.locator('#rd-err', { hasText: '请填写仍要发布的理由' }).waitFor();
    expect(await env.ds.query('SELECT * FROM results_release WHERE exam_id = ?', [fx.examId])).toEqual([]);
    await dialog.locator('#rd-reason').fill('河口乡中学一张答题卡损坏，先发布');
    await dialog.locator('#rd-submit').click();
    await page.locator('#msg', { hasText: '的成绩：校长现在可以查看' }).waitFor();
    await row.locator('.es-tag', { hasText: '已发布' }).waitFor();
    await shot(page, 'exams-released');
    const [rel] = await env.ds.query('SELECT reason FROM results_release WHERE exam_id = ?', [fx.examId]);
    expect(rel.reason).toBe('河口乡中学一张答题卡损坏，先发布');
    await page.context().close();
  });

  it('the principal then sees the report', async () => {
    const page = await loginAs(fx.users.principalA, '/reports');
    await page.locator('.rp-exam .el-table').waitFor();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await page.locator('text=下载 PDF').count())) {
      await page.reload();
      await page.locator('.rp-exam .el-table').waitFor();
    }
    expect(await page.locator('.rp-held').count()).toBe(0);
    expect(await page.locator('.es-steps li.current').innerText()).toBe('已发布');
    await shot(page, 'reports-principal-after');
    await page.context().close();
  });

  it('shows the stage and what is left on the scans and lead pages too', async () => {
    for (const path of ['/scans', '/lead']) {
      const page = await loginAs(fx.users.admin, path);
      await page.locator('.es-steps li.current', { hasText: '已发布' }).waitFor();
      expect(await page.locator('.es-todo li').first().innerText()).toContain('未扫描或未识别');
      await shot(page, `state${path.replace('/', '-')}`);
      await page.context().close();
    }
  });

  it('a later change of scores shows the released results as outdated on both sides', async () => {
    // the school marks its missing student 缺考 (as the scans page would, through the API)
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: fx.users.admin, password: fx.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${base}/api/exams/${fx.examId}/absences`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ studentId: fx.studentIds.pendingException, paperId: fx.paperId }),
    });
    expect(res.status).toBe(200);

    const admin = await loginAs(fx.users.admin, '/exams');
    await examRow(admin).locator('.es-tag', { hasText: '已发布（已过时）' }).waitFor();
    await examRow(admin).locator('.es-tag').hover();
    await admin.locator('.es-tip', { hasText: '发布后成绩有变动' }).waitFor();
    await shot(admin, 'exams-outdated');
    await admin.context().close();

    const principal = await loginAs(fx.users.principalA, '/reports');
    await principal.locator('.rp-outdated', { hasText: '已过时' }).waitFor();
    await shot(principal, 'reports-principal-outdated');
    await principal.context().close();
  });
});
