import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Real-browser tests drive Debian's Chromium through playwright-core (never a browser a
 * test tool downloads: this machine's network is closed). `npm test` installs the package
 * when it is missing and the user is root (scripts/bootstrap.mjs); `.ci/run` runs as root.
 */

/** Where the browser is looked for: NOOB_CHROMIUM, then Debian's and other usual paths. */
export function findChromium(): string | undefined {
  const candidates = [
    process.env.NOOB_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

/** Why browser tests cannot run here, or undefined when they can (for `describe.skipIf`). */
export const chromiumMissing: string | undefined =
  findChromium() === undefined
    ? 'no Chromium found (apt-get install chromium, or set NOOB_CHROMIUM)'
    : undefined;

/**
 * Flags for a headless Chromium as root on a machine with a closed network: without the
 * background-networking ones it keeps dialling Google's hosts and logging refusals.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launch headless Chromium; the caller closes it (afterAll). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(chromiumMissing);
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}

/** Screenshots are test artifacts: kept in test-artifacts/screenshots/ (not committed). */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Save a full-page screenshot as `<name>.png` among the test artifacts; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
