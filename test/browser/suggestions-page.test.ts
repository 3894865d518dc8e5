// A 数学 subject lead in a real Chromium on the 补短板建议库 page: finds the page from the home page, adds a suggestion,
// edits it (a second version, shown in its history), is refused an import with bad rows (each row listed, nothing
// stored), imports a good workbook after checking the planned changes, and retires a suggestion. A principal is told
// the page is not for her. The database shows exactly that.
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { SuggestionVersion } from '../../src/suggestions/entities/suggestion-version.entity.js';
import { Suggestion } from '../../src/suggestions/entities/suggestion.entity.js';
import { SuggestionRepository } from '../../src/suggestions/suggestion.repository.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  launchBrowser,
  loggedInPage,
  selectById,
  servePages,
} from '../support/browser.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const HEADER = ['编号', '学科', '发现类型', '知识点', '认知层次', '建议内容', '状态'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SHOTS = process.env.SCREENSHOT_DIR;

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('补短板建议库');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describeInBrowser('补短板建议库 page in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let repo: SuggestionRepository;
  let allianceId: number;
  const password = 'pw-12345678';

  beforeAll(async () => {
    env = await createTestEnv('suggestions_browser');
    allianceId = (await createAlliance(env.ds, '城南教联体', 'SUGG1')).id;
    await createUser(env.ds, 'lead_m', password, [{ role: Role.SubjectLead, allianceId, subject: '数学' }]);
    await createUser(env.ds, 'principal_p', password, [{ role: Role.Principal, allianceId, schoolId: null }]);
    const served = await servePages(env);
    ({ base, close: closePages } = served);
    repo = served.app.get(SuggestionRepository);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const loggedIn = (username: string) => loggedInPage(browser, base, username, password);
  const texts = async () =>
    (await repo.list(allianceId)).map((s) => [s.knowledgePoint ?? s.kind, s.version, s.retired, s.text]);

  it('adds, edits, imports (bad rows refused, then a checked good file) and retires suggestions', async () => {
    const { page } = await loggedIn('lead_m');
    await page.locator('#links a', { hasText: '补短板建议库' }).click();
    await page.waitForURL(`${base}/suggestions`);
    await page.locator('#suggestions', { hasText: '“数学”还没有建议，请新增或导入' }).waitFor();

    // Add: her subject is chosen for her.
    await page.click('#add');
    await page.fill('#form-kp', '数与代数/一元一次方程');
    await page.fill('#form-text', '解方程按五步书写，每步旁注依据。');
    await page.click('#save');
    await page.locator('#msg', { hasText: '已新增建议' }).waitFor();
    const [first] = await repo.list(allianceId);
    expect(first).toMatchObject({ subject: '数学', knowledgePoint: '数与代数/一元一次方程', version: 1 });

    // Edit: a second version, with a level and a kind.
    await page.locator(`tr.sg-${first.id} button`, { hasText: '编辑' }).click();
    await chooseOption(selectById(page, 'form-level'), '运用');
    await chooseOption(selectById(page, 'form-kind'), '知识点薄弱');
    await page.fill('#form-text', '应用题先画线段图整理等量关系，再列方程。');
    await page.click('#save');
    await page.locator('#msg', { hasText: '已保存为第2版' }).waitFor();
    await page.locator(`tr.sg-${first.id}`, { hasText: '第2版 · lead_m' }).waitFor();
    await page.locator(`tr.sg-${first.id} button`, { hasText: '历史' }).click();
    const history = page.locator('#history');
    await history.locator('tbody tr').nth(1).waitFor();
    expect(await history.locator('tbody tr').count()).toBe(2);
    await history.locator('tbody tr', { hasText: '解方程按五步书写' }).waitFor();
    await page.keyboard.press('Escape');

    // A workbook with bad rows: each named, nothing stored.
    const picker = page.locator('#import-file');
    await picker.setInputFiles({
      name: '建议库.xlsx',
      mimeType: XLSX,
      buffer: await workbook([
        HEADER,
        [null, '数学', '及格临界生', '', '', '每周面批一次基础题。', ''],
        [null, '语文', '知识点薄弱', '', '', '语文的建议', ''],
        [null, '数学', '', '', '', '没有说明针对什么', ''],
      ]),
    });
    await page.click('#check');
    await page.locator('#ierr', { hasText: '建议库文件有2处错误，未导入任何内容' }).waitFor();
    expect(await page.locator('#ierr li').allInnerTexts()).toEqual([
      '第3行：您不是“语文”学科组长，不能修改该学科的建议',
      '第4行：请至少填写发现类型、知识点或认知层次之一，说明建议针对什么',
    ]);
    expect(await env.ds.getRepository(Suggestion).count()).toBe(1);

    // A good workbook: the check lists the changes; nothing is stored until confirmed.
    await picker.setInputFiles({
      name: '建议库.xlsx',
      mimeType: XLSX,
      buffer: await workbook([
        HEADER,
        [null, '数学', '及格临界生', '', '', '每周面批一次基础题。', ''],
        [null, '数学', '', '整式的加减', '', '先辨认同类项再合并，去括号逐项变号。', ''],
        [
          first.id,
          '数学',
          '知识点薄弱',
          '数与代数/一元一次方程',
          '运用',
          '应用题先画线段图整理等量关系，再列方程。',
          '停用',
        ],
      ]),
    });
    await page.click('#check');
    await page.locator('#plan-summary', { hasText: '将新增 2 条，修改 0 条，停用 1 条' }).waitFor();
    expect(await page.locator('#plan li.plan-retired').innerText()).toContain(`第4行 停用 编号${first.id}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/suggestions-plan.png`, fullPage: true });
    expect(await env.ds.getRepository(Suggestion).count()).toBe(1);
    await page.click('#apply');
    await page.locator('#imsg', { hasText: '已导入：新增 2 条，修改 0 条，停用 1 条，未变 0 条' }).waitFor();
    expect(await texts()).toEqual(
      expect.arrayContaining([
        ['数与代数/一元一次方程', 3, true, '应用题先画线段图整理等量关系，再列方程。'],
        ['near_pass', 1, false, '每周面批一次基础题。'],
        ['整式的加减', 1, false, '先辨认同类项再合并，去括号逐项变号。'],
      ]),
    );
    // The retired one leaves the list until 显示已停用 is ticked; it can be restored from there.
    await page.locator('#suggestions tbody tr').nth(1).waitFor();
    expect(await page.locator(`tr.sg-${first.id}`).count()).toBe(0);
    await page.locator('label.el-checkbox', { hasText: '显示已停用' }).click();
    await page.locator(`tr.sg-${first.id} button`, { hasText: '启用' }).click();
    await page.locator('#msg', { hasText: '已重新启用' }).waitFor();
    // And a suggestion retired by its button.
    const nearPass = (await repo.list(allianceId)).find((s) => s.kind === 'near_pass')!;
    await page.locator(`tr.sg-${nearPass.id} button`, { hasText: '停用' }).click();
    await answerMessageBox(page, '停用');
    await page.locator('#msg', { hasText: '已停用' }).waitFor();
    expect(await env.ds.getRepository(SuggestionVersion).count()).toBe(2 + 2 + 1 + 1 + 1);
    await page.locator(`tr.sg-${nearPass.id}`, { hasText: '已停用' }).waitFor(); // 显示已停用 is still ticked
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/suggestions-list.png`, fullPage: false });
  });

  it('tells a principal the page is for subject leads and admins, and the home page has no link for her', async () => {
    const { page } = await loggedIn('principal_p');
    expect(await page.locator('#links a', { hasText: '补短板建议库' }).count()).toBe(0);
    await page.goto(`${base}/suggestions`);
    await page.locator('#err', { hasText: '只有学科组长和联盟管理员可以维护补短板建议库' }).waitFor();
  });
});
