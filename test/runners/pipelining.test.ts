import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpRunner } from '../../core/runners/http/runner.ts';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTube } from '../../core/tube/load.ts';
import { startWorkerServer } from '../../functions/worker/serve.ts';
import { OWN } from '../conformance/suite.ts';

describe('several epochs in flight', () => {
  it('behavior: a concurrent run(n) overlaps epochs of a chain tube, with the same results as sync', async () => {
    // count → sleepy (stateless, 40 ms) → return: one call per epoch at a time, so any
    // overlap seen by the worker comes from epochs running side by side.
    const tube = await loadTube(join(OWN, 'slow.yaml'));
    const server = await startWorkerServer({ capacity: 16 });
    try {
      const runner = new HttpRunner(tube, { workers: [server.url], token: server.token });
      const results = await runner.run(8);
      await runner.deinit();
      const sync = new SyncRunner(tube);
      expect(results).toEqual(await sync.run(8));
      await sync.deinit();
      const auth = { authorization: `Bearer ${server.token}` };
      const load = (await (await fetch(`${server.url}/v1/load`, { headers: auth })).json()) as {
        peakInFlight: number;
      };
      expect(load.peakInFlight).toBeGreaterThan(1);
    } finally {
      await server.close();
    }
  });
});
