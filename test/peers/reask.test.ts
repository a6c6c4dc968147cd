import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import type { Verification } from '../../peers/messages.ts';
import type { Peer } from '../../peers/peer.ts';
import { TaskWorker } from '../../peers/task-worker.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';

/**
 * The same calls asked for again with another verification: a job run trusted, then the
 * same tube in quorum (what `noob serve --peers` does when one tenant asks for each).
 * Peers that stood by for the trusted ask must serve in the quorum at once, not once the
 * trusted ask is forgotten. The deadline is made long (10 minutes) so that waiting for
 * that is never what lets the test pass.
 */
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const DEADLINE_MS = 600_000;

async function run(client: Peer, verification: Verification) {
  const runner = new P2PRunner(await loadTube(join(import.meta.dirname, 'tubes', 'square.yaml')), {
    peer: client,
    verification,
    deadlineMs: DEADLINE_MS,
  });
  try {
    // Bounded: with the standbys of the trusted ask kept out, the quorum would wait for
    // the commit deadline (10 minutes).
    return await runner.run(4, { signal: AbortSignal.timeout(90_000) });
  } finally {
    await runner.deinit();
  }
}

describe('a call asked for again', () => {
  it('behavior: peers standing by for a trusted ask of a call serve in a quorum ask of the same call', async () => {
    const first = await startTestPeer(stops);
    const bootstrap = [first.addresses[0]!];
    const peers = [
      first,
      await startTestPeer(stops, { bootstrap }),
      await startTestPeer(stops, { bootstrap }),
    ];
    for (const peer of peers) {
      const worker = new TaskWorker({ peer, executor: new TaskExecutor() });
      await worker.start();
      stops.push(async () => worker.stop());
    }
    const client = await startTestPeer(stops, { bootstrap, executes: false });
    await vi.waitFor(() => expect(client.directory.live([], true)).toHaveLength(3), {
      timeout: 20_000,
      interval: 50,
    });
    expect(await run(client, { mode: 'trusted' })).toEqual([0, 1, 4, 9]);
    expect(await run(client, { mode: 'quorum', k: 3, q: 2 })).toEqual([0, 1, 4, 9]);
  }, 240_000);
});
