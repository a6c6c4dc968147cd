import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, screenshot } from './chromium.ts';

if (chromiumMissing) console.log(`browser tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== undefined)('the browser test harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('behavior: headless Chromium loads a page served on loopback, clicks, and keeps a screenshot', async () => {
    const server = createServer((_, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<button onclick="this.textContent=\'clicked\'">click me</button>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.click('button');
      expect(await page.textContent('button')).toBe('clicked');
      expect(existsSync(await screenshot(page, 'harness'))).toBe(true);
    } finally {
      server.close();
    }
  });
});
