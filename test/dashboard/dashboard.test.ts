import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/queue/clock.ts';
import { Queue } from '../../core/queue/queue.ts';
import { authed } from '../../functions/api/test-env.ts';
import { chromiumMissing, launchChromium, screenshot } from '../browser/chromium.ts';
import { type DashboardPlatform, dashboardPlatform, openDashboard } from './platform.ts';

/**
 * The dashboard in headless Chromium against the real job API, queue, worker and
 * coordinator on 127.0.0.1: every view and action as a user meets it, each view kept as a
 * screenshot in test-artifacts/screenshots/dashboard-*.png.
 */

if (chromiumMissing) console.log(`dashboard browser tests skipped: ${chromiumMissing}`);

const WAIT = { timeout: 30_000 };
let browser: Browser;
let platform: DashboardPlatform;
const contexts: BrowserContext[] = [];
let pageErrors: string[] = [];

beforeAll(async () => {
  if (chromiumMissing) return;
  browser = await launchChromium();
  platform = await dashboardPlatform();
});
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  expect(pageErrors).toEqual([]);
  pageErrors = [];
});

/** A new page signed in with `key` (or at the key form without one). */
async function open(key?: string, viewport?: { width: number; height: number }): Promise<Page> {
  const { context, page, errors } = await openDashboard(browser, platform, {
    ...(key ? { key } : {}),
    ...(viewport ? { viewport } : {}),
  });
  contexts.push(context);
  pageErrors = errors;
  return page;
}

