import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleFlags, startWorkerPool } from './workers.ts';

describe('worker pool', () => {
  it('behavior: stop() lets every worker exit 0 by itself on SIGTERM (no SIGKILL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-workers-'));
    try {
      const pool = await startWorkerPool(join(dir, 'noob.db'), 3);
      // A grace period past the test's timeout: a worker that hangs fails the test
      // instead of being killed.
      const pids = pool.pids;
      expect(pids).toHaveLength(3);
      const exits = await pool.stop(120_000);
      expect(exits).toEqual(pids.map((pid) => ({ pid, code: 0, signal: null })));
      expect(pool.alive).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('moduleFlags', () => {
  it("behavior: a policy becomes noob worker's flags", () => {
    expect(moduleFlags('allow')).toEqual(['--allow-modules']);
    expect(moduleFlags('deny')).toEqual(['--no-modules']);
    expect(moduleFlags({ allow: [] })).toEqual(['--no-modules']);
    expect(moduleFlags({ allow: ['/srv/tubes', 'lodash'] })).toEqual([
      '--allow-modules=/srv/tubes,lodash',
    ]);
  });

  it('error: an entry with a comma cannot be passed on', () => {
    expect(() => moduleFlags({ allow: ['/srv/a,b'] })).toThrow(/cannot name "\/srv\/a,b"/);
  });
});
