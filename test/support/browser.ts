// Debian's Chromium driven by playwright-core. CI installs it (.ci/run), so there a missing browser is a
// failure; on a developer machine without it the browser tests are skipped with a message.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
