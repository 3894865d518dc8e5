// Two 数学 subject leads in a real Chromium on the 统一命题 page: the first downloads the blueprint template, is refused
// a bad blueprint (rows listed), builds the paper from the template, submits it and may not approve it herself; the
// second approves it (the paper locks); the first generates the A4 answer sheet and downloads it. The database and the
// audit log show exactly that.
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { answerMessageBox, describeInBrowser, launchBrowser, servePages } from '../support/browser.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describeInBrowser('统一命题 page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let examId: number;
  const password = 'pw-12345678';

  beforeAll(async () => {
    env = await createTestEnv('papers_browser');
    const alliance = await createAlliance(env.ds, '城南教联体', 'PAPERS1');
    examId = (
      await env.ds.getRepository(Exam).save({ allianceId: alliance.id, name: '七年级期中统考', grade: '七年级' })
    ).id;
    await createUser(env.ds, 'lead_a', password, [
      { role: Role.SubjectLead, allianceId: alliance.id, subject: '数学' },
    ]);
    await createUser(env.ds, 'lead_b', password, [
      { role: Role.SubjectLead, allianceId: alliance.id, subject: '数学' },
    ]);
    await createUser(env.ds, 'marker_c', password, [{ role: Role.Marker, allianceId: alliance.id, subject: '数学' }]);
    ({ base, close: closePages } = await servePages(env));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  async function loggedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${base}/login?next=%2Fpapers`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/papers`);
    return { context, page };
  }
  const paper = () => env.ds.getRepository(Paper).findOneByOrFail({ examId, subject: '数学' });

  it('builds a paper from the blueprint template, has it approved by the other lead, and prints its answer sheet', async () => {
    const { page: a } = await loggedIn('lead_a');
    await a.locator('#papers', { hasText: '本次考试还没有试卷' }).waitFor();
    expect(await a.inputValue('#subject')).toBe('数学'); // her only subject

    // The template, downloaded through the page's link, is a valid blueprint of six items.
    const [download] = await Promise.all([a.waitForEvent('download'), a.click('#template')]);
    const template = Buffer.from(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c)));
    expect(download.suggestedFilename()).toBe('双向细目表模板.xlsx');

    // A bad blueprint: an answer key outside the options and a negative score, each named by its row; nothing is created.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    ws.getRow(2).getCell(6).value = 'E'; // single choice with 4 options: key E
    ws.getRow(5).getCell(4).value = -1; // the fill-in item's score
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const form = a.locator('#create');
    await form.locator('input[name=title]').fill('七年级数学期中统一检测');
    await form.locator('input[name=file]').setInputFiles({
      name: '细目表.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: bad,
    });
    await form.locator('button[type=submit]').click();
    await a.locator('#cerr', { hasText: '细目表有2处错误，未创建试卷' }).waitFor();
    const rows = await a.locator('#cerr li').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe('第2行：答案 E 超出选项范围 A–D');
    expect(rows[1]).toMatch(/^第5行：满分应为大于 0 的数/);
    expect(await env.ds.getRepository(Paper).countBy({ examId })).toBe(0);

    await form.locator('input[name=file]').setInputFiles({
      name: '细目表.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: template,
    });
    await form.locator('button[type=submit]').click();
    await a.locator('#cmsg', { hasText: '已建卷“七年级数学期中统一检测”：6 道题，满分 27' }).waitFor();
    const p = await paper();
    expect(p).toMatchObject({ status: PaperStatus.Draft, version: 1, fullMarks: 27 });
    expect(
      (await env.ds.getRepository(Item).find({ where: { paperId: p.id }, order: { seq: 'ASC' } })).map((i) => [
        i.label,
        i.type,
        i.maxScore,
      ]),
    ).toEqual([
      ['1', 'single_choice', 3],
      ['2', 'multiple_choice', 4],
      ['3', 'true_false', 2],
      ['4', 'fill_in', 4],
      ['17(1)', 'subjective', 6],
      ['17(2)', 'subjective', 8],
    ]);

    // Submit; approving one's own paper is refused.
    await a.locator(`tr.paper-${p.id} button`, { hasText: '提交审核' }).click();
    await a.locator('#msg', { hasText: '已提交审核' }).waitFor();
    await a.locator(`tr.paper-${p.id} button`, { hasText: '审核通过' }).click();
    await answerMessageBox(a, '确定', '同意');
    await a.locator('#err', { hasText: '不能审核自己提交的试卷' }).waitFor();
    expect((await paper()).status).toBe(PaperStatus.InReview);

    const { page: b } = await loggedIn('lead_b');
    await b.locator(`tr.paper-${p.id} button`, { hasText: '审核通过' }).click();
    await answerMessageBox(b, '确定', '同意，可以锁定');
    await b.locator('#msg', { hasText: '审核通过，试卷已锁定' }).waitFor();
    expect((await paper()).status).toBe(PaperStatus.Locked);
    await b.locator(`tr.paper-${p.id}`, { hasText: '已锁定' }).waitFor();

    // The first lead generates the A4 sheet, with the barcode sticker area, and downloads it.
    await a.reload();
    await a.locator(`tr.paper-${p.id} .el-checkbox`, { hasText: '条形码粘贴区' }).click();
    if (process.env.SCREENSHOT_DIR)
      await a.screenshot({ path: `${process.env.SCREENSHOT_DIR}/papers-sheet-options.png` });
    await a.locator(`tr.paper-${p.id} button`, { hasText: '生成答题卡' }).click();
    await a.locator('#msg', { hasText: '答题卡已生成' }).waitFor();
    const link = a.locator(`tr.paper-${p.id} a`, { hasText: '下载答题卡' });
    await link.waitFor();
    const pdf = await a.evaluate(
      async (url) => {
        const res = await fetch(url!);
        return {
          status: res.status,
          type: res.headers.get('content-type'),
          head: String.fromCharCode(...new Uint8Array(await res.arrayBuffer()).slice(0, 5)),
        };
      },
      await link.getAttribute('href'),
    );
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
    expect((await paper()).layout?.pages[0].sticker).toBeDefined();

    const audit = await env.ds
      .getRepository(AuditLog)
      .find({ where: { entity: 'paper', entityId: String(p.id) }, order: { id: 'ASC' } });
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['create', 'submit', 'approve']));
  });

  it('tells a marker the page is for subject leads and admins', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login?next=%2Fpapers`);
    await page.fill('input[name=username]', 'marker_c');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/papers`);
    await page.locator('#err', { hasText: '只有学科组长和联盟管理员可以命题' }).waitFor();
  });
});
