// 班级报告 (/class-report) in a real Chromium: a 班主任 logs in, finds the page in the header, and reads their class's
// students by 考号 with 等级 only (a 学业质量监测 of 七年级), per subject the figures and 错题, and the PDF link; the other
// class's students are not on it; before 成绩发布 the page says why instead. Screens at 1366×768 go to $SCREENSHOT_DIR.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import type { ResultsFixture } from '../integration/results-fixture.js';
import { describeInBrowser, loggedInPage } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';
import { resultsInBrowser } from '../support/results-browser.js';
import type { TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'tongkao-class-report');

describeInBrowser('class report page in a browser', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let browser: Browser;
  let base: string;

  const pages = resultsInBrowser('class_report_browser', 'crb', async (db, fixture) => {
    mkdirSync(SHOTS, { recursive: true });
    const classes = db.ds.getRepository(SchoolClass);
    const own = (await classes.findOneByOrFail({ schoolId: fixture.schools.lead, name: '七(1)班' })).id;
    const sibling = (await classes.save({ schoolId: fixture.schools.lead, name: '七(2)班', grade: '七年级' })).id;
    await db.ds.getRepository(Student).update(fixture.studentIds.lead.slice(4), { classId: sibling });
    await db.ds.query('UPDATE student SET name = CONCAT(name, ?) WHERE id IN (?)', [
      '（二班）',
      fixture.studentIds.lead.slice(4),
    ]);
    await createUser(db.ds, 't_head_crb', fixture.password, [
      { role: Role.Teacher, allianceId: fixture.allianceId, schoolId: fixture.schools.lead, classId: own },
    ]);
  });
  beforeAll(() => {
    ({ env, fx, browser, base } = pages);
  });

  it('before 成绩发布 says why; after, shows the own class only, by 考号, with the PDF link', async () => {
    const { context, page } = await loggedInPage(browser, base, 't_head_crb', fx.password);
    await page.click('text=班级报告');
    await page.waitForURL(`${base}/class-report`);
    await page.waitForSelector('text=成绩尚未发布');
    await page.screenshot({ path: join(SHOTS, 'class-report-held.png') });

    await releaseResults(env.ds, fx.examId);
    await page.reload();
    await page.waitForSelector('text=下载班级报告 PDF');
    const text = await page.locator('body').innerText();
    expect(text).toContain('学生');
    expect(text).toContain('按考号排列，不排名次');
    expect(text).toContain('数学');
    expect(text).not.toContain('（二班）');
    expect(text).not.toMatch(/名次[:：]\s*\d/);
    const pdf = await page.locator('a', { hasText: '下载班级报告 PDF' }).getAttribute('href');
    expect(pdf).toMatch(/^\/api\/exams\/\d+\/classes\/\d+\/report\.pdf$/);
    const res = await page.request.get(`${base}${pdf}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    // the 班主任 also prints the class's student notices
    const notices = await page.locator('a', { hasText: '下载本班学生成绩通知单 PDF' }).getAttribute('href');
    expect(notices).toMatch(/^\/api\/exams\/\d+\/classes\/\d+\/notices\.pdf$/);
    const got = await page.request.get(`${base}${notices}`);
    expect(got.status()).toBe(200);
    expect(got.headers()['content-type']).toContain('application/pdf');
    await page.screenshot({ path: join(SHOTS, 'class-report.png') });
    await context.close();
  });
});
