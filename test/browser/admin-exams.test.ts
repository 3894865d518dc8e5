// The alliance admin's exams page in a real Chromium: imports last term's results (a bad file first, its rows listed
// in Chinese), links them to this term's exam for 纵看, is refused deleting them while linked, unlinks and deletes
// them, and creates a new exam. The database shows exactly that.
import type { Browser, Page } from 'playwright-core';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { StudentResult } from '../../src/results/entities/student-result.entity.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  launchBrowser,
  optionTexts,
  selectById,
  servePages,
} from '../support/browser.js';
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

    // The reliability the source system reported may be stated, with where it came from; a wrong figure is refused.
    await imp.locator('input[name=reliability]').fill('82%');
    await imp.locator('input[name=reliabilitySource]').fill('原考试系统报告 α');
    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#ierr', { hasText: '成绩导入失败，共1处错误' }).waitFor();
    expect(await page.locator('#ierr li').allInnerTexts()).toEqual([
      '信度“82%”不对：应为大于 0、不超过 1 的小数，最多三位小数，如 0.82',
    ]);
    expect(await env.ds.getRepository(Exam).countBy({ allianceId: fx.allianceId })).toBe(1);
    await imp.locator('input[name=reliability]').fill('0.82');

    // A subject may have its own reliability (the exam's stands for the others); a subject not in the file is refused.
    await page.locator('#add-subject-rel').click();
    await imp.locator('input[name=subject-0]').fill('物理');
    await imp.locator('input[name=subject-reliability-0]').fill('0.85');
    await imp.locator('input[name=subject-source-0]').fill('教研室统计');
    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#ierr li', { hasText: '各科信度中的科目“物理”不在成绩文件中（文件中的科目：数学）' }).waitFor();
    expect(await env.ds.getRepository(Exam).countBy({ allianceId: fx.allianceId })).toBe(1);
    await imp.locator('input[name=subject-0]').fill('数学');

    await imp
      .locator('input[name=file]')
      .setInputFiles({ name: '期末.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await imp.locator('button[type=submit]').click();
    await page.locator('#imsg', { hasText: '已导入“上学期期末”：6 名学生' }).waitFor();
    expect(await page.locator('#imsg').innerText()).toContain('信度 0.82（来源：原考试系统报告 α）');
    expect(await page.locator('#imsg').innerText()).toContain('数学（满分 100，信度 0.85，来源：教研室统计）');
    await row('上学期期末').locator('text=历史成绩导入').waitFor();
    const imported = await env.ds
      .getRepository(Exam)
      .findOneByOrFail({ allianceId: fx.allianceId, status: ExamStatus.Imported });
    expect(imported).toMatchObject({ statedReliability: 0.82, statedReliabilitySource: '原考试系统报告 α' });
    expect(await env.ds.getRepository(Paper).findOneByOrFail({ examId: imported.id })).toMatchObject({
      statedReliability: 0.85,
      statedReliabilitySource: '教研室统计',
    });
    expect(await imp.locator('input[name=subject-0]').count()).toBe(0);
    // the form is cleared for the next import
    expect(await imp.locator('input[name=reliability]').inputValue()).toBe('');
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

    // A new exam: 九年级 allows three kinds; 七年级 only 学业质量监测, which the page takes and explains.
    const form = page.locator('#create');
    await form.locator('input[name=name]').fill('2025学年第一学期期末统考');
    await chooseOption(selectById(page, 'gradeYear'), '九年级');
    await page.locator('#rule', { hasText: '初中九年级的联盟统一考试可以是' }).waitFor(); // the kind select is enabled
    expect(await optionTexts(selectById(page, 'kind'))).toEqual([
      '学业质量监测',
      '毕业年级统一考试',
      '校际联考（学校自主考试）',
    ]);
    await chooseOption(selectById(page, 'kind'), '毕业年级统一考试');
    await page.locator('#rule', { hasText: '义务教育阶段考试：学生和家长只得到等级' }).waitFor();
    await chooseOption(selectById(page, 'gradeYear'), '七年级');
    expect(await optionTexts(selectById(page, 'kind'))).toEqual(['学业质量监测']);
    await page.locator('#rule', { hasText: '七年级属于义务教育非毕业年级' }).waitFor();
    await page.locator('#rule', { hasText: '学生和家长只得到各科等级' }).waitFor();
    await form.locator('input[name=gradeBandCutoffs]').fill('0.9, 0.75, 0.6');
    await form.locator('input[name=examDate]').fill('2026-01-15');
    await form.locator('input[name=examDate]').press('Enter'); // takes the date and closes the picker's panel
    await page.setViewportSize({ width: 1366, height: 768 });
    await form.scrollIntoViewIfNeeded();
    if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/exams-create.png` });
    await form.locator('button[type=submit]').click();
    await page.locator('#cmsg', { hasText: '已新建“2025学年第一学期期末统考”（七年级·学业质量监测）' }).waitFor();
    await row('2025学年第一学期期末统考').locator('.ex-kind', { hasText: '学业质量监测' }).waitFor();
    if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/exams-list.png`, fullPage: true });
    expect(
      await env.ds.getRepository(Exam).findOneByOrFail({ allianceId: fx.allianceId, name: '2025学年第一学期期末统考' }),
    ).toMatchObject({
      grade: '七年级',
      gradeYear: 7,
      kind: 'quality_monitoring',
      gradeBandCutoffs: [0.9, 0.75, 0.6],
      examDate: '2026-01-15',
      status: ExamStatus.Draft,
    });
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
