import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testParameters } from '../../contracts/test/fixture.ts';
import { openDriver, openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { type ApiServer, startApiServer } from '../../functions/api/serve.ts';
import {
  balanceOf,
  devKey,
  postingWritten,
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
  takeSettlerNonce,
} from './world.ts';

/**
 * `noob settle` and `noob claim` as processes: the settler posts from a libSQL file, the
 * worker claims with proofs from a served job API, on a real anvil.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

let world: SettlementWorld;
let queue: Queue;
let server: ApiServer;
let key: string;
let db: string;
beforeAll(async () => {
  world = await startWorld();
  db = join(mkdtempSync(join(tmpdir(), 'noob-settle-cli-')), 'noob.db');
  queue = await openQueue(db);
  const keys = new KeyStore(queue.driver);
  key = (await keys.create('worker-operator')).key;
  server = await startApiServer({ queue, keys, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await queue?.close();
  await world?.stop();
});

/** The chain's variables every command here gets. */
function chainEnv() {
  return {
    NOOB_CHAIN: 'anvil',
    NOOB_RPC_URL: world.chain.anvil.rpcUrl,
    NOOB_SETTLEMENT_ADDRESS: world.d.address,
  };
}

/** `noob ...args` to its end, with the chain's variables and `env`. */
async function noob(args: string[], env: Record<string, string | undefined>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(ROOT, 'bin', 'noob.js'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NOOB_DEBUG: '', NOOB_QUEUE_URL: '', ...chainEnv(), ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('noob settle and noob claim', () => {
  it('behavior: noob settle --every 1s makes a pass a second until SIGTERM, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'noob.js'), 'settle', '--db', db, '--every', '1s', '--json'],
      {
        cwd: ROOT,
        env: { ...process.env, ...chainEnv(), NOOB_QUEUE_URL: '', NOOB_PRIVATE_KEY: devKey(1) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    // Bounded: the test's own timeout; two passes' summaries, one per line.
    await new Promise<void>((done) =>
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split('\n').filter(Boolean).length >= 2) done();
      }),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const line of out.split('\n').filter(Boolean))
      expect(JSON.parse(line)).toHaveProperty('posted');
  });

  it('error: noob settle without the settler key exits 2 naming NOOB_PRIVATE_KEY', async () => {
    const result = await noob(['settle', '--db', db], { NOOB_PRIVATE_KEY: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('NOOB_PRIVATE_KEY is not set');
  });

  it('default: noob settle posts the results, noob claim pays the worker after the window, once', async () => {
    const reward = parseEther('0.05');
    const worker = world.workers[1]!;
    const escrow = await world.fund(parseEther('1'));
    await recordResults(world, queue.driver, escrow, resultsFor('cli', [worker], 4, reward));

    const settled = await noob(['settle', '--db', db, '--json'], { NOOB_PRIVATE_KEY: devKey(1) });
    expect(settled.stderr).toBe('');
    expect(settled.code).toBe(0);
    const summary = JSON.parse(settled.stdout);
    expect(summary.posted).toMatchObject([
      { escrow, taskCount: 4, total: (reward * 4n).toString() },
    ]);

    // The worker's key names it; another account sends the claim and pays the gas.
    const claimEnv = { NOOB_PAYOUT_KEY: devKey(6), NOOB_PRIVATE_KEY: devKey(3) };
    const early = await noob(['claim', '--url', server.url, '--key', key], claimEnv);
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('nothing to claim');
    expect(early.stdout).toContain('1 more in their challenge window');

    await world.chain.travel(testParameters.challengeWindow + 1n);
    const before = await balanceOf(world, worker.account.address);
    const claimed = await noob(['claim', '--url', server.url, '--key', key, '--json'], claimEnv);
    expect(claimed.code).toBe(0);
    const net = reward * 4n - (reward * 4n * testParameters.feeBps) / 10_000n;
    expect(JSON.parse(claimed.stdout)).toMatchObject({
      worker: worker.account.address,
      transactions: [{ claimed: 1, net: net.toString() }],
    });
    expect(await balanceOf(world, worker.account.address)).toBe(before + net);

    const again = await noob(['claim', worker.account.address, '--url', server.url, '--key', key], {
      NOOB_PRIVATE_KEY: devKey(3),
    });
    expect(again.stdout).toContain('nothing to claim');
    expect(await balanceOf(world, worker.account.address)).toBe(before + net);
  });

  it('behavior: NOOB_SETTLEMENT_CONFIRMATIONS=0 has noob settle sign a lost post again as soon as its nonce is taken, on a dev chain that mines only when sent a transaction', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'noob-settle-confirmations-')), 'noob.db');
    const driver = await openDriver(file);
    const { escrow, signed } = await postingWritten(world, driver, 'confirmations');
    await driver.close();
    // The settler's key sends something else first: the kept post's nonce is taken.
    await takeSettlerNonce(world);
    const env = { NOOB_PRIVATE_KEY: devKey(1) };
    const waits = await noob(['settle', '--db', file, '--json'], env);
    expect(JSON.parse(waits.stdout).pending[0].reason).toMatch(/once that is 12 blocks deep$/);

    const bad = await noob(['settle', '--db', file], {
      ...env,
      NOOB_SETTLEMENT_CONFIRMATIONS: 'twelve',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('NOOB_SETTLEMENT_CONFIRMATIONS must be a whole number of blocks');

    const settled = await noob(['settle', '--db', file, '--json'], {
      ...env,
      NOOB_SETTLEMENT_CONFIRMATIONS: '0',
    });
    expect(settled.code).toBe(0);
    expect(JSON.parse(settled.stdout).posted).toMatchObject([
      { how: 'reposted', escrow, replaced: expect.stringContaining(signed.hash) },
    ]);
  });
});
