// The whole exam of an alliance, from what the CLI leaves (an alliance and its first admin) to 成绩发布, through the
// pages wherever a person would use them: the admin sets up three schools, their classes and rosters and the accounts,
// creates a two-subject exam with its timetable, generates exam numbers and rooms and prints the 准考证; each subject
// lead makes a 题块 and assigns its markers. The papers, the scans and the marks come through the API as the leads'
// authoring, the scanners' uploads and the markers' workstation send them. The admin computes and releases on the
// exams page, and the principal then fetches the school's report. Screens at 1366×768 go to FLOW_SHOTS (default a
// temporary folder) to be looked at.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { ItemType, OBJECTIVE_TYPES } from '../../src/exams/entities/item.entity.js';
import { OrgService } from '../../src/org/org.service.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { DEMO_ENGLISH_PAPER, DEMO_PAPER } from '../../tools/demo/demo-alliance.js';
import { HttpClient } from '../../tools/demo/http-client.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import {
  answerMessageBox,
  chooseOption,
  describeInBrowser,
  launchBrowser,
  selectById,
  servePages,
} from '../support/browser.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { readTallyScore } from '../support/synthetic/synthetic-tally.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SHOTS = process.env.FLOW_SHOTS ?? join(tmpdir(), 'tongkao-flow-shots');
const ADMIN = { username: 'flow_admin', password: 'first-admin-pw' };
const PW = 'init-pass-1';
const EXAM = '2026年秋季七年级期中学业质量监测';
const SCHOOLS = [
  { name: '城关第一中学', code: 'CG1', kind: '龙头校', locality: '城区' },
  { name: '河口中学', code: 'HK', kind: '成员校', locality: '乡村' },
  { name: '府河中学', code: 'FH', kind: '成员校', locality: '乡村' },
];
const PER_SCHOOL = 3;
const rosterNo = (si: number, k: number) => `2026${si + 1}0${k + 1}`;

