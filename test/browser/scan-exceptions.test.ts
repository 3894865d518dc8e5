// The exceptions workflow in a real Chromium: a scanner uploads sheets through /scans (read by the real worker),
// sees the sheet whose exam number is not on the roster, assigns it to the right student (the page says it is queued
// for reading again) and watches it turn read (the page after it with it); confirms a half-filled bubble in the OMR
// review; marks a student 缺考. The database then holds exactly that.
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { OmrReview } from '../../src/scans/entities/omr-review.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { mulberry32, NO_DISTORTION, renderSyntheticPage } from '../support/synthetic/synthetic-scan.js';
import { encodeGray } from '../support/synthetic/synthetic-scans.js';
import { rereadProcessor } from '../../workers/processors/reread.processor.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';
import { describeInBrowser, launchBrowser, openSelect, selectById } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import { drawMark } from '../support/omr-corpus.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describeInBrowser('scan exceptions in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let browser: Browser;
  let base: string;
  let fx: ScanExam;
  let scannerId: number;

  beforeAll(async () => {
    env = await createTestEnv('scan_exc_browser');
    fx = await seedScanExam(env.ds, { studentsA: 3, studentsB: 1 });
    scannerId = (
      await createUser(env.ds, 'scanner_a', 'pass-scan-a', [
        { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA },
      ])
    ).id;
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorkers(env.config, {
      processors: [scanIngestProcessor, pageCopyProcessor, rereadProcessor],
      logger: false,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  /** Page `pageNo` of a sheet (items 1–6 answered A, B, C, D, A, B); `halfB` leaves item 1 as a half-filled B. */
  async function sheetPage(examNo: string, pageNo: number, seed: number, halfB = false) {
    const choices: Record<number, string> = Object.fromEntries(
      fx.items.slice(0, 6).map((it, n) => [it.id, 'ABCDAB'[n]]),
    );
    if (halfB) delete choices[fx.items[0].id];
    const img = renderSyntheticPage(
      fx.layout,
      pageNo,
      { examNo, choices, subjective: {} },
      { dpi: 150, distortion: NO_DISTORTION, seed },
    );
    if (halfB)
      drawMark(
        img,
        150 / 72,
        fx.layout.pages[0].objective.find((b) => b.itemId === fx.items[0].id)!.bubbles[1],
        'half',
        mulberry32(9),
      );
    return encodeGray(img, 'png');
  }

  it('assigns the unreadable sheet to its student, confirms a bubble, marks a student absent', async () => {
    const [a0, a1, a2] = fx.studentsA;
    // In scan order: A0's sheet (item 1 half-filled), then a sheet whose exam number is not on the roster: it is A1's.
    const files = [
      ['a0-1.png', await sheetPage(a0.examNo, 1, 1, true)],
      ['a0-2.png', await sheetPage(a0.examNo, 2, 1)],
      ['x-1.png', await sheetPage('20259999', 1, 2)],
      ['x-2.png', await sheetPage('20259999', 2, 2)],
    ] as const;
    const dir = mkdtempSync(join(tmpdir(), 'scan-exc-'));
    const paths = files.map(([name, data]) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    });

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/login?next=/scans`);
    await page.fill('input[name=username]', 'scanner_a');
    await page.fill('input[name=password]', 'pass-scan-a');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/scans`);
    await openSelect(selectById(page, 'school')); // the schools are there: the page has loaded
    await page.keyboard.press('Escape');
    await page.setInputFiles('#files', paths);
    await page.click('#send');
    await page.locator('#status', { hasText: /共 4 页.*排队中 0/ }).waitFor({ timeout: 60_000 });

    // The queue, by reason: the unknown exam number and the page after it.
    await page.locator('#reasons', { hasText: '考号不在名单中（1）' }).waitFor({ timeout: 10_000 });
    const x1 = await env.ds.getRepository(ScannedPage).findOneByOrFail({ originalName: 'x-1.png' });
    const x2 = await env.ds.getRepository(ScannedPage).findOneByOrFail({ originalName: 'x-2.png' });
    const row = page.locator(`#exceptions .exc[data-page="${x1.id}"]`);
    expect(await row.innerText()).toContain('考号 20259999 不在名单中');
    expect(
      await row
        .locator('img')
        .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0),
    ).toBe(true);

    // Pick the student from the roster list (exam number and name) and assign.
    await row.locator('.pick').fill(`${a1.examNo} ${a1.name}`);
    await row.locator('button[data-act=assign]').click();
    await page.locator('#excmsg', { hasText: `已提交重新识别（考号 ${a1.examNo}）` }).waitFor({ timeout: 30_000 });
    // The page refreshes itself while pages wait to be read: the sheet and the page after it leave the exceptions.
    await page.locator('#exceptions', { hasText: '暂无' }).waitFor({ timeout: 30_000 });
    await page.locator('#status', { hasText: '已识别 4，排队中 0，异常 0' }).waitFor({ timeout: 30_000 });

    // OMR review: item 1 of A0's sheet, confirmed as B.
    const review = await env.ds.getRepository(OmrReview).findOneByOrFail({ studentId: a0.id, itemId: fx.items[0].id });
    const omr = page.locator(`#omr .omr[data-review="${review.id}"]`);
    expect(
      await omr
        .locator('img')
        .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0),
    ).toBe(true);
    await omr.locator('button[data-marked="B"]').click();
    await page.locator('#omrmsg', { hasText: '第1题' }).waitFor();
    expect(await page.locator('#omrmsg').innerText()).toContain('已确认为 B，得 3 分');

    // 缺考: A2 has no sheet.
    await page.locator('#rcounts', { hasText: '名单 3 人：已扫描 2，缺页 0，缺考 0，未扫描 1' }).waitFor();
    await page.locator(`#roster tr.student-${a2.id} button[data-act=absent]`).click();
    await page.locator('#rcounts', { hasText: '缺考 1，未扫描 0' }).waitFor();
    expect(await page.locator(`#roster tr.student-${a2.id}`).innerText()).toContain('缺考');

    // The database holds exactly that.
    const pages = await env.ds.getRepository(ScannedPage).find({ order: { id: 'ASC' } });
    expect(pages.map((p) => [p.originalName, p.status, p.studentId, p.forcedStudentId])).toEqual([
      ['a0-1.png', PageStatus.Processed, a0.id, null],
      ['a0-2.png', PageStatus.Processed, a0.id, null],
      ['x-1.png', PageStatus.Processed, a1.id, a1.id],
      ['x-2.png', PageStatus.Processed, a1.id, null],
    ]);
    expect(await env.ds.getRepository(ObjectiveResponse).countBy({ studentId: a1.id })).toBe(6);
    expect(
      await env.ds.getRepository(ObjectiveResponse).findOneByOrFail({ studentId: a0.id, itemId: fx.items[0].id }),
    ).toMatchObject({ marked: 'B', score: 3 });
    expect((await env.ds.getRepository(OmrReview).findOneByOrFail({ id: review.id })).status).toBe('resolved');
    const absences = await env.ds.getRepository(ExamAbsence).find();
    expect(absences.map((a) => [a.paperId, a.studentId, a.schoolId, a.markedBy])).toEqual([
      [fx.paper.id, a2.id, fx.schoolA, scannerId],
    ]);
    const actions = (
      await env.ds.getRepository(AuditLog).find({ where: { userId: scannerId }, order: { id: 'ASC' } })
    ).map((a) => `${a.action}:${a.entityId}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `assign_scan_page:${x1.id}`,
        `reingest_scan_page:${x2.id}`,
        `resolve_omr_review:${review.id}`,
        `mark_absent:${a2.id}`,
      ]),
    );
    expect(
      actions.filter((a) => a.startsWith('assign_') || a.startsWith('mark_absent') || a.startsWith('resolve_')),
    ).toHaveLength(3);
  });
});
