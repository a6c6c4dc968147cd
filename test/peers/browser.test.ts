import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import type { BrowserPeerStatus } from '../../peers/browser/main.ts';
import type { Peer } from '../../peers/peer.ts';
import { TaskWorker } from '../../peers/task-worker.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';
import { chromiumMissing, launchChromium, screenshot } from '../browser/chromium.ts';
import { type PeerProcess, startPeerProcess } from './peer-process.ts';

/**
 * A browser peer in headless Chromium: the page `noob peer` serves joins over WebSockets
 * and stands in quorums beside Node peers (one `noob peer` process, one in this process).
 */
/** What the page keeps in `window` (evaluated in the page). */
type PageGlobals = { noobPeer: BrowserPeerStatus };

if (chromiumMissing) console.log(`browser peer tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== undefined)('the browser peer', () => {
  let host: PeerProcess;
  let browser: Browser;
  let page: Page;
  let client: Peer;
  let browserId: string;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    host = await startPeerProcess();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`browser peer page: ${error.message}`));
    await page.goto(`${host.health}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).noobPeer?.state !== 'starting',
      undefined,
      {
        timeout: 60_000,
      },
    );
    const status = await page.evaluate(() => (globalThis as unknown as PageGlobals).noobPeer);
    expect(status.error).toBeUndefined();
    browserId = status.peerId;
    const node = await startTestPeer(stops, { bootstrap: [host.tcp] });
    const worker = new TaskWorker({ peer: node, executor: new TaskExecutor() });
    await worker.start();
    stops.push(async () => worker.stop());
    // The client listens on WebSockets too: executors fetch the task blocks from it.
    client = await startTestPeer(stops, {
      bootstrap: [host.tcp],
      listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
      executes: false,
    });
    await vi.waitFor(
      () => expect(client.directory.live([], true).map((p) => p.id)).toContain(browserId),
      { timeout: 30_000, interval: 100 },
    );
    await vi.waitFor(() => expect(client.directory.live([], true)).toHaveLength(3), {
      timeout: 30_000,
      interval: 100,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(stops.map((stop) => stop()));
    await host?.stop();
  });

  it('behavior: its results are accepted by a quorum of 3 of 3 with two Node peers', async () => {
    const tube = await loadTube(join(import.meta.dirname, 'tubes', 'square.yaml'));
    const runner = new P2PRunner(tube, {
      peer: client,
      verification: { mode: 'quorum', k: 3, q: 3 },
      deadlineMs: 3000,
    });
    try {
      expect(await runner.run(4)).toEqual([0, 1, 4, 9]);
    } finally {
      await runner.deinit();
    }
    // Every verdict needed all three equal answers: the browser's among them.
    const verdicts = Object.values(client.ledger.document.verdicts).flatMap(Object.values);
    expect(verdicts).toHaveLength(4);
    for (const verdict of verdicts) expect(verdict.executors).toContain(browserId);
    await expect
      .poll(() => page.textContent('[data-field="tasks run"]'), { timeout: 5000 })
      .not.toBe('0');
    await screenshot(page, 'browser-peer');
  }, 120_000);
});
