// The alliance admin's exams page in a real Chromium: imports last term's results (a bad file first, its rows listed
// in Chinese), links them to this term's exam for 纵看, is refused deleting them while linked, unlinks and deletes
// them, and creates a new exam. The database shows exactly that.
import type { Browser, Page } from 'playwright-core';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import { answerMessageBox, chooseOption, describeInBrowser, launchBrowser, servePages } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describeInBrowser('admin exams page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let fx: ResultsFixture;
  let students: Student[];

  beforeAll(async () => {
    env = await createTestEnv('admin_exams_browser');
    fx = await buildResultsFixture(env.ds, 'ae');
    students = await env.ds.getRepository(Student).find({ where: { allianceId: fx.allianceId }, order: { id: 'ASC' } });
    ({ base, close: closePages } = await servePages(env));
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  // the row whose first cell is the exam's name (other rows name it among their 纵看 choices)
  const row = (name: string) =>
    page.locator('#exams tr', {
      has: page.locator('td:first-child', { hasText: new RegExp(`^${name.replace(/[()（）]/g, '\\$&')}$`) }),
    });

  it('imports results, links and unlinks them for 纵看, deletes them, and creates an exam', async () => {
    await page.goto(`${base}/login?next=%2Fexams`);
    await page.fill('input[name=username]', fx.users.admin);
    await page.fill('input[name=password]', fx.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/exams`);
    await row('2025学年第一学期期中统考').waitFor();

    // A bad file: nothing stored, each bad row listed.
    const good = [
      '考号,姓名,数学(100)',
      ...students.slice(0, 6).map((s, i) => `${s.examNo},${s.name},${60 + 5 * i}`),
    ].join('\n');
    const bad = good.replace(/,60$/m, ',160') + '\n20259999,查无此人,50';
    const imp = page.locator('#import');
    await imp.locator('input[name=name]').fill('上学期期末');
    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#ierr', { hasText: '成绩导入失败，共2处错误' }).waitFor();
    expect(await page.locator('#ierr li').allInnerTexts()).toEqual([
      '第2行：数学成绩 160 超过满分 100',
      '第8行：考号 20259999 不在本联盟学生名单中',
    ]);
    expect(await env.ds.getRepository(Exam).countBy({ allianceId: fx.allianceId })).toBe(1);

    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#imsg', { hasText: '已导入“上学期期末”：6 名学生' }).waitFor();
    await row('上学期期末').locator('text=历史成绩导入').waitFor();
    const imported = await env.ds
      .getRepository(Exam)
      .findOneByOrFail({ allianceId: fx.allianceId, status: ExamStatus.Imported });
    expect(await env.ds.getRepository(StudentResult).countBy({ examId: imported.id })).toBe(6);

    // The same file again is refused, naming the first import.
    await imp.locator('input[name=name]').fill('上学期期末（再传一次）');
    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#ierr', { hasText: '这份成绩已经导入过：考试“上学期期末”' }).waitFor();
    expect(await env.ds.getRepository(Exam).countBy({ allianceId: fx.allianceId })).toBe(2);

    // Link this term's exam to it.
    await chooseOption(row('2025学年第一学期期中统考').locator('.el-select'), '上学期期末（导入）');
    await page.locator('#msg', { hasText: '已保存纵看设置' }).waitFor();
    expect((await env.ds.getRepository(Exam).findOneByOrFail({ id: fx.examId })).priorExamId).toBe(imported.id);

    // Deleting it while linked is refused; after unlinking it goes (the confirmation accepted).
    await row('上学期期末').locator('button', { hasText: '删除' }).click();
    await answerMessageBox(page, '删除');
    await page.locator('#err', { hasText: '请先在这些考试的纵看设置中改选或取消' }).waitFor();
    expect(await env.ds.getRepository(Exam).existsBy({ id: imported.id })).toBe(true);
    await chooseOption(row('2025学年第一学期期中统考').locator('.el-select'), '（不做纵向比较）');
    await page.locator('#msg', { hasText: '已保存纵看设置' }).waitFor();
    expect((await env.ds.getRepository(Exam).findOneByOrFail({ id: fx.examId })).priorExamId).toBeNull();
    await row('上学期期末').locator('button', { hasText: '删除' }).click();
    await answerMessageBox(page, '删除');
    await page.locator('#msg', { hasText: '已删除“上学期期末”（6 条成绩）' }).waitFor();
    // The page says so before it reloads the list: the row goes once the reload lands.
    await row('上学期期末').waitFor({ state: 'detached' });
    expect(await row('上学期期末').count()).toBe(0);
    expect(await env.ds.getRepository(Exam).existsBy({ id: imported.id })).toBe(false);
    expect(await env.ds.getRepository(StudentResult).countBy({ examId: imported.id })).toBe(0);
    expect(
      await env.ds.getRepository(AuditLog).countBy({ entity: 'exam_results', entityId: String(imported.id) }),
    ).toBe(2); // import, delete

    // A new exam.
    const form = page.locator('#create');
    await form.locator('input[name=name]').fill('2025学年第一学期期末统考');
    await form.locator('input[name=grade]').fill('七年级');
    await form.locator('input[name=examDate]').fill('2026-01-15');
    await form.locator('button[type=submit]').click();
    await page.locator('#cmsg', { hasText: '已新建“2025学年第一学期期末统考”' }).waitFor();
    await row('2025学年第一学期期末统考').waitFor();
    expect(
      await env.ds.getRepository(Exam).findOneByOrFail({ allianceId: fx.allianceId, name: '2025学年第一学期期末统考' }),
    ).toMatchObject({ grade: '七年级', examDate: '2026-01-15', status: ExamStatus.Draft });
  });

  it('tells a principal the page is for alliance admins', async () => {
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${base}/login?next=%2Fexams`);
    await other.fill('input[name=username]', fx.users.principalA);
    await other.fill('input[name=password]', fx.password);
    await other.click('button[type=submit]');
    await other.waitForURL(`${base}/exams`);
    await other.locator('#err', { hasText: '只有联盟管理员可以管理考试' }).waitFor();
  });
});
