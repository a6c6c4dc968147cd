import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cidOf } from '../../core/cid.ts';
import { openDriver } from '../../core/queue/open.ts';
import { recordVerifiedResults, type VerifiedResult } from '../../core/settlement/record.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import { PayoutSigner } from '../../peers/payout.ts';
import type { Accepted } from '../../peers/submitter.ts';
import { PeerNetwork } from './peer-network.ts';
import { SettlementRecorder } from './settlement-recorder.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-settlement-recorder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DOMAIN = { chainId: 31337, verifyingContract: `0x${'42'.repeat(20)}` as const };
const alice = new PayoutSigner(`0x${'0a'.repeat(32)}`, DOMAIN);
const bob = new PayoutSigner(`0x${'0b'.repeat(32)}`, DOMAIN);
const SETTLEMENT = { escrow: `0x${'ee'.repeat(32)}`, reward: '7' };
const task = (n: number) => cidOf({ task: n }).toString();
const RESULT = cidOf({ result: 1 }).toString();

/** A quorum answer of peers `p-alice` and `p-bob`, each with the signature given. */
function answer(signatures: Record<string, string>): Accepted {
  return {
    result: RESULT,
    outcome: { task: '', outputs: {}, exhausted: false },
    executors: ['p-alice', 'p-bob'],
    signatures,
  };
}

async function recorder(name: string, payouts: Record<string, string>) {
  const driver = await openDriver(join(root, `${name}.db`));
  const writes: VerifiedResult[][] = [];
  const settlement = new SettlementRecorder({
    jobId: `job-${name}`,
    settlement: SETTLEMENT,
    domain: DOMAIN,
    payoutOf: (executor) => payouts[executor],
    record: (rows) => {
      writes.push(rows);
      return recordVerifiedResults({ driver }, rows);
    },
  });
  return { driver, writes, settlement };
}

describe('SettlementRecorder', () => {
  it('behavior: pays each executor with a payout address and a valid signature; the others are counted, not written', async () => {
    const { driver, writes, settlement } = await recorder('mixed', {
      'p-alice': alice.address,
      'p-bob': bob.address,
    });
    try {
      // Bob signed another result: his answer is not paid.
      await settlement.accepted(
        task(1),
        answer({
          'p-alice': await alice.sign(task(1), RESULT),
          'p-bob': await bob.sign(task(1), cidOf({ result: 2 }).toString()),
        }),
      );
      // Nobody signed: the call is unpaid.
      await settlement.accepted(task(2), answer({}));
      expect(settlement.counts()).toEqual({ recordedCalls: 1, unpaidCalls: 1, unpaidAnswers: 3 });
      expect(writes.flat().map((row) => [row.taskCid, row.worker])).toEqual([
        [task(1), alice.address],
      ]);
      const { rows } = await driver.execute({
        sql: 'SELECT job_id, escrow, reward FROM settlement_results',
        params: {},
      });
      expect(rows).toEqual([{ job_id: 'job-mixed', ...SETTLEMENT }]);
    } finally {
      await driver.close();
    }
  });

  it('behavior: a signature is paid only to the address its executor announced (not to another signer)', async () => {
    // Bob's peer announced Alice's address, and signs with his own key.
    const { driver, writes, settlement } = await recorder('borrowed', {
      'p-alice': alice.address,
      'p-bob': alice.address,
    });
    try {
      await settlement.accepted(task(3), answer({ 'p-bob': await bob.sign(task(3), RESULT) }));
      expect(writes).toEqual([]);
      expect(settlement.counts().unpaidCalls).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it('behavior: calls accepted at once are each resolved only once their rows are written', async () => {
    const { driver, writes, settlement } = await recorder('turn', { 'p-alice': alice.address });
    try {
      const tasks = [4, 5, 6].map(task);
      const signatures = await Promise.all(tasks.map((cid) => alice.sign(cid, RESULT)));
      const stored = async (cid: string) =>
        (
          await driver.execute({
            sql: 'SELECT count(*) AS n FROM settlement_results WHERE task_cid = :cid',
            params: { cid },
          })
        ).rows[0]!.n;
      const found = await Promise.all(
        tasks.map((cid, i) =>
          settlement.accepted(cid, answer({ 'p-alice': signatures[i]! })).then(() => stored(cid)),
        ),
      );
      expect(found).toEqual([1, 1, 1]);
      expect(writes.flat()).toHaveLength(3);
    } finally {
      await driver.close();
    }
  });

  it('error: a failed write fails the call (its answer must not count unrecorded)', async () => {
    const settlement = new SettlementRecorder({
      jobId: 'job-broken',
      settlement: SETTLEMENT,
      domain: DOMAIN,
      payoutOf: () => alice.address,
      record: async () => {
        throw new Error('disk full');
      },
    });
    const signature = await alice.sign(task(7), RESULT);
    await expect(
      settlement.accepted(task(7), {
        ...answer({}),
        executors: ['p-alice'],
        signatures: { 'p-alice': signature },
      }),
    ).rejects.toThrow('disk full');
    expect(settlement.counts().recordedCalls).toBe(0);
  });
});

describe('PeerNetwork with a settled job', () => {
  it('error: a coordinator that knows no settlement contract refuses to run a settled job (NoSettlementDomainError)', async () => {
    const network = await PeerNetwork.join([], {});
    try {
      const tube = await loadTubeFromText(
        'noob_id: one\nnodes:\n  a:\n    type: noob.testing.count_source\n',
      );
      let thrown: Error | undefined;
      try {
        network.run(tube, {
          verification: { mode: 'trusted' },
          tags: [],
          settlement: { jobId: 'j1', ...SETTLEMENT, record: async () => 0 },
        });
      } catch (error) {
        thrown = error as Error;
      }
      expect(thrown?.name).toBe('NoSettlementDomainError');
      expect(thrown?.message).toMatch(/NOOB_CHAIN and NOOB_SETTLEMENT_ADDRESS/);
    } finally {
      await network.close();
    }
  });
});
