// 阅卷设置 and 进度监控 in a real Chromium at 1366×768: the subject lead reaches the set-up from the home page, makes a
// 题块, assigns two markers, sets the tolerance and the daily cap, picks a trial answer; the marker's /mark then shows
// answers (an unassigned marker reads why it has none); once marking started the item's rules are read-only with the
// reason; the admin's monitoring page shows the figures the database holds.
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/common/role.js';
import { User } from '../../src/auth/entities/user.entity.js';
import { Item, MarkingMode } from '../../src/exams/entities/item.entity.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { MarkingTask } from '../../src/marking/entities/marking-task.entity.js';
import { ItemQcSetting, ReferenceAnswer } from '../../src/marking/entities/qc.entities.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { seedMarkingExam, type SeededExam } from '../e2e/marking-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { describeInBrowser, launchBrowser, loggedInPage, servePages } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.SCREENSHOT_DIR;
const password = 'pw-12345678';

describeInBrowser('阅卷设置 and 进度监控 in a browser', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let browser: Browser;
  let base: string;
  let s: SeededExam;
  const ids = new Map<string, number>();
  let schoolIds: number[];

  beforeAll(async () => {
    env = await createTestEnv('marking_setup_browser');
    const a = await createAlliance(env.ds, '城南教联体', 'MSET1');
    schoolIds = [
      (await createSchool(env.ds, a.id, '城关中学', 'C1')).id,
      (await createSchool(env.ds, a.id, '河口中学', 'C2')).id,
    ];
    const users: [string, string, { role: Role; allianceId: number; subject?: string; schoolId?: number }][] = [
      ['lead', '王组长', { role: Role.SubjectLead, allianceId: a.id, subject: '数学' }],
      ['admin', '联盟办公室', { role: Role.Admin, allianceId: a.id }],
      ['m1', '张老师', { role: Role.Marker, allianceId: a.id, subject: '数学' }],
      ['m2', '李老师', { role: Role.Marker, allianceId: a.id, subject: '数学' }],
      ['m3', '赵老师', { role: Role.Marker, allianceId: a.id, subject: '数学' }],
      ['scanner', '扫描员', { role: Role.Scanner, allianceId: a.id, schoolId: schoolIds[0] }],
    ];
    for (const [name, displayName, grant] of users) {
      const u = await createUser(env.ds, name, password, [grant]);
      await env.ds.getRepository(User).update({ id: u.id }, { displayName });
      ids.set(name, u.id);
    }
    const served = await servePages(env);
    ({ base, close: closePages } = served);
    s = await seedMarkingExam(env.ds, served.app.get(BlobStore), {
      allianceId: a.id,
      schoolIds,
      uploaderId: ids.get('scanner')!,
      studentsPerSchool: 3,
      items: [
        { label: '17', mode: MarkingMode.Double, maxScore: 10, tolerance: 1 },
        { label: '18', mode: MarkingMode.Single, maxScore: 8 },
      ],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const loggedIn = (username: string) => loggedInPage(browser, base, username, password);
  const shot = (page: Page, name: string, fullPage = false) =>
    SHOTS ? page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage }) : Promise.resolve();
  const row = (page: Page, itemId: number) => page.locator(`#items tr.item-${itemId}`);

  it('the lead makes a 题块, assigns two markers, sets tolerance and cap; markers see why they have answers or not', async () => {
    const [i17, i18] = s.items;
    const { context, page } = await loggedIn('lead');
    await page.locator('#links a', { hasText: '阅卷设置' }).click();
    await page.waitForURL(`${base}/marking-setup`);
    await page.locator('#warnings', { hasText: '第17题不在任何题块中，也没有阅卷教师' }).waitFor();
    await shot(page, 'marking-setup-empty');

    await page.fill('#block-name', '解答题');
    await page.locator(`#block-items [data-item="${i17.id}"]`).click();
    await page.click('#block-create');
    const block = page.locator('.ms-block[data-block="解答题"]');
    await block.waitFor();
    await expect(page.locator('#warnings').textContent()).resolves.toContain('题块「解答题」还没有分配阅卷教师');
    await block.locator(`[data-marker="${ids.get('m1')}"]`).click();
    await block.locator(`[data-marker="${ids.get('m2')}"]`).click();
    await block.locator('[data-act=save-markers]').click();
    await page.locator('#ok', { hasText: '题块「解答题」的阅卷教师已保存（2 位）' }).waitFor();
    // 6 answers double-marked by two markers: 6 each.
    for (const m of ['m1', 'm2'])
      await expect(page.locator(`#workload tr.marker-${ids.get(m)} .ms-expected`).textContent()).resolves.toBe('6');
    await expect(page.locator('#idle-markers').textContent()).resolves.toContain('赵老师');

    await row(page, i17.id).locator('.ms-tolerance').fill('2');
    await row(page, i17.id).locator('.ms-cap').fill('50');
    await row(page, i17.id).locator('[data-act=save-item]').click();
    await page.locator('#ok', { hasText: '第17题的设置已保存' }).waitFor();
    expect((await env.ds.getRepository(Item).findOneByOrFail({ id: i17.id })).tolerance).toBe(2);
    expect((await env.ds.getRepository(ItemQcSetting).findOneByOrFail({ itemId: i17.id })).dailyCap).toBe(50);
    await shot(page, 'marking-setup-assigned', true);

    // 试评: the first answer of item 18 becomes a trial answer with a definitive score; pass on at least 1 of 1.
    await row(page, i18.id).locator('[data-act=open-qc]').click();
    const drawer = page.locator('.el-drawer');
    const first = drawer.locator('.ms-answer').first();
    await first.locator('img').waitFor();
    await first.locator('.ref-score').fill('6');
    await first.locator('[data-act=trial]').click();
    await page.locator('#ok', { hasText: '已设为试评卷，标准分 6 分' }).waitFor();
    // The second answer becomes a seed, mixed in at 10 % with its own tolerance of 1.
    const second = drawer.locator('.ms-answer').nth(1);
    await second.locator('.ref-score').fill('5');
    await second.locator('[data-act=seed]').click();
    await page.locator('#ok', { hasText: '已设为测评卷，标准分 5 分' }).waitFor();
    await drawer.locator('#seed-rate').fill('10');
    await drawer.locator('#seed-tolerance').fill('1');
    await drawer.locator('#trial-required').check();
    await drawer.locator('#trial-needed').fill('1');
    await shot(page, 'marking-setup-trial');
    await drawer.locator('#qc-save').click();
    await page.locator('#ok', { hasText: '第18题的试评与测评卷设置已保存' }).waitFor();
    expect(await env.ds.getRepository(ReferenceAnswer).countBy({ itemId: i18.id, kind: 'trial' as never })).toBe(1);
    await expect(row(page, i18.id).locator('.ms-qc').textContent()).resolves.toContain('≥1 份在误差内自动上岗');
    await expect(row(page, i18.id).locator('.ms-qc').textContent()).resolves.toContain('测评卷 1 份，比例 10');
    const qc18 = await env.ds.getRepository(ItemQcSetting).findOneByOrFail({ itemId: i18.id });
    expect([qc18.trialRequired, qc18.trialPassRate, qc18.seedRate, qc18.seedTolerance]).toEqual([true, 1, 0.1, 1]);
    await context.close();

    // The assigned marker gets answers; the unassigned one reads why it has none (not "全部评完", not in green).
    const m1 = await loggedIn('m1');
    await m1.page.goto(`${base}/mark?examId=${s.exam.id}`);
    await m1.page.locator('#snippet:not([hidden])').waitFor();
    await expect(m1.page.locator('#item').textContent()).resolves.toBe('第17题 满分10分 步长1');
    await shot(m1.page, 'mark-assigned');
    await m1.page.locator('#score').fill('4');
    await m1.page.keyboard.press('Enter');
    await m1.page.locator('#msg', { hasText: '已提交：4分' }).waitFor();
    await m1.context.close();

    const m3 = await loggedIn('m3');
    await m3.page.goto(`${base}/mark?examId=${s.exam.id}`);
    await m3.page.locator('#done[data-reason=unassigned]').waitFor();
    await expect(m3.page.locator('#item').textContent()).resolves.toBe('未分配题块');
    await expect(m3.page.locator('#done').textContent()).resolves.toContain('您还没有被分配题块');
    expect(await m3.page.locator('#done.finished').count()).toBe(0);
    await shot(m3.page, 'mark-unassigned');
    await m3.context.close();
  });

  it('after marking started the item’s rules are read-only, with the reason', async () => {
    const i17 = s.items[0];
    const { context, page } = await loggedIn('lead');
    await page.goto(`${base}/marking-setup?examId=${s.exam.id}`);
    await page.locator(`#locks .lock-${i17.id}`, { hasText: '本题已开始阅卷（已有 1 次评分）' }).waitFor();
    expect(await row(page, i17.id).locator('.ms-tolerance').count()).toBe(0);
    expect(await row(page, i17.id).locator('.ms-mode').count()).toBe(0);
    await expect(row(page, i17.id).locator('.ms-fixed').allTextContents()).resolves.toEqual(['双评', '2', '1']);
    // The cap stays editable.
    expect(await row(page, i17.id).locator('.ms-cap').inputValue()).toBe('50');
    // Item 18 has not started: still editable.
    expect(await row(page, s.items[1].id).locator('.ms-tolerance').count()).toBe(1);
    await shot(page, 'marking-setup-locked', true);
    await context.close();
  });

  it('the admin reaches 进度监控 from the home page and reads the figures the database holds', async () => {
    const [i17, i18] = s.items;
    const { context, page } = await loggedIn('admin');
    await page.locator('#links a', { hasText: '进度监控' }).click();
    await page.waitForURL(`${base}/monitor`);
    await page.locator('#scanning .mo-schools').waitFor();
    const tasks = env.ds.getRepository(MarkingTask);
    for (const it of [i17, i18]) {
      const r = page.locator(`#marking .mo-items tr.item-${it.id}`);
      const open =
        (await tasks.countBy({ itemId: it.id, status: 'pending' as never })) +
        (await tasks.countBy({ itemId: it.id, status: 'leased' as never }));
      const final = await env.ds.getRepository(FinalItemScore).countBy({ itemId: it.id });
      await expect(r.locator('.c-answers').textContent()).resolves.toBe(String(s.snippets.get(it.id)!.length));
      await expect(r.locator('.c-final').textContent()).resolves.toBe(String(final));
      await expect(r.locator('.c-open').textContent()).resolves.toBe(String(open));
    }
    await expect(page.locator('#marking .mo-items tr.item-' + i17.id + ' .c-rate').textContent()).resolves.toBe('1');
    await expect(page.locator(`#marking .mo-items tr.item-${i18.id} .c-eta`).textContent()).resolves.toBe(
      '未分配阅卷教师',
    );
    for (const schoolId of schoolIds) {
      const r = page.locator(`#scanning tr.school-${schoolId}`);
      await expect(r.locator('.c-expected').textContent()).resolves.toBe('3');
      await expect(r.locator('.c-pages').textContent()).resolves.toBe('3');
      await expect(r.locator('.c-unscanned').textContent()).resolves.toBe('0');
    }
    await expect(page.locator('#scan-total').textContent()).resolves.toContain('应考 6 人');
    await shot(page, 'monitor', true);
    await context.close();
  });
});