describeInBrowser('an alliance exam from the CLI to 成绩发布 through the pages', () => {
  let env: TestEnv;
  let closePages: () => Promise<void>;
  let worker: WorkerHost;
  let browser: Browser;
  let base: string;
  let examId: number;
  const papers: { subject: string; id: number; layout: SheetLayout; items: any[] }[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await createTestEnv('alliance_flow');
    const served = await servePages(env);
    ({ base, close: closePages } = served);
    await served.app.get(OrgService).bootstrapAlliance({
      name: '城关教联体',
      code: 'FLOW',
      adminUsername: ADMIN.username,
      adminPassword: ADMIN.password,
      adminDisplayName: '王主任',
    });
    worker = await startWorkers(env.config, { logger: false, reconcile: false });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await closePages?.();
    await env?.cleanup();
  });

  const loginAs = async (username: string, password: string, next = '/'): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}${next}`);
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const api = (username: string, password = PW) => new HttpClient(base).login(username, password);
  const count = async (sql: string, params: unknown[]) => Number((await env.ds.query(sql, params))[0].n);
  const until = async (what: string, ok: () => Promise<boolean>, ms = 180_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('the admin sets up schools, classes, rosters and accounts on the setup pages', async () => {
    const page = await loginAs(ADMIN.username, ADMIN.password);
    await page.locator('#setup-checklist li[data-step=schools] a').click();
    await page.waitForURL(`${base}/schools`);
    for (const s of SCHOOLS) {
      await page.locator('#school-name').fill(s.name);
      await page.locator('#school-code').fill(s.code);
      await page.locator('#school-kind label', { hasText: s.kind }).click();
      await page.locator('#school-locality label', { hasText: s.locality }).click();
      await page.locator('#save-school').click();
      await page.locator('#smsg', { hasText: `已添加“${s.name}”` }).waitFor();
      await chooseOption(selectById(page, 'class-school'), s.name);
      await page.locator('#class-grade').fill('七年级');
      await page.locator('#class-names').fill('七(1)班');
      await page.locator('#add-classes').click();
      await page.locator('#cmsg', { hasText: `已为${s.name}添加` }).waitFor();
    }
    await shot(page, '01-schools');

    await page.goto(`${base}/roster`);
    for (const [si, s] of SCHOOLS.entries()) {
      const lines = ['考号,姓名,班级'];
      for (let k = 0; k < PER_SCHOOL; k++) lines.push(`${rosterNo(si, k)},学生${si + 1}${k + 1},七(1)班`);
      await chooseOption(selectById(page, 'roster-school'), s.name);
      await page
        .locator('#roster-file')
        .setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
      await page.locator('#preview').click();
      await page.locator('#plan-summary', { hasText: `将新增 ${PER_SCHOOL} 名` }).waitFor();
      await page.locator('#apply').click();
      await page.locator('#rmsg', { hasText: `已更新${s.name}的名单` }).waitFor();
    }
    await shot(page, '02-roster');

    await page.goto(`${base}/users`);
    const create = async (username: string, name: string, role: string, scope: string) => {
      await page.locator('#new-username').fill(username);
      await page.locator('#new-display-name').fill(name);
      await page.locator('#new-password').fill(PW);
      await chooseOption(selectById(page, 'new-role-0'), role);
      if (role === '校长' || role === '扫描员') await chooseOption(selectById(page, 'new-school-0'), scope);
      else await page.locator('#new-subject-0').fill(scope);
      await page.locator('#create-user').click();
      await page
        .locator('#cmsg', { hasText: `已创建账号 ${username}` })
        .waitFor()
        .catch(async (e) => {
          await shot(page, `03-users-failed-${username}`);
          throw new Error(
            `${username}: ${
              (await page
                .locator('#cerr')
                .textContent()
                .catch(() => '')) ?? ''
            } ${e}`,
          );
        });
    };
    await create('mathlead', '林组长', '学科组长', '数学');
    await create('englishlead', '何组长', '学科组长', '英语');
    for (const m of ['mathm1', 'mathm2']) await create(m, `数学阅卷${m.slice(-1)}`, '阅卷教师', '数学');
    for (const m of ['engm1', 'engm2']) await create(m, `英语阅卷${m.slice(-1)}`, '阅卷教师', '英语');
    for (const [si, s] of SCHOOLS.entries()) await create(`scanner${si + 1}`, `扫描员${si + 1}`, '扫描员', s.name);
    await create('principal1', '陈校长', '校长', SCHOOLS[0].name);
    await shot(page, '03-users');
    await page.goto(`${base}/`);
    await page.locator('#setup-checklist li[data-step=users].done').waitFor();
    await page.context().close();
  }, 300_000);

  it('creates the two-subject exam with its timetable on the exams page', async () => {
    const page = await loginAs(ADMIN.username, ADMIN.password, '/exams');
    const form = page.locator('#create');
    await form.locator('input[name=name]').fill(EXAM);
    await chooseOption(selectById(page, 'gradeYear'), '七年级');
    await page.locator('#rule', { hasText: '七年级属于义务教育非毕业年级' }).waitFor();
    await form.locator('input[name=examDate]').fill('2026-11-10');
    await form.locator('input[name=examDate]').press('Enter');
    await form.locator('button[type=submit]').click();
    await page.locator('#cmsg', { hasText: `已新建“${EXAM}”（七年级·学业质量监测）` }).waitFor();
    const row = page.locator('#exams tbody tr', { hasText: EXAM });
    await row.locator('.ex-timetable').click();
    const tt = page.locator('.timetable-dialog');
    await tt.locator('input[name=subject0]').fill('数学');
    await tt.locator('#tt-add').click();
    await tt.locator('input[name=subject1]').fill('英语');
    await tt.locator('#tt-save').click();
    await page.locator('#msg', { hasText: '已保存' }).waitFor();
    await shot(page, '04-exam');
    [{ id: examId }] = await env.ds.query('SELECT id FROM exam WHERE name = ?', [EXAM]);
    await page.context().close();
  }, 120_000);

  it('the leads author and lock both papers and lay out their sheets (API)', async () => {
    for (const [def, lead] of [
      [DEMO_PAPER, 'mathlead'],
      [DEMO_ENGLISH_PAPER, 'englishlead'],
    ] as const) {
      const c = await api(lead);
      const paper = await c.json('POST', `/api/exams/${examId}/papers`, def);
      await c.json('POST', `/api/papers/${paper.id}/lock`);
      const layout: SheetLayout = await c.json('POST', `/api/papers/${paper.id}/sheet`, { examNoDigits: 8 });
      const full = await c.json('GET', `/api/papers/${paper.id}`);
      const items = full.items.map((i: any) => ({
        id: i.id,
        label: i.label,
        type: i.type,
        maxScore: Number(i.maxScore),
        scoreStep: Number(i.scoreStep),
        answerKey: i.answerKey,
        optionCount: i.optionCount,
      }));
      papers.push({ subject: def.subject, id: paper.id, layout, items });
    }
    expect(await count("SELECT COUNT(*) AS n FROM paper WHERE exam_id = ? AND status = 'locked'", [examId])).toBe(2);
  }, 120_000);

  it('generates exam numbers and rooms on the 考务 page and prints a 准考证 with the right number', async () => {
    const page = await loginAs(ADMIN.username, ADMIN.password, `/kaowu`);
    await page
      .locator('#summary')
      .waitFor({ timeout: 15_000 })
      .catch(async (e) => {
        await shot(page, '05-kaowu-failed');
        throw e;
      });
    await shot(page, '05-kaowu-empty');
    expect(await page.locator('#summary').innerText()).toContain(`本次考试共 ${3 * PER_SCHOOL} 名考生`);
    await page.click('#gen-numbers');
    await page.locator('#msg', { hasText: `已为 ${3 * PER_SCHOOL} 名考生生成 8 位考号` }).waitFor();
    await page.click('#allocate');
    await page.locator('#msg', { hasText: '已编排' }).waitFor();
    await shot(page, '05-kaowu');
    const [c] = await env.ds.query(
      'SELECT c.exam_number AS no, s.name FROM exam_candidate c JOIN student s ON s.id = c.student_id WHERE c.exam_id = ? ORDER BY c.exam_number LIMIT 1',
      [examId],
    );
    const res = await page.context().request.get(`${base}/api/exams/${examId}/candidates/tickets.pdf`);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const file = join(SHOTS, 'tickets.pdf');
    writeFileSync(file, await res.body());
    const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
    expect(text).toContain(c.no);
    expect(text).toContain(c.name);
    expect(text).toContain('英语');
    await page.context().close();
  }, 120_000);

  it('each subject lead makes a 题块 of the subjective items and assigns its two markers on the set-up page', async () => {
    for (const [lead, subject, markers] of [
      ['mathlead', '数学', ['mathm1', 'mathm2']],
      ['englishlead', '英语', ['engm1', 'engm2']],
    ] as const) {
      const page = await loginAs(lead, PW, `/marking-setup?examId=${examId}`);
      const paper = papers.find((p) => p.subject === subject)!;
      const subjective = paper.items.filter((i) => !OBJECTIVE_TYPES.includes(i.type as ItemType));
      await page.fill('#block-name', `${subject}解答题`);
      for (const it of subjective) await page.locator(`#block-items [data-item="${it.id}"]`).click();
      await page.click('#block-create');
      const block = page.locator(`.ms-block[data-block="${subject}解答题"]`);
      await block.waitFor();
      for (const m of markers) {
        const [{ id }] = await env.ds.query('SELECT id FROM user WHERE username = ?', [m]);
        await block.locator(`[data-marker="${id}"]`).click();
      }
      await block.locator('[data-act=save-markers]').click();
      await page.locator('#ok', { hasText: `题块「${subject}解答题」的阅卷教师已保存（2 位）` }).waitFor();
      await shot(page, `06-marking-setup-${subject}`);
      await page.context().close();
    }
    const n = await count(
      'SELECT COUNT(*) AS n FROM marker_assignment a JOIN item i ON i.id = a.item_id JOIN paper p ON p.id = i.paper_id WHERE p.exam_id = ?',
      [examId],
    );
    expect(n).toBe(2 * papers.flatMap((p) => p.items).filter((i) => !OBJECTIVE_TYPES.includes(i.type)).length);
  }, 180_000);

  it("the scanners upload every student's sheets and the markers mark every answer (API)", async () => {
    const numbers = new Map<string, string>(
      (
        await env.ds.query(
          'SELECT s.exam_no AS r, c.exam_number AS n FROM exam_candidate c JOIN student s ON s.id = c.student_id WHERE c.exam_id = ?',
          [examId],
        )
      ).map((x: { r: string; n: string }) => [x.r, x.n]),
    );
    const [{ id: firstSchool }] = await env.ds.query('SELECT id FROM school WHERE code = ?', [SCHOOLS[0].code]);
    for (const [si, s] of SCHOOLS.entries()) {
      const [{ id: schoolId }] = await env.ds.query('SELECT id FROM school WHERE code = ?', [s.code]);
      const files: { name: string; data: Buffer; type: string }[] = [];
      for (const [pi, paper] of papers.entries()) {
        const students = Array.from({ length: PER_SCHOOL }, (_, k) => ({
          examNo: numbers.get(rosterNo(si, k))!,
          ability: 0.4 + 0.15 * k + 0.05 * si,
        }));
        const { files: f } = await generateSyntheticScans(paper.layout, paper.items, students, {
          seed: 7000 + 100 * si + pi,
          format: 'jpeg',
          distortion: 'slight',
        });
        files.push(...f.map((x) => ({ name: `${paper.subject}-${x.name}`, data: x.data, type: 'image/jpeg' })));
      }
      await (await api(`scanner${si + 1}`)).upload(`/api/exams/${examId}/scans`, files, { schoolId: String(schoolId) });
    }
    expect(firstSchool).toBeGreaterThan(0);
    const pages = 3 * PER_SCHOOL * papers.length;
    await until('every page read', async () => {
      const rows: { status: string; n: number }[] = await env.ds.query(
        'SELECT status, COUNT(*) AS n FROM scanned_page WHERE exam_id = ? GROUP BY status',
        [examId],
      );
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      if (by.exception) throw new Error(`pages not read: ${JSON.stringify(rows)}`);
      return by.processed === pages;
    });

    const markAll = async (who: string) => {
      const m = await api(who);
      for (;;) {
        const task = await m.json('POST', '/api/marking/next', { examId });
        if (!task) return;
        const img = await m.bytes(task.snippetUrl);
        const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
        const gray = { width: info.width, height: info.height, data: new Uint8Array(data) };
        const score = Math.min(task.maxScore, readTallyScore(gray, task.scoreStep));
        await m.json('POST', `/api/marking/tasks/${task.taskId}/submit`, {
          score,
          clientId: `${who}-${task.taskId}-${task.round ?? ''}`,
          secondsSpent: 20,
        });
      }
    };
    await Promise.all(['mathm1', 'mathm2', 'engm1', 'engm2'].map(markAll));
    const open = await count(
      'SELECT COUNT(*) AS n FROM answer_snippet s LEFT JOIN final_item_score f ON f.item_id = s.item_id AND f.student_id = s.student_id WHERE s.exam_id = ? AND f.item_id IS NULL',
      [examId],
    );
    expect(open).toBe(0);
  }, 600_000);

  it('the admin computes and releases the results on the exams page; the principal then gets the report', async () => {
    const page = await loginAs(ADMIN.username, ADMIN.password, '/exams');
    const row = page.locator('#exams tbody tr', { hasText: EXAM });
    await row.locator('.ex-compute').click();
    const box = page.locator('.el-message-box:visible');
    if (await box.isVisible({ timeout: 3000 }).catch(() => false)) await answerMessageBox(page, '仍要计算');
    await page.locator('#msg', { hasText: '已开始计算成绩' }).waitFor();
    await until('results and every report', async () => {
      const done = await count("SELECT COUNT(*) AS n FROM report WHERE exam_id = ? AND status = 'ready'", [examId]);
      return done === SCHOOLS.length;
    });
    await page.reload();
    await row.locator('.ex-release').click();
    const dialog = page.locator('.release-dialog');
    await dialog.locator('text=扫描、异常处理和阅卷均已完成').waitFor(); // nothing unfinished: no reason asked
    expect(await dialog.locator('#rd-unfinished li').count()).toBe(0);
    await page.waitForTimeout(500); // the dialog's opening animation, for the screenshot
    await shot(page, '07-release-dialog');
    await dialog.locator('#rd-submit').click();
    await page.locator('#msg', { hasText: '校长现在可以查看' }).waitFor();
    await row.locator('.es-tag', { hasText: '已发布' }).waitFor();
    await shot(page, '08-released');
    await page.context().close();
    const [rel] = await env.ds.query(
      'SELECT r.score_version AS released, (SELECT SUM(version) FROM score_version v WHERE v.exam_id = r.exam_id) AS current FROM results_release r WHERE r.exam_id = ?',
      [examId],
    );
    expect(Number(rel.released)).toBe(Number(rel.current));

    const principal = await api('principal1');
    const [{ id: schoolId }] = await env.ds.query('SELECT id FROM school WHERE code = ?', [SCHOOLS[0].code]);
    const pdf = await principal.bytes(`/api/reports/${examId}/${schoolId}.pdf`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');
    expect(text).toContain(SCHOOLS[0].name);
  }, 600_000);
});
