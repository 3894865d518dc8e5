// A scanner in a real Chromium: logs in, uploads scans through the page, watches them being read by the
// real worker, and sees the page that could not be read in the exceptions list with its Chinese reason.
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';
import { createUser } from '../support/fixtures.js';
import { describeInBrowser, launchBrowser, optionTexts, selectById } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describeInBrowser('scanner page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let browser: Browser;
  let base: string;
  let fx: ScanExam;

  beforeAll(async () => {
    env = await createTestEnv('scanner_browser');
    fx = await seedScanExam(env.ds, { studentsA: 2, studentsB: 1 });
    await createUser(env.ds, 'scanner_a', 'pass-scan-a', [
      { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA },
    ]);
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorkers(env.config, { processors: [scanIngestProcessor, pageCopyProcessor], logger: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('uploads through the page and lists the unreadable page with its reason', async () => {
    // Two students of school A (one sheet page each would be two pages; the fixture's sheet has two pages),
    // plus one sheet whose exam number is not on the roster.
    const students = [...fx.studentsA.map((s) => ({ examNo: s.examNo })), { examNo: '20259999' }];
    const { files } = await generateSyntheticScans(fx.layout, fx.synthetic, students, {
      seed: 5,
      dpi: 150,
      distortion: 'slight',
      format: 'jpeg',
    });
    const dir = mkdtempSync(join(tmpdir(), 'scanner-page-'));
    const paths = files.map((f) => {
      const p = join(dir, f.name);
      writeFileSync(p, f.data);
      return p;
    });

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/login?next=/scans`);
    await page.fill('input[name=username]', 'scanner_a');
    await page.fill('input[name=password]', 'pass-scan-a');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/scans`);
    // Only the scanner's own school is offered.
    expect(await optionTexts(selectById(page, 'school'))).toEqual(['城关一中']);
    // The sheets of the exam, for anyone and personalised for this school: the personalised PDF downloads in the page's session.
    const personal = page.locator('#sheets a.personal');
    await personal.waitFor();
    expect(await page.locator('#sheets').innerText()).toContain('数学');
    const pdf = await page.request.get(`${base}${await personal.getAttribute('href')}`);
    expect([pdf.status(), pdf.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    await page.setInputFiles('#files', paths);
    await page.click('#send');
    await page.locator('#upmsg', { hasText: `已接收 ${files.length} 页` }).waitFor({ timeout: 30_000 });
    // The status line from before the upload also says 排队中 0: wait for the one that counts these pages.
    await page
      .locator('#status', { hasText: new RegExp(`共 ${files.length} 页.*排队中 0`) })
      .waitFor({ timeout: 60_000 });
    await page.locator('#exceptions', { hasText: '20259999' }).waitFor({ timeout: 10_000 });
    const exceptions = await page.locator('#exceptions').innerText();
    expect(exceptions).toContain('不在名单中');
  });
});
