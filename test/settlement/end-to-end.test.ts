import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim } from '../../contracts/client/actions/settle.ts';
import { escrowIdFor } from '../../contracts/client/escrow-id.ts';
import { testParameters } from '../../contracts/test/fixture.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openDriver } from '../../core/queue/open.ts';
import { toClaimItem, type WorkerClaim } from '../../core/settlement/claims.ts';
import { settle } from '../../core/settlement/pass.ts';
import { type PeerProcess, startPeerProcess } from '../peers/peer-process.ts';
import {
  api,
  cleanUpServes,
  type ServeProcess,
  startServe,
  tempDb,
  waitForJob,
} from '../platform/serve-process.ts';
import { balanceOf, devKey, type SettlementWorld, startWorld } from './world.ts';

/**
 * A job paid end to end, every part real: anvil with the settlement contract; a submitter's
 * escrow naming the settler; `noob serve --peers` and two `noob peer` processes whose payout
 * keys are staked workers; a p2p job with a `settlement`; a settle pass posting the
 * recorded results; each worker claiming its proof from the job API after the window.
 */

const SQUARE = readFileSync(
  join(import.meta.dirname, '..', 'peers', 'tubes', 'square.yaml'),
  'utf8',
);
const EPOCHS = 4;
const REWARD = parseEther('0.01');

let world: SettlementWorld;
let peers: PeerProcess[] = [];
let serve: ServeProcess;
let driver: QueueDriver;

beforeAll(async () => {
  world = await startWorld();
  const chainEnv = { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: world.d.address };
  // Dev accounts 5 and 6: the world's first two staked workers.
  const first = await startPeerProcess({
    env: { ...chainEnv, NOOB_PAYOUT_KEY: devKey(5) },
    args: ['--tags', 'paid'],
  });
  const second = await startPeerProcess({
    bootstrap: [first.tcp],
    env: { ...chainEnv, NOOB_PAYOUT_KEY: devKey(6) },
    args: ['--tags', 'paid'],
  });
  peers = [first, second];
  // The coordinator checks the peers' signatures in the same domain (its environment).
  Object.assign(process.env, chainEnv);
  const db = tempDb();
  serve = await startServe(db, ['--peers', first.tcp]);
  driver = await openDriver(db);
}, 120_000);

afterAll(async () => {
  await driver?.close();
  await cleanUpServes();
  await Promise.all(peers.map((peer) => peer.stop()));
  await world?.stop();
});

describe('a settled p2p job, paid on chain', () => {
  it('default: the job runs on paid peers, a pass posts its results, each worker claims reward minus fee per call it made', async () => {
    // The escrow the API derives for `noob serve`'s tenant `local` and the name below.
    const escrow = await world.fund(parseEther('1'), undefined, escrowIdFor('local', 'e2e'));
    const { status, body } = await api(serve.url, serve.key, '/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        tube: SQUARE,
        epochs: EPOCHS,
        runner: 'p2p',
        tags: ['paid'],
        verification: { mode: 'quorum', k: 2, q: 2 },
        settlement: { name: 'e2e', reward: REWARD.toString() },
      }),
    });
    expect(status, JSON.stringify(body)).toBe(202);
    const job = await waitForJob(serve.url, serve.key, body.id);
    expect(job.results).toEqual([0, 1, 4, 9]);
    const calls = job.verdict.calls as number;
    // Quorum 2 of 2 on the two paid peers: both executors of every call are paid.
    expect(job.settlement).toMatchObject({ recordedCalls: calls, unpaidCalls: 0 });

    const summary = await settle(driver, world.settler);
    expect(summary.waiting).toEqual([]);
    expect(summary.posted).toMatchObject([
      { escrow, taskCount: 2 * calls, total: (REWARD * BigInt(2 * calls)).toString() },
    ]);

    await world.chain.travel(testParameters.challengeWindow + 1n);
    for (const worker of world.workers.slice(0, 2)) {
      const { body: page } = await api(
        serve.url,
        serve.key,
        `/v1/settlement/claims/${worker.account.address}`,
      );
      const claims = page.claims as WorkerClaim[];
      expect(claims).toMatchObject([{ escrow, taskCount: calls }]);
      const before = await balanceOf(world, worker.account.address);
      await world.chain.mined(
        claim(world.d.challenger, {
          address: world.d.address,
          worker: worker.account.address,
          items: claims.map((c) => toClaimItem(worker.account.address, c)),
        }),
      );
      const earned = REWARD * BigInt(calls);
      expect(await balanceOf(world, worker.account.address)).toBe(
        before + earned - (earned * testParameters.feeBps) / 10_000n,
      );
    }
  });
});
