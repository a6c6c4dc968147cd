import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escrowIdFor } from '../../contracts/client/escrow-id.ts';
import { type PeerProcess, startPeerProcess } from '../peers/peer-process.ts';
import {
  cleanUpServes,
  type ServeProcess,
  startServe,
  tempDb,
  waitForJob,
} from '../platform/serve-process.ts';
import { noobHere, runNoob } from './run-noob.ts';

/**
 * `noob jobs submit --settlement NAME:REWARD` against a real `noob serve --peers` and one
 * real `noob peer` with a payout key, all in one settlement domain (anvil's chain id and
 * a contract address: signing and checking answers never talk to the chain).
 */

const SQUARE = join(import.meta.dirname, '..', 'peers', 'tubes', 'square.yaml');
const CHAIN_ENV = {
  NOOB_CHAIN: 'anvil',
  NOOB_SETTLEMENT_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
};
// anvil's second development key: test money only.
const PAYOUT_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

let peer: PeerProcess;
let serve: ServeProcess;

beforeAll(async () => {
  peer = await startPeerProcess({ env: { ...CHAIN_ENV, NOOB_PAYOUT_KEY: PAYOUT_KEY } });
  // The coordinator checks the peer's signatures in the domain its environment names.
  const saved = { ...process.env };
  Object.assign(process.env, CHAIN_ENV);
  try {
    serve = await startServe(tempDb(), ['--workers', '1', '--peers', peer.tcp]);
  } finally {
    for (const name of Object.keys(CHAIN_ENV))
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
  }
}, 120_000);

afterAll(async () => {
  await cleanUpServes();
  await peer?.stop();
});

describe('noob jobs submit --settlement', () => {
  it('behavior: sends {name, reward}: the job is paid from the escrow the API derives for the tenant and name', async () => {
    const submitted = await runNoob(
      ['jobs', 'submit', SQUARE, '-n', '3', '--runner', 'p2p', '--settlement', 'cli:march:1000'],
      { env: { NOOB_URL: serve.url, NOOB_KEY: serve.key } },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    const job = await waitForJob(serve.url, serve.key, id);
    expect(job.error).toBeNull();
    expect(job.results).toEqual([0, 1, 4]);
    expect(job.settlement).toMatchObject({
      escrow: escrowIdFor('local', 'cli:march'),
      name: 'cli:march',
      reward: '1000',
      recordedCalls: 3,
      unpaidCalls: 0,
    });
  });

  it('error: a bad NAME:REWARD, or one without --runner p2p, is refused before anything is sent (exit 2)', async () => {
    // Nothing listens on port 9: a command that sent the request would fail to connect (exit 1).
    const nowhere = ['--url', 'http://127.0.0.1:9', '--key', 'k'];
    for (const [args, message] of [
      [['--runner', 'p2p', '--settlement', 'march'], /got "march", which has no REWARD/],
      [['--runner', 'p2p', '--settlement', 'march:0.5'], /REWARD expected a whole number of wei/],
      [
        ['--runner', 'p2p', '--settlement', `march:${2n ** 96n}`],
        /REWARD more wei than an escrow holds \(a uint96\)/,
      ],
      [['--runner', 'p2p', '--settlement', 'my escrow:5'], /NAME expected 1 to 100 letters/],
      [['--settlement', 'march:5'], /--settlement is for --runner p2p/],
    ] as const) {
      const { code, stderr } = await noobHere('jobs', 'submit', SQUARE, ...args, ...nowhere);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
    }
    const help = await noobHere('jobs', 'submit', '--help');
    expect(help.stdout).toMatch(/--settlement NAME:REWARD\n +submit, with --runner p2p/);
  });
});
