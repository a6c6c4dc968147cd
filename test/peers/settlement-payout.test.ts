import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CID } from 'multiformats/cid';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyResult } from '../../contracts/client/eip712.ts';
import { escrowIdFor } from '../../contracts/client/escrow-id.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openDriver } from '../../core/queue/open.ts';
import {
  api,
  cleanUpServes,
  eventually,
  type ServeProcess,
  startServe,
  tempDb,
} from '../platform/serve-process.ts';
import { type PeerProcess, startPeerProcess } from './peer-process.ts';

/**
 * Settled p2p jobs end to end: a real `noob serve --peers` and three `noob peer` processes
 * on 127.0.0.1, two of them with a payout key (tag `paid`), one without (tag `free`), all
 * in the same settlement domain (anvil's chain id, a contract address: signing and
 * checking never talk to the chain). Each accepted call's paid executors land in
 * settlement_results with signatures that verify; calls of the peer without a key are
 * counted unpaid.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SQUARE = readFileSync(join(import.meta.dirname, 'tubes', 'square.yaml'), 'utf8');
const DOMAIN = {
  chainId: 31337,
  verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address,
};
const CHAIN_ENV = { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: DOMAIN.verifyingContract };
// Two of anvil's well-known development keys: test money only.
const KEYS: Hex[] = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
];
const PAYOUTS = KEYS.map((key) => privateKeyToAccount(key).address);
/** The escrow `noob serve`'s tenant `local` names: the API derives its on-chain id. */
const ESCROW_NAME = 'payout-test';
const ESCROW = escrowIdFor('local', ESCROW_NAME);
const REWARD = '1000000000000000';
const EPOCHS = 3;

let paid: PeerProcess[] = [];
let free: PeerProcess;
let serve: ServeProcess;
let db: string;
let driver: QueueDriver;

beforeAll(async () => {
  const first = await startPeerProcess({
    env: { ...CHAIN_ENV, NOOB_PAYOUT_KEY: KEYS[0]! },
    args: ['--tags', 'paid'],
  });
  const bootstrap = [first.tcp];
  [paid, free] = await Promise.all([
    startPeerProcess({
      bootstrap,
      env: { ...CHAIN_ENV, NOOB_PAYOUT_KEY: KEYS[1]! },
      args: ['--tags', 'paid'],
    }).then((second) => [first, second]),
    startPeerProcess({ bootstrap, env: CHAIN_ENV, args: ['--tags', 'free'] }),
  ]);
  // The coordinator checks signatures in the domain it is given (its environment).
  Object.assign(process.env, CHAIN_ENV);
  db = tempDb();
  serve = await startServe(db, ['--peers', [first.tcp, free.tcp].join(',')]);
  driver = await openDriver(db);
}, 120_000);

afterAll(async () => {
  await driver?.close();
  await cleanUpServes();
  await Promise.all([...paid, free].filter(Boolean).map((peer) => peer.stop()));
});

