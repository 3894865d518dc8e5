// Debian's Chromium driven by playwright-core. CI installs it (.ci/run), so there a missing browser is a
// failure; on a developer machine without it the browser tests are skipped with a message.
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createApiApp } from '../../src/app.factory.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import type { TestEnv } from './test-env.js';

export const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is there, `describe.skip` (with a warning) when not; throws under CI. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  if (!hasChromium) console.warn(`browser test "${name}" skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  (hasChromium ? describe : describe.skip)(name, fn);
}

/** Headless, and without background networking: this machine's closed network refuses those connections. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The API and its pages on a free port of 127.0.0.1, for a browser to visit; `close` also empties the queues it used. */
export async function servePages(
  env: TestEnv,
): Promise<{ app: INestApplication; base: string; close: () => Promise<void> }> {
  const app = await createApiApp(env.config, { logger: false });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    async close() {
      for (const q of Object.values(QUEUES)) await app.get(JobProducer).queue(q).obliterate({ force: true });
      await app.close();
    },
  };
}

/**
 * The options of an Element Plus select (`select`: its `.el-select` element), opened. The select renders them in a
 * list outside itself, which its combobox names in aria-controls.
 */
export async function openSelect(select: Locator): Promise<Locator> {
  await select.locator('.el-select__wrapper').click();
  const list = await select.locator('[role=combobox]').getAttribute('aria-controls');
  const options = select.page().locator(`[id="${list}"] [role=option]`);
  await options.first().waitFor();
  return options;
}

/** The option texts of an Element Plus select (opened to read them, then closed). */
export async function optionTexts(select: Locator): Promise<string[]> {
  const texts = (await (await openSelect(select)).allInnerTexts()).map((t) => t.trim());
  await select.page().keyboard.press('Escape');
  return texts;
}

/** Picks the option with exactly this text in an Element Plus select. */
export async function chooseOption(select: Locator, text: string): Promise<void> {
  const options = await openSelect(select);
  await options.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).click();
}

/** Answers the page's message box (Element Plus): types `input` into it when given, then clicks `button`. */
export async function answerMessageBox(page: Page, button: string, input?: string): Promise<void> {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  if (input !== undefined) await box.locator('input').fill(input);
  await box.locator('button', { hasText: button }).click();
  await box.waitFor({ state: 'detached' });
}

/** The `.el-select` element around the control with this id (Element Plus puts the id on its inner input). */
export const selectById = (page: Page, id: string): Locator =>
  page.locator('.el-select', { has: page.locator(`#${id}`) });

/**
 * A new 1366×768 browser context logged in as `username` through the login page, landed on `next` (default the home
 * page): the page and its context (close the context when done).
 */
export async function loggedInPage(
  browser: Browser,
  base: string,
  username: string,
  password: string,
  next = '/',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(next === '/' ? `${base}/login` : `${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}${next}`);
  return { context, page };
}

/** The page's full width in CSS pixels (wider than the window means a horizontal scroll bar at 1366×768). */
export function documentWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );
}