/** Submit a job through the API as `key`'s tenant; its id. */
async function submit(key: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${platform.url}v1/jobs`, authed(key, 'POST', body));
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** The page's globals, as its own script sees them (evaluated in the page). */
interface PageWindow {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    getElementById(id: string): {
      scrollWidth: number;
      clientWidth: number;
      getBoundingClientRect(): { top: number; bottom: number };
    };
  };
  innerHeight: number;
  scrollTo(x: number, y: number): void;
}

const row = (page: Page, id: string) => page.locator(`#jobs-body tr[data-id="${id}"]`);
const node = (page: Page, id: string) => page.locator(`#detail-graph g[data-node="${id}"]`);

describe.skipIf(chromiumMissing !== undefined)('the dashboard in Chromium', () => {
  it('behavior: a wrong key is refused in words; the right one opens the dashboard', async () => {
    const page = await open();
    await page.locator('#key-form').waitFor();
    await screenshot(page, 'dashboard-key');
    await page.fill(
      '#key-input',
      'noob_0000000000000000_not-a-key-at-all-not-a-key-at-all-not-a-k',
    );
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#message'), WAIT).toMatch(/API key was refused/);
    await page.fill('#key-input', platform.acme);
    await page.click('#key-form button[type=submit]');
    await page.locator('#main').waitFor(WAIT);
    expect(await page.isHidden('#key-form')).toBe(true);
  });

  it('behavior: a job submitted in the form opens in view and shows its graph, node status, duration and results live', async () => {
    const page = await open(platform.acme);
    await page.locator('#main').waitFor(WAIT);
    await page.fill('#submit-tube', 'example-shout');
    await page.fill('#submit-epochs', '3');
    await page.click('#submit-form button[type=submit]');
    await page.locator('#detail').waitFor(WAIT);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('succeeded');
    // The graph: every node, edges from each source, the TypeScript node's calls done.
    await node(page, 'shouted').and(page.locator('[data-state="done"]')).waitFor(WAIT);
    const ids = await page
      .locator('#detail-graph g[data-node]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node')));
    expect(ids).toEqual(['words', 'letters', 'shouted', 'together', 'joined', 'out']);
    expect(
      await page.locator('#detail-graph path.edge[data-from="letters"][data-to="shouted"]').count(),
    ).toBe(1);
    expect(await node(page, 'shouted').textContent()).toMatch(/\d+ done.*mean \d/);
    expect(await node(page, 'words').getAttribute('class')).toContain('stateful');
    expect(await page.textContent('#detail-times')).toMatch(/took \d/);
    expect(await page.textContent('#detail-results')).toContain('shouted');
    // The list agrees with the detail without a reload, and the row is marked as the one open.
    const id = (await page.textContent('#detail-id'))!;
    await expect.poll(() => row(page, id).getAttribute('data-state'), WAIT).toBe('succeeded');
    expect(await row(page, id).getAttribute('class')).toContain('selected');
    expect(
      await page.evaluate(() => {
        const { document, innerHeight } = globalThis as unknown as PageWindow;
        const box = document.getElementById('detail').getBoundingClientRect();
        return box.top < innerHeight && box.bottom > 0;
      }),
    ).toBe(true);
    const shot = await screenshot(page, 'dashboard-job');
    // The README's picture is this view (docs/dashboard.png, refreshed when asked).
    if (process.env.NOOB_UPDATE_DOCS_SCREENSHOT) {
      copyFileSync(shot, join(import.meta.dirname, '..', '..', 'docs', 'dashboard.png'));
    }
  });

  it('behavior: a row clicked opens that job in view; a job submitted elsewhere joins the list by itself', async () => {
    const page = await open(platform.acme);
    await page.locator('#jobs-body tr.job').first().waitFor(WAIT);
    const id = await submit(platform.acme, { tube: 'testing-basic', epochs: 2 });
    await row(page, id).waitFor(WAIT); // no reload, no click
    await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 0));
    await row(page, id).click();
    await expect.poll(() => page.textContent('#detail-id'), WAIT).toBe(id);
    expect(page.url()).toContain(`#job=${id}`);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('succeeded');
    expect(await node(page, 'b').getAttribute('data-state')).toBe('done');
    // Events name each call's node and epoch, not only its CID.
    await expect
      .poll(() => page.textContent('#detail-events'), WAIT)
      .toMatch(/tasks\.succeeded\s+\d+ calls?: b #\d/);
  });

  it('behavior: the job list is pushed: a job submitted through the API joins it and changes state with no reload and no list read', async () => {
    const page = await open(platform.acme);
    await expect.poll(() => page.textContent('#jobs-live'), WAIT).toBe('● live');
    const id = await submit(platform.acme, { tube: 'conformance-slow', epochs: 300 });
    await row(page, id).waitFor(WAIT); // no reload, no click
    // From now on the list cannot be read: it must be told.
    let listReads = 0;
    await page.route(/\/v1\/jobs(\?|$)/, (route) => {
      listReads++;
      return route.fulfill({ status: 503, body: '{"error":{"code":"test","message":"no"}}' });
    });
    await expect.poll(() => row(page, id).getAttribute('data-state'), WAIT).toBe('succeeded');
    expect(await row(page, id).textContent()).toMatch(/300\/300/);
    expect(listReads).toBe(0);
    await screenshot(page, 'dashboard-live-list');
  });

  it('behavior: while a job runs, its row in the list never says other than its open detail', async () => {
    const page = await open(platform.acme);
    await expect.poll(() => page.textContent('#jobs-live'), WAIT).toBe('● live');
    const id = await submit(platform.acme, { tube: 'conformance-slow', epochs: 300 });
    await page.goto(`${platform.url}#job=${id}`);
    await row(page, id).waitFor(WAIT);
    // Compared in the page on every change of either, and every 10 ms, until the job is done.
    await page.evaluate((jobId) => {
      const page = globalThis as any;
      const seen: string[] = [];
      const compare = () => {
        const detail = page.document.getElementById('detail-state').textContent;
        const shown = page.document.querySelector(`#jobs-body tr[data-id="${jobId}"]`);
        if (!detail || !shown) return;
        if (shown.dataset.state !== detail) seen.push(`${shown.dataset.state} / ${detail}`);
      };
      new page.MutationObserver(compare).observe(page.document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      page.setInterval(compare, 10);
      page.contradictions = seen;
    }, id);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('succeeded');
    await expect.poll(() => row(page, id).getAttribute('data-state'), WAIT).toBe('succeeded');
    expect(await page.evaluate(() => (globalThis as any).contradictions)).toEqual([]);
  });

  it('behavior: a job that cannot move says what it waits for', async () => {
    const id = await submit(platform.acme, { tube: 'testing-basic', tags: ['gpu-none'] });
    const page = await open(platform.acme);
    await page.goto(`${platform.url}#job=${id}`);
    await page.locator('#detail-waiting').waitFor(WAIT);
    expect(await page.textContent('#detail-waiting')).toMatch(/^Waiting: .*gpu-none/);
    await screenshot(page, 'dashboard-waiting');
    await fetch(`${platform.url}v1/jobs/${id}`, authed(platform.acme, 'DELETE'));
  });

  it("behavior: a job's logs are shown with node and epoch, stderr apart", async () => {
    const id = await submit(platform.acme, { tube: 'dashboard-chatty', epochs: 2 });
    const page = await open(platform.acme);
    await page.goto(`${platform.url}#job=${id}`);
    await expect.poll(() => page.locator('#detail-logs li').count(), WAIT).toBe(4);
    const lines = await page.locator('#detail-logs li').allTextContents();
    expect(lines.some((line) => /talk #0.*talking about 0/.test(line))).toBe(true);
    expect(lines.some((line) => /talk #1.*talking about 1/.test(line))).toBe(true);
    expect(await page.locator('#detail-logs li.stderr').count()).toBe(2);
    expect(await page.locator('#detail-logs li.stderr').first().textContent()).toMatch(
      /a warning about/,
    );
    await screenshot(page, 'dashboard-logs');
  });

  it('behavior: a failed job shows its error in words, the failing node, and its dead letter, which Retry queues again', async () => {
    const id = await submit(platform.acme, { tube: 'own-error', retry: { attempts: 1 } });
    const page = await open(platform.acme);
    await page.goto(`${platform.url}#job=${id}`);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('failed');
    const error = (await page.textContent('#detail-error'))!;
    expect(error).toMatch(/node b/);
    expect(error).not.toMatch(/[{}"]\s*"?code"?\s*:/); // words, not JSON
    await expect.poll(() => node(page, 'b').getAttribute('data-state'), WAIT).toBe('failed');
    expect(await node(page, 'b').textContent()).toMatch(/1 failed/);
    const letter = page.locator(`#dead-body tr.dead-letter:has(button[data-job="${id}"])`);
    await letter.waitFor(WAIT);
    expect(await letter.textContent()).toMatch(/b.*0.*1.*Error/s);
    await screenshot(page, 'dashboard-failed');
    await letter.locator('button[data-job]').click();
    await expect
      .poll(() => page.textContent('#message'), WAIT)
      .toMatch(/queued again: 1 failed call/);
    // It runs again, and fails again (the node always throws): the detail follows it.
    await expect
      .poll(() => page.locator('#detail-events li', { hasText: 'job.failed' }).count(), WAIT)
      .toBe(2);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('failed');
  });

  it('behavior: cancelling asks first; keeping the job leaves it running, confirming cancels it', async () => {
    const id = await submit(platform.acme, { tube: 'conformance-slow', epochs: 5000 });
    const page = await open(platform.acme);
    await page.goto(`${platform.url}#job=${id}`);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toMatch(/queued|running/);
    await page.click('#detail-cancel');
    await page.locator('#confirm[open]').waitFor(WAIT);
    expect(await page.textContent('#confirm-text')).toContain(id);
    await screenshot(page, 'dashboard-cancel');
    await page.click('#confirm button[value=no]');
    expect(await page.isVisible('#confirm')).toBe(false);
    const kept = (await (
      await fetch(`${platform.url}v1/jobs/${id}`, authed(platform.acme))
    ).json()) as any;
    expect(kept.state).not.toBe('cancelled');
    await page.click('#detail-cancel');
    await page.click('#confirm-yes');
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('cancelled');
    await expect.poll(() => row(page, id).getAttribute('data-state'), WAIT).toBe('cancelled');
  });

  it("behavior: the queue panel shows a tenant its own counts and workers' load only, an operator all of it; a dead worker is marked", async () => {
    // Work for globex that no worker will take (a tag none offers): queued tasks.
    await platform.queue.submitJob({
      tenant: 'globex',
      kind: 'tasks',
      tasks: ['g1', 'g2', 'g3'].map((cid) => ({ cid, tags: ['gpu-none'] })),
    });
    const past = new Queue(platform.queue.driver, {
      clock: new ManualClock(Date.now() - 10 * 60_000),
    });
    await past.registerWorker('worker-killed-earlier');
    const acme = await open(platform.acme);
    await expect.poll(() => acme.textContent('#queue-scope'), WAIT).toMatch(/your tenant/);
    await expect
      .poll(() => acme.textContent('#workers-body'), WAIT)
      .toMatch(/worker-killed-earlier/);
    const dead = acme.locator('#workers-body tr.worker.dead');
    expect(await dead.textContent()).toMatch(/worker-killed-earlier.*dead/);
    expect(await acme.locator('#workers-body tr.worker:not(.dead)').first().textContent()).toMatch(
      /alive/,
    );
    const queued = async (page: Page) =>
      Number(await page.locator('#depth-body tr:first-child td:last-child').textContent());
    const acmeQueued = await queued(acme);
    await screenshot(acme, 'dashboard-queue-tenant');
    const ops = await open(platform.ops);
    await expect.poll(() => ops.textContent('#queue-scope'), WAIT).toMatch(/all tenants/);
    await expect.poll(() => queued(ops), WAIT).toBeGreaterThanOrEqual(acmeQueued + 3);
    await expect.poll(() => ops.textContent('#latency'), WAIT).toMatch(/mean run/);
    expect(await acme.isHidden('#latency')).toBe(true);
    await screenshot(ops, 'dashboard-queue-operator');
    const globex = await open(platform.globex);
    await expect.poll(() => queued(globex), WAIT).toBe(3);
    expect(acmeQueued).toBe(0);
  });

  it('behavior: when the API stops answering the page says it is offline, and recovers when it is back', async () => {
    const page = await open(platform.acme);
    await page.locator('#jobs-body tr.job').first().waitFor(WAIT);
    await platform.stopServer();
    try {
      await page.locator('#offline').waitFor(WAIT);
      expect(await page.textContent('#offline')).toMatch(/does not answer/);
      expect(await page.textContent('#jobs-live')).toBe('polling every second');
      expect(await page.locator('#jobs-body tr.job').count()).toBeGreaterThan(0); // kept, dimmed
      await screenshot(page, 'dashboard-offline');
    } finally {
      await platform.startServer();
    }
    await page.locator('#offline').waitFor({ state: 'hidden', ...WAIT });
    expect(await page.locator('body.offline').count()).toBe(0);
    // The list's push stream is back too (the list was polled meanwhile).
    await expect.poll(() => page.textContent('#jobs-live'), WAIT).toBe('● live');
  });

  it('behavior: on a phone the page fits the screen; tables stack, the graph scrolls in its box', async () => {
    const id = await submit(platform.acme, { tube: 'example-shout', epochs: 1 });
    const page = await open(platform.acme, { width: 390, height: 844 });
    await page.goto(`${platform.url}#job=${id}`);
    await expect.poll(() => page.textContent('#detail-state'), WAIT).toBe('succeeded');
    await node(page, 'out').waitFor(WAIT);
    const overflow = await page.evaluate(() => {
      const { documentElement } = (globalThis as unknown as PageWindow).document;
      return documentElement.scrollWidth - documentElement.clientWidth;
    });
    expect(overflow).toBe(0);
    expect(await page.locator('#jobs thead').isHidden()).toBe(true);
    expect(
      await page.evaluate(() => {
        const box = (globalThis as unknown as PageWindow).document.getElementById('detail-graph');
        return box.scrollWidth > box.clientWidth;
      }),
    ).toBe(true);
    await screenshot(page, 'dashboard-phone');
  });
});

it('the README shows a screenshot of the dashboard', () => {
  expect(existsSync(join(import.meta.dirname, '..', '..', 'docs', 'dashboard.png'))).toBe(true);
});
