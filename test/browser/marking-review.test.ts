// 回评 in a real Chromium: a marker logs in, marks five answers by keyboard alone (one flagged as a problem),
// changes one through 回评, and the database shows exactly that: the old mark kept, superseded by the new one.
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { MarkEvent } from '../../src/marking/entities/mark-event.entity.js';
import { MarkSupersession } from '../../src/marking/entities/qc.entities.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { seedMarkingExam, SeededExam } from '../e2e/marking-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { describeInBrowser, launchBrowser } from '../support/browser.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describeInBrowser('回评 on the marker page in a browser', () => {
  let env: TestEnv;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let base: string;
  let markerId: number;
  let leadToken: string;
  let seeded: SeededExam;

  beforeAll(async () => {
    env = await createTestEnv('marking_review_browser');
    const a = await createAlliance(env.ds);
    const s1 = await createSchool(env.ds, a.id, '城关中学', 'R1');
    const s2 = await createSchool(env.ds, a.id, '河口中学', 'R2');
    const scanner = await createUser(env.ds, 'scanner', 'pass-1234', [
      { role: Role.Scanner, allianceId: a.id, schoolId: s1.id },
    ]);
    markerId = (
      await createUser(env.ds, 'teacher', 'pass-1234', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }])
    ).id;
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    // Double marking: nobody else marks, so the teacher's marks stay open to 回评 (no final score yet).
    seeded = await seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId: a.id,
      schoolIds: [s1.id, s2.id],
      uploaderId: scanner.id,
      studentsPerSchool: 3,
      markerIds: [markerId],
      items: [{ label: '19', mode: MarkingMode.Double, maxScore: 10, step: 0.5, tolerance: 1 }],
    });
    await createUser(env.ds, 'zuzhang', 'pass-1234', [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]);
    leadToken = (
      await request(app.getHttpServer()).post('/api/auth/login').send({ username: 'zuzhang', password: 'pass-1234' })
    ).body.token;
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

  async function nextAnswerShown(previous: string | null) {
    await page.waitForFunction((prev) => {
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
  const src = () => page.locator('#snippet').getAttribute('src');

  it('marks five answers by keyboard, flags one, changes one through 回评', async () => {
    await page.goto(`${base}/mark?examId=${seeded.exam.id}`);
    await nextAnswerShown(null);
    for (const key of ['7', '8.5', 'Q', '3', '9']) {
      const before = await src();
      if (key === 'Q') {
        await page.keyboard.press('q');
        await page.locator('#problems.open').waitFor();
        await page.keyboard.press('2'); // illegible
      } else {
        await page.keyboard.type(key);
        await page.keyboard.press('Enter');
      }
      await nextAnswerShown(before);
    }
    const marked = await env.ds.getRepository(MarkEvent).find({ where: { markerId }, order: { id: 'ASC' } });
    expect(marked.map((m) => [m.score, m.problem])).toEqual([
      [7, null],
      [8.5, null],
      [null, 'illegible'],
      [3, null],
      [9, null],
    ]);

    // R opens 回评, newest first, the first input focused; Tab to the second newest (the 3), type 4.5, Enter.
    await page.keyboard.press('r');
    await page.locator('#review:not([hidden]) input.revise').first().waitFor();
    await expect(page.locator('#reviewList li .row span').first().textContent()).resolves.toBe('第19题 · 9分');
    expect(await page.locator('#reviewList li').count()).toBe(5);
    await expect(page.locator('#reviewList li .row span').nth(2).textContent()).resolves.toBe(
      '第19题 · 问题卷（字迹无法辨认）',
    );
    await page.keyboard.press('Tab');
    await page.keyboard.type('4.5');
    await page.keyboard.press('Enter');
    await page.locator('#msg', { hasText: '已修改为 4.5 分' }).waitFor();
    await page.locator('#reviewList li .row span', { hasText: '第19题 · 4.5分' }).waitFor();

    // Exactly that in the database: six events, the 3 kept but superseded by a 4.5 on the same task and round.
    const all = await env.ds.getRepository(MarkEvent).find({ where: { markerId }, order: { id: 'ASC' } });
    expect(all.map((m) => [m.score, m.problem])).toEqual([
      [7, null],
      [8.5, null],
      [null, 'illegible'],
      [3, null],
      [9, null],
      [4.5, null],
    ]);
    const [old, revised] = [all[3], all[5]];
    expect(revised).toMatchObject({
      taskId: old.taskId,
      round: old.round,
      snippetId: old.snippetId,
      refEventId: old.id,
      kind: 'live',
    });
    const sup = await env.ds.getRepository(MarkSupersession).find();
    expect(sup.map((x) => [x.markEventId, x.reason, x.replacementEventId, x.byUserId])).toEqual([
      [old.id, 'review', revised.id, markerId],
    ]);

    // Esc goes back to marking with the current answer still there.
    await page.locator('#reviewList input.revise').first().focus();
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ===
        'score',
    );
    expect(await page.locator('#review').isHidden()).toBe(true);
  });

  it('the subject lead sees the marker on the console and suspends them from the page', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'tk_session', value: leadToken, url: base }]);
    const lead = await context.newPage();
    const errors: string[] = [];
    lead.on('pageerror', (e) => errors.push(e.message));
    await lead.goto(`${base}/lead?examId=${seeded.exam.id}`);
    const row = lead.locator(`tr.marker-${markerId}`);
    await row.waitFor();
    // The per-item progress chart is drawn (ECharts renders into a canvas), above the table of figures.
    await lead.locator('#console .tk-chart canvas').waitFor();
    // Five counting marks (the changed one replaces the 3), one of them a problem flag: four scores 7, 8.5, 4.5, 9.
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('5');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('7.25');
    await row.locator('button[data-act="suspend"]').click();
    await lead.locator('#ok', { hasText: '已暂停' }).waitFor();
    await lead.locator(`tr.marker-${markerId} .bad`, { hasText: '已暂停' }).waitFor();
    const state = await env.ds.query('SELECT suspended FROM marker_item_state WHERE marker_id = ? AND item_id = ?', [
      markerId,
      seeded.items[0].id,
    ]);
    expect(Number(state[0].suspended)).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
