import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { authed, servedApiTestEnv } from './test-env.ts';
import { TubeCheckPool } from './tube-check-pool.ts';
import { tubeChecker } from './tube-checker.ts';

// A registered tube whose module never finishes loading: a check of it never ends by itself.
const folder = mkdtempSync(join(tmpdir(), 'noob-check-pool-'));
writeFileSync(join(folder, 'spin.ts'), 'while (true) {}\nexport const x = () => 1;\n');
writeFileSync(join(folder, 'spin.yaml'), 'noob_id: spin\nnodes:\n  a:\n    type: ./spin.ts#x\n');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const SMALL = 'noob_id: small\nnodes:\n  a:\n    type: noob.testing.count_source\n';

/**
 * A valid tube of about 500 KB that costs a second or so to check: 1,000 nodes, each
 * depending on the 40 before it.
 */
function denseTube(): string {
  let text = 'noob_id: dense\nnodes:\n  n0:\n    type: noob.testing.count_source\n';
  for (let i = 1; i < 1_000; i++) {
    const deps: string[] = [];
    for (let j = Math.max(0, i - 40); j < i; j++) deps.push(j === 0 ? 'n0.index' : `n${j}.value`);
    text += `  n${i}:\n    type: noob.testing.multi_concat\n    depends: [${deps.join(',')}]\n`;
  }
  return text;
}

/** How a check ended: its summary, or the error's name and message. */
const outcome = (check: Promise<unknown>) =>
  check.then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.name, message: error.message }),
  );

describe('TubeCheckPool', () => {
  it('error: a check over timeoutMs ends its thread and refuses the tube, naming the limit; the next check works', async () => {
    // The spinning check never ends; the limit leaves a busy machine room for the next one.
    const pool = new TubeCheckPool({ tubePaths: [folder] }, { timeoutMs: 3_000 });
    try {
      const spun = await outcome(pool.check('acme', 'spin', {}));
      expect(spun).toMatchObject({ error: 'TubeLoadError' });
      expect((spun as { message: string }).message).toMatch(/took over 3000 ms, the limit/);
      expect(await pool.check('acme', SMALL, {})).toMatchObject({
        text: SMALL,
        id: 'small',
        nodeCount: 1,
      });
    } finally {
      await pool.close();
    }
  });

  it('error: a tenant past maxWaitingPerTenant gets TubeCheckBusyError while another tenant is checked', async () => {
    const pool = new TubeCheckPool(
      { tubePaths: [folder] },
      { threads: 2, timeoutMs: 60_000, maxWaitingPerTenant: 1 },
    );
    try {
      await pool.check('globex', SMALL, {}); // a thread started and idle
      const running = outcome(pool.check('acme', 'spin', {})); // holds acme's one thread
      const waiting = outcome(pool.check('acme', 'spin', {})); // acme's one waiting place
      expect(await outcome(pool.check('acme', SMALL, {}))).toMatchObject({
        error: 'TubeCheckBusyError',
      });
      // The other thread is never acme's: globex is checked at once.
      expect(await pool.check('globex', SMALL, {})).toMatchObject({ id: 'small' });
      await pool.close();
      expect(await running).toMatchObject({ error: 'TubeLoadError' });
      expect(await waiting).toMatchObject({ error: 'Error', message: /stopping/ });
    } finally {
      await pool.close();
    }
  });
});

describe('tubeChecker', () => {
  it('behavior: where the thread module is missing (a one-file bundle), tubes are checked in this thread', async () => {
    const checker = tubeChecker(
      { tubePaths: [folder] },
      { threadUrl: new URL('./no-such-thread.ts', import.meta.url) },
    );
    try {
      expect(await checker.check('acme', SMALL, {})).toMatchObject({ id: 'small', nodeCount: 1 });
      expect(await outcome(checker.check('acme', 'nodes: [', {}))).toMatchObject({
        error: 'TubeLoadError',
      });
    } finally {
      await checker.close();
    }
  });
});

describe('tube checks off the API event loop', () => {
  it("behavior: /healthz and another tenant's requests are answered while a pathological tube is checked", async () => {
    // However busy the machine, the dense tube's check ends by itself, not by the limit.
    vi.stubEnv('NOOB_TUBE_CHECK_TIMEOUT_MS', '120000');
    const env = await servedApiTestEnv();
    vi.unstubAllEnvs();
    try {
      const post = (key: string, tube: string) =>
        fetch(`${env.url}/v1/jobs`, authed(key, 'POST', { tube, epochs: 1 }));
      // Threads started, so what follows measures checking, not a thread's start.
      expect((await post(env.globex, 'testing-basic')).status).toBe(202);
      const seen: string[] = [];
      let pending = true;
      const dense = post(env.acme, denseTube()).then(async (response) => {
        seen.push(`acme ${response.status}`);
        pending = false;
      });
      const probes = (async () => {
        // Bounded: the check ends (or its 10 s limit does) long before this many probes.
        for (let i = 0; i < 5_000 && pending; i++) {
          await sleep(10);
          const health = await fetch(`${env.url}/healthz`);
          if (pending) seen.push(`healthz ${health.status}`);
          if (i === 0) {
            const other = await post(env.globex, 'testing-basic');
            if (pending) seen.push(`globex ${other.status}`);
            const list = await fetch(`${env.url}/v1/jobs`, authed(env.globex));
            if (pending) seen.push(`globex list ${list.status}`);
          }
        }
      })();
      await Promise.all([dense, probes]);
      const before = seen.slice(0, seen.indexOf('acme 202'));
      expect(seen).toContain('acme 202');
      expect(before).toContain('globex 202');
      expect(before).toContain('globex list 200');
      // In the API's own thread the check would block every request until it ends.
      expect(before.filter((s) => s === 'healthz 200').length).toBeGreaterThanOrEqual(10);
    } finally {
      await env.close();
    }
  });
});
