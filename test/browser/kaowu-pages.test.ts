// The 考务 pages in a real Chromium at 1366×768. The admin opens 考务安排 from the home page, generates exam numbers
// and allocates rooms with a smaller room size, and downloads the 准考证: a PDF whose text has a student's exam number
// and name. A proctor of one school opens 考场名单, marks one student 缺考 (it lands in the exam's absences) and records
// one 违纪 (kind and note, with who). Screens are saved when SCREENSHOT_DIR is set.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ExamCandidate } from '../../src/candidates/entities/exam-candidate.entity.js';
import { ExamRoom } from '../../src/candidates/entities/exam-room.entity.js';
import { ExamViolation } from '../../src/candidates/entities/exam-violation.entity.js';
import { Role } from '../../src/common/role.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  launchBrowser,
  loggedInPage,
  selectById,
  servePages,
} from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR;

describeInBrowser('考务 pages in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let fx: ScanExam;
  const password = 'pw-12345678';

  beforeAll(async () => {
    env = await createTestEnv('kaowu_browser');
    fx = await seedScanExam(env.ds, { studentsA: 7, studentsB: 3 });
    await createUser(env.ds, 'kw_admin', password, [{ role: Role.Admin, allianceId: fx.allianceId }]);
    await createUser(env.ds, 'kw_proctor', password, [
      { role: Role.Proctor, allianceId: fx.allianceId, schoolId: fx.schoolA },
    ]);
    ({ base, close: closePages } = await servePages(env));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const loggedIn = (username: string) => loggedInPage(browser, base, username, password);
  const shot = (page: Page, name: string) =>
    SHOTS ? page.screenshot({ path: join(SHOTS, name), fullPage: true }) : null;

  it('admin: generates exam numbers, allocates rooms and downloads the 准考证', async () => {
    const { context, page } = await loggedIn('kw_admin');
    await page.locator('#links a', { hasText: '考务安排' }).click();
    await page.waitForURL(`${base}/kaowu`);
    await page.locator('#summary', { hasText: '本次考试共 10 名考生' }).waitFor();
    await shot(page, 'kaowu-1-empty.png');

    await page.click('#gen-numbers');
    await page.locator('#msg', { hasText: '已为 10 名考生生成 8 位考号' }).waitFor();
    const numbers = await env.ds.getRepository(ExamCandidate).findBy({ examId: fx.exam.id });
    expect(numbers.filter((c) => /^[0-9]{8}$/.test(c.examNumber ?? ''))).toHaveLength(10);

    await page.fill('#capacity', '4');
    await page.locator('#capacity').blur();
    await page.fill('#special', fx.studentsA[6].examNo);
    await page.click('#allocate');
    await page.locator('#msg', { hasText: '已编排' }).waitFor();
    await page.locator('#rooms', { hasText: '第001考场' }).waitFor();
    const rooms = await env.ds.getRepository(ExamRoom).findBy({ examId: fx.exam.id });
    expect(rooms.filter((r) => !r.special).every((r) => r.capacity === 4)).toBe(true);
    expect(rooms.filter((r) => r.special)).toHaveLength(1);
    await shot(page, 'kaowu-2-allocated.png');

    await chooseOption(page.locator('.kw-downloads .el-select'), '城关一中');
    const href = await page.locator('#dl-tickets').getAttribute('href');
    expect(href).toBe(`/api/exams/${fx.exam.id}/candidates/tickets.pdf?schoolId=${fx.schoolA}`);
    const res = await context.request.get(`${base}${href}`);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'kaowu-browser-'));
    writeFileSync(join(dir, 't.pdf'), await res.body());
    const text = execFileSync('pdftotext', [join(dir, 't.pdf'), '-']).toString('utf8');
    const s = fx.studentsA[3];
    const mine = (await env.ds.getRepository(ExamCandidate).findOneByOrFail({ examId: fx.exam.id, studentId: s.id }))
      .examNumber!;
    expect(text).toContain(mine);
    expect(text).toContain(s.name);
    expect(text).not.toContain(fx.studentsB[0].name);
    await context.close();
  }, 120_000);

  it('proctor: marks one 缺考 and records one 违纪 from the room list', async () => {
    const { context, page } = await loggedIn('kw_proctor');
    await page.locator('#links a', { hasText: '考场名单' }).click();
    await page.waitForURL(`${base}/rooms`);
    await page.locator('#roster', { hasText: '城关一中' }).waitFor();
    const first = Number(await page.locator('[data-absent]').first().getAttribute('data-absent'));
    await page.locator('[data-absent]').first().click();
    await answerMessageBox(page, '确定');
    await page.locator('#msg', { hasText: '数学缺考' }).waitFor();
    await page.locator('#roster .el-tag', { hasText: '缺考' }).waitFor();
    expect(await env.ds.getRepository(ExamAbsence).findBy({ examId: fx.exam.id })).toMatchObject([
      { studentId: first, paperId: fx.paper.id },
    ]);

    const second = Number(await page.locator('[data-violation]').nth(1).getAttribute('data-violation'));
    await page.locator('[data-violation]').nth(1).click();
    await chooseOption(selectById(page, 'violation-kind'), '使用电子设备');
    await page.fill('#violation-note', '考试中使用手机');
    await page.click('#save-violation');
    await page.locator('#msg', { hasText: '违纪（使用电子设备）' }).waitFor();
    await page.locator('#violations', { hasText: '考试中使用手机' }).waitFor();
    await shot(page, 'rooms-1-recorded.png');
    expect(await env.ds.getRepository(ExamViolation).findBy({ examId: fx.exam.id })).toMatchObject([
      { studentId: second, paperId: fx.paper.id, kind: '使用电子设备', note: '考试中使用手机' },
    ]);
    await context.close();
  }, 120_000);
});
