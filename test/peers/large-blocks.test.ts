import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTube } from '../../core/tube/load.ts';
import { seriesTotal } from '../../peers/test-peer.fixture.ts';
import { type PeerProcess, startPeerProcesses } from './peer-process.ts';

/**
 * Blocks too large to ride inline (64 KiB and 1 MiB results and task inputs) on three
 * `noob peer` processes: the runs give the sync runner's results, and each peer opens (and
 * is asked on) about one block stream per submitter, however many blocks go through them.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const LARGE = join(import.meta.dirname, 'tubes', 'large.yaml');
const EPOCHS = 6;

let peers: PeerProcess[] = [];
let expected: unknown[];
beforeAll(async () => {
  peers = await startPeerProcesses(3);
  const sync = new SyncRunner(await loadTube(LARGE));
  expected = await sync.run(EPOCHS);
  await sync.deinit();
}, 60_000);
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.stop()));
});

/** A series of the peers' /metrics, summed over peers and labels. */
async function summed(name: string): Promise<number> {
  let total = 0;
  for (const peer of peers)
    total += seriesTotal(await (await fetch(`${peer.health}/metrics`)).text(), name);
  return total;
}

describe('large blocks', () => {
  it('behavior: 64 KiB and 1 MiB values travel on one long-lived block stream per peer pair, trusted and in quorum', async () => {
    const bootstrap = peers.map((peer) => peer.tcp).join(',');
    const runs = [[], ['--verification', 'quorum:3/2']];
    for (const extra of runs) {
      const { stdout } = await run(
        process.execPath,
        [
          join(ROOT, 'bin', 'noob.js'),
          'run',
          LARGE,
          '-n',
          String(EPOCHS),
          '--runner',
          'p2p',
          '--bootstrap',
          bootstrap,
          '--json',
          ...extra,
        ],
        { cwd: ROOT, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(JSON.parse(stdout)).toEqual(expected);
    }
    // Each executor fetched every large task input it ran (4 of 6 nodes per epoch are
    // past the inline limit: 2 pads' results and 2 measures' inputs), and the submitter
    // the large results from the peers.
    const fetched = await summed('noob_peer_blocks_fetched_total');
    expect(fetched).toBeGreaterThanOrEqual(2 * EPOCHS);
    // A stream per fetch would be as many streams as blocks (and more: results fetched
    // from the peers count on their side as streams asked on). One per peer pair and
    // direction: each peer opened at most one to each submitter and was asked on at most
    // one from each, per run.
    const opened = await summed('noob_peer_block_streams_opened_total');
    expect(opened).toBeGreaterThan(0);
    // (Slack of one reopened stream per peer: a stream that died is opened again.)
    expect(opened).toBeLessThanOrEqual(peers.length * runs.length * 2 + peers.length);
    expect(opened).toBeLessThan(fetched);
  }, 300_000);
});
