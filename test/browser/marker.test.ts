// The marker page in a real Chromium: log in, mark answers by keyboard only, check what reached the database.
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { MarkEvent } from '../../src/marking/entities/mark-event.entity.js';
import { MarkingTask, TaskStatus } from '../../src/marking/entities/marking-task.entity.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { seedMarkingExam, SeededExam } from '../e2e/marking-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { describeInBrowser, launchBrowser } from '../support/browser.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describeInBrowser('marker page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let base: string;
  let markerId: number;
  let seeded: SeededExam;

  beforeAll(async () => {
    env = await createTestEnv('marker_browser');
    const a = await createAlliance(env.ds);
    const s1 = await createSchool(env.ds, a.id, '城关中学', 'C1');
    const s2 = await createSchool(env.ds, a.id, '河口中学', 'C2');
    const scanner = await createUser(env.ds, 'scanner', 'pass-1234', [
      { role: Role.Scanner, allianceId: a.id, schoolId: s1.id },
    ]);
    markerId = (
      await createUser(env.ds, 'teacher', 'pass-1234', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }])
    ).id;
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    seeded = await seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId: a.id,
      schoolIds: [s1.id, s2.id],
      uploaderId: scanner.id,
      studentsPerSchool: 2,
      markerIds: [markerId],
      items: [{ label: '18', mode: MarkingMode.Single, maxScore: 10, step: 0.5 }],
    });

    const login = await request(app.getHttpServer())
      .post('/api/auth/login')
      .send({ username: 'teacher', password: 'pass-1234' });
    expect(login.status).toBe(200);
    browser = await launchBrowser();
    const context = await browser.newContext();
    await context.addCookies([{ name: 'tk_session', value: login.body.token, url: base }]);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.get(JobProducer).queue(QUEUES.results).obliterate({ force: true });
    await app?.close();
    await env?.cleanup();
  });

  const snippetSrc = () => page.locator('#snippet').getAttribute('src');
  const leasesHeld = () => env.ds.getRepository(MarkingTask).countBy({ leasedBy: markerId, status: TaskStatus.Leased });
  async function until(check: () => Promise<boolean>, what: string) {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  /** Waits until the page shows an answer other than `previous`, loaded and ready for typing. */
  async function nextAnswerShown(previous: string | null) {
    await page.waitForFunction((prev) => {
      // Runs in the page (the test's tsconfig has no DOM types).
      const doc = (
        globalThis as unknown as { document: { getElementById(id: string): any; activeElement: { id: string } | null } }
      ).document;
      const img = doc.getElementById('snippet');
      return (
        !img.hidden &&
        img.getAttribute('src') !== prev &&
        img.complete &&
        img.naturalWidth > 0 &&
        doc.activeElement?.id === 'score'
      );
    }, previous);
  }

  it('marks answers with the keyboard only: scores, a refused score, a problem answer, then "all done"', async () => {
    // Every HTTP request the page makes, in the order it makes them, and the pictures it has received.
    const requests: string[] = [];
    let picturesReceived = 0;
    page.on('request', (r) => {
      if (/^https?:/.test(r.url())) requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    page.on('requestfinished', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/marking/snippets/')) picturesReceived++;
    });
    await page.goto(`${base}/mark?examId=${seeded.exam.id}`);
    await nextAnswerShown(null);
    await expect(page.locator('#item').textContent()).resolves.toBe('第18题 满分10分 步长0.5');
    // The next answer is fetched before this one is submitted: the marker holds two leases, and the page has both
    // pictures (the one shown and the next one) before Enter is pressed.
    await until(async () => (await leasesHeld()) === 2, 'the prefetch lease');
    await until(async () => picturesReceived === 2, 'the prefetched picture');

    // Between the Enter key and the next answer on screen the page sends exactly one request: the submit of the mark
    // that Enter makes. Timed in the page, on its one clock: the Enter keydown, the load of the new picture in
    // #snippet (a capture listener, so it runs before the page's own), and the start of every HTTP request (Resource
    // Timing). Pictures shown from memory (blob: URLs) are not network requests and Resource Timing has none.
    await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, any>;
      w.performance.clearResourceTimings();
      w.enterAt = w.shownAt = null;
      w.document.addEventListener(
        'keydown',
        (e: { key: string }) => e.key === 'Enter' && w.enterAt === null && (w.enterAt = w.performance.now()),
        true,
      );
      w.document.addEventListener(
        'load',
        (e: { target: { id?: string } }) =>
          e.target.id === 'snippet' && w.shownAt === null && (w.shownAt = w.performance.now()),
        true,
      );
    });
    const before = requests.length;
    let src = await snippetSrc();
    await page.keyboard.type('7.5');
    await page.keyboard.press('Enter');
    await nextAnswerShown(src);
    await expect(page.locator('#msg').textContent()).resolves.toBe('已提交：7.5分');
    // Then the answer after it is leased and its picture fetched.
    await until(async () => (await leasesHeld()) === 2 && picturesReceived === 3, 'the next prefetch');
    const timeline = await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, any>;
      return {
        enterAt: w.enterAt as number,
        shownAt: w.shownAt as number,
        started: (w.performance.getEntriesByType('resource') as { name: string; startTime: number }[])
          .filter((e) => /^https?:/.test(e.name))
          .map((e) => ({ path: new URL(e.name).pathname, at: e.startTime })),
      };
    });
    expect(timeline.enterAt).not.toBeNull();
    expect(timeline.shownAt).toBeGreaterThan(timeline.enterAt);
    const duringSwitch = timeline.started.filter((r) => r.at >= timeline.enterAt && r.at <= timeline.shownAt);
    expect(duringSwitch.map((r) => r.path)).toEqual([expect.stringMatching(/^\/api\/marking\/tasks\/\d+\/submit$/)]);
    const afterShown = timeline.started.filter((r) => r.at > timeline.shownAt).map((r) => r.path);
    expect(afterShown).toEqual(
      expect.arrayContaining(['/api/marking/next', expect.stringMatching(/^\/api\/marking\/snippets\//)]),
    );
    // Seen from outside the page: the first request after Enter is that submit, the next lease comes after it.
    const sinceEnter = requests.slice(before);
    expect(sinceEnter[0]).toMatch(/^POST \/api\/marking\/tasks\/\d+\/submit$/);
    expect(sinceEnter.indexOf('POST /api/marking/next')).toBeGreaterThan(0);

    // A score off the step is refused on the page; nothing is sent.
    src = await snippetSrc();
    await page.keyboard.type('6.3');
    await page.keyboard.press('Enter');
    await expect(page.locator('#msg').textContent()).resolves.toBe('分数应为 0–10 之间、步长 0.5 的整数倍');
    expect(await snippetSrc()).toBe(src);
    expect(await env.ds.getRepository(MarkEvent).countBy({ markerId })).toBe(1);
    await page.keyboard.type('6');
    await page.keyboard.press('Enter');
    await nextAnswerShown(src);

    // Q opens the problem reasons, 1 = blank.
    src = await snippetSrc();
    await page.keyboard.press('q');
    await page.locator('#problems.open').waitFor();
    await page.keyboard.press('1');
    await nextAnswerShown(src);
    await expect(page.locator('#msg').textContent()).resolves.toContain('问题卷（空白卷）');

    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    await page.locator('#item', { hasText: '本题已全部评完' }).waitFor();
    await expect(page.locator('#done').isVisible()).resolves.toBe(true);

    const marks = await env.ds.getRepository(MarkEvent).find({ where: { markerId }, order: { id: 'ASC' } });
    expect(marks.map((m) => [m.score, m.problem])).toEqual([
      [7.5, null],
      [6, null],
      [null, 'blank'],
      [10, null],
    ]);
    expect(new Set(marks.map((m) => m.clientId)).size).toBe(4);
    expect(marks.every((m) => /^[0-9a-f-]{32,36}$/.test(m.clientId))).toBe(true);
    expect(new Set(marks.map((m) => m.snippetId)).size).toBe(4);
    const finals = await env.ds.getRepository(FinalItemScore).findBy({ examId: seeded.exam.id });
    expect(finals.map((f) => f.score).sort((x, y) => x - y)).toEqual([6, 7.5, 10]);
    expect(await leasesHeld()).toBe(0);
    await page.locator('#progress', { hasText: '本人已评 4 份' }).waitFor();
  });
});