async function submitAndFinish(body: Record<string, unknown>) {
  const { status, body: answer } = await api(serve.url, serve.key, '/v1/jobs', {
    method: 'POST',
    body: JSON.stringify({
      tube: SQUARE,
      epochs: EPOCHS,
      runner: 'p2p',
      settlement: { name: ESCROW_NAME, reward: REWARD },
      ...body,
    }),
  });
  expect(status, JSON.stringify(answer)).toBe(202);
  // Bounded: 2400 looks, 50 ms apart (a busy machine runs p2p jobs slowly).
  const job = await eventually(
    `job ${answer.id} to end`,
    async () => {
      const { body: status } = await api(serve.url, serve.key, `/v1/jobs/${answer.id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(status.state) ? status : undefined;
    },
    2400,
  );
  expect(job.error).toBeNull();
  expect(job.results).toEqual([0, 1, 4]);
  return job;
}

interface Row {
  task_cid: string;
  worker: string;
  escrow: string;
  reward: string;
  result_cid: string;
  signature: string;
  batch_id: number | null;
}

async function rowsOf(jobId: string): Promise<Row[]> {
  const { rows } = await driver.execute({
    sql: 'SELECT task_cid, worker, escrow, reward, result_cid, signature, batch_id FROM settlement_results WHERE job_id = :job_id ORDER BY task_cid, worker',
    params: { job_id: jobId },
  });
  return rows as unknown as Row[];
}

/** Whether a row's signature is its worker's over (task, result), checked independently. */
function signed(row: Row): Promise<boolean> {
  return verifyResult(DOMAIN, row.worker as Address, {
    taskCid: CID.parse(row.task_cid),
    resultCid: CID.parse(row.result_cid),
    signature: row.signature as Hex,
  });
}

/** The accepted calls a job's verdict lists, by task CID. */
function acceptedOf(job: {
  verdict: { accepted: Array<{ task: string; result: string; executors: string[] }> };
}) {
  return new Map(job.verdict.accepted.map((call) => [call.task, call]));
}

describe('settled jobs on the peer network', () => {
  it('behavior: a trusted job on peers with payout keys records one signed row per accepted call', async () => {
    const job = await submitAndFinish({ tags: ['paid'] });
    const calls = job.verdict.calls;
    expect(calls).toBeGreaterThanOrEqual(EPOCHS);
    expect(job.settlement).toEqual({
      escrow: ESCROW,
      name: ESCROW_NAME,
      reward: REWARD,
      recordedCalls: calls,
      unpaidCalls: 0,
      unpaidAnswers: 0,
    });
    const rows = await rowsOf(job.id);
    expect(rows).toHaveLength(calls);
    const accepted = acceptedOf(job);
    const peerPayout = new Map(paid.map((peer, i) => [peer.peerId, PAYOUTS[i]]));
    for (const row of rows) {
      const call = accepted.get(row.task_cid)!;
      expect(call, `row for a task the verdict did not accept: ${row.task_cid}`).toBeDefined();
      expect(row).toMatchObject({ escrow: ESCROW, reward: REWARD, result_cid: call.result });
      expect(row.batch_id).toBeNull();
      // Paid to the address the executor announced, not any paid peer's.
      expect(row.worker).toBe(peerPayout.get(call.executors[0]!));
      expect(await signed(row)).toBe(true);
    }
  });

  it('behavior: a quorum 2/2 job on two paid peers records both executors of every call', async () => {
    const job = await submitAndFinish({
      tags: ['paid'],
      verification: { mode: 'quorum', k: 2, q: 2 },
    });
    const calls = job.verdict.calls;
    expect(job.settlement).toMatchObject({
      recordedCalls: calls,
      unpaidCalls: 0,
      unpaidAnswers: 0,
    });
    const rows = await rowsOf(job.id);
    expect(rows).toHaveLength(2 * calls);
    for (const row of rows) expect(await signed(row)).toBe(true);
    expect(new Set(rows.map((row) => row.worker))).toEqual(new Set(PAYOUTS));
  });

  it('behavior: calls answered by a peer without a payout key are counted unpaid and record nothing; in a mixed quorum only the paid answers are', async () => {
    const unpaid = await submitAndFinish({ tags: ['free'] });
    expect(unpaid.settlement).toMatchObject({
      recordedCalls: 0,
      unpaidCalls: unpaid.verdict.calls,
      unpaidAnswers: unpaid.verdict.calls,
    });
    expect(await rowsOf(unpaid.id)).toEqual([]);

    const mixed = await submitAndFinish({ verification: { mode: 'quorum', k: 3, q: 3 } });
    const calls = mixed.verdict.calls;
    expect(mixed.settlement).toMatchObject({
      recordedCalls: calls,
      unpaidCalls: 0,
      unpaidAnswers: calls,
    });
    const rows = await rowsOf(mixed.id);
    expect(rows).toHaveLength(2 * calls);
    for (const row of rows) expect(await signed(row)).toBe(true);
  });

  it('error: a malformed NOOB_PAYOUT_KEY stops noob peer with a message that does not print the key', async () => {
    const key = `0x${'ab'.repeat(31)}`;
    const failed = await run(
      process.execPath,
      [join(ROOT, 'bin', 'noob.js'), 'peer', '--key', join(db, '..', 'bad.key')],
      {
        cwd: ROOT,
        env: { ...process.env, ...CHAIN_ENV, NOOB_PAYOUT_KEY: key },
        timeout: 30_000,
      },
    ).then(
      () => undefined,
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/NOOB_PAYOUT_KEY/);
    expect(`${failed?.stderr}${failed?.stdout}`).not.toContain('abababab');
  });
});
