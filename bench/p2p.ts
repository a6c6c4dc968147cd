/**
 * `npm run bench -- p2p`: the p2p runner and its network, in one run.
 * - publish→receipt p50/p99 on 10 peers with validation on (goal ≤ 5 ms p50), all in this
 *   process (one thread does every peer's work; with --latency-processes, also each in its
 *   own process);
 * - tasks/s of the p2p runner, trusted (k = 1), on 3 `noob peer` processes, against the
 *   queued runner on 3 `noob worker` processes and a libSQL file, on the same tube (16
 *   independent `noob.testing.multiply` calls per epoch);
 * - the cost of quorum (k = 3, q = 2) against k = 1 on the same peers (goal ≤ 3.5×).
 * Runners are timed in turns, the fastest of each kept; every timed run has its own tube
 * id, so its task CIDs are new and no peer answers from a stored result. The JSON line's
 * value is p2p tasks/s against the queued runner's. Bounded: it gives up after 15 min.
 * A short run: `npm run bench -- p2p --messages 100 --epochs 4 --turns 1`.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { openQueue } from '../core/queue/open.ts';
import { P2PRunner } from '../core/runners/p2p/runner.ts';
import { QueuedRunner } from '../core/runners/queued/runner.ts';
import type { Runner } from '../core/runners/runner.ts';
import { loadTubeFromText } from '../core/tube/load.ts';
import type { Verification } from '../peers/messages.ts';
import { Peer } from '../peers/peer.ts';
import { startPeerProcesses } from '../test/peers/peer-process.ts';
import { publishLatency } from './p2p-latency.ts';
import { printResult } from './report.ts';

const { values: flags } = parseArgs({
  options: {
    /** Messages timed per latency network. */
    messages: { type: 'string', default: '300' },
    /** Time between two publishes on the latency network (ms). */
    'interval-ms': { type: 'string', default: '20' },
    /** Epochs timed per runner. */
    epochs: { type: 'string', default: '10' },
    /** Turns of (queued, trusted, quorum); the fastest of each is kept. */
    turns: { type: 'string', default: '2' },
    /** Also measure publish→receipt with each of the 10 peers in a process of its own. */
    'latency-processes': { type: 'boolean', default: false },
  },
});
const ROOT = join(import.meta.dirname, '..');
const WIDTH = 16;
const EPOCHS = Number(flags.epochs);
const WARMUP = 2;
const REPEATS = 1;
const TURNS = Number(flags.turns);
const LATENCY = {
  peers: 10,
  messages: Number(flags.messages),
  intervalMs: Number(flags['interval-ms']),
  warmupMs: 5000,
};

setTimeout(() => {
  console.error('bench p2p: gave up after 15 minutes');
  process.exit(1);
}, 15 * 60_000).unref();

/** The wide tube, with its own id per run (new task CIDs each time). */
let runs = 0;
function wideTube() {
  const nodes = Array.from(
    { length: WIDTH },
    (_, i) =>
      `  m${i}:\n    type: noob.testing.multiply\n    depends:\n      - left: count.index\n`,
  ).join('');
  const out = Array.from({ length: WIDTH }, (_, i) => `      - m${i}: m${i}.value`).join('\n');
  return loadTubeFromText(
    `noob_id: bench-p2p-wide-${process.pid}-${runs++}\nnodes:\n  count:\n    type: noob.testing.count_source\n${nodes}  out:\n    type: return\n    depends:\n${out}\n`,
    { directory: ROOT },
  );
}

/** Seconds for `EPOCHS` epochs after `WARMUP`, the fastest of `REPEATS` fresh runners. */
async function fastest(label: string, make: () => Promise<Runner>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) {
    const runner = await make();
    try {
      await runner.run(WARMUP);
      const started = performance.now();
      const results = await runner.run(EPOCHS);
      if (results.length !== EPOCHS) throw new Error(`${results.length} results of ${EPOCHS}`);
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`  ${label}: ${seconds.toFixed(2)} s\n`);
      best = Math.min(best, seconds);
    } finally {
      await runner.deinit();
    }
  }
  return best;
}

/** Starts a `noob worker --db` process and waits until it pulls from the queue. */
async function startQueueWorker(db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), 'worker', '--db', db], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('pulling from')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`noob worker exited with ${code}`)));
  });
  return child;
}

const latency = await publishLatency({ ...LATENCY, processes: false });
// Each peer in its own process: what a network is, but 10 processes on a small shared
// machine measure its scheduler as much as the peers; asked for with --latency-processes.
const spread = flags['latency-processes']
  ? await publishLatency({ ...LATENCY, processes: true })
  : undefined;
const messageRate = `${(1000 / LATENCY.intervalMs).toFixed(0)} messages/s`;
for (const [where, figures] of [
  ['one process', latency],
  ['10 processes', spread],
] as const)
  if (figures)
    process.stdout.write(
      `publish→receipt, 10 peers in ${where}, validation on, ${messageRate}: p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms (${figures.receipts} receipts, ${figures.missing} missing; goal p50 ≤ 5 ms)\n`,
    );

const peers = await startPeerProcesses(3);
const client = new Peer({
  privateKey: await generateKeyPair('Ed25519'),
  listen: ['/ip4/127.0.0.1/tcp/0'],
  bootstrap: peers.map((peer) => peer.tcp),
  executes: false,
});
const dir = mkdtempSync(join(tmpdir(), 'noob-bench-p2p-'));
const db = join(dir, 'queue.db');
const queue = await openQueue(db);
const workers = await Promise.all([1, 2, 3].map(() => startQueueWorker(db)));
try {
  await client.start();
  while (client.directory.live([], true).length < 3)
    await new Promise((resolve) => setTimeout(resolve, 100));
  const p2p = (verification: Verification) => async () =>
    new P2PRunner(await wideTube(), { peer: client, verification, deadlineMs: 5000 });
  const queued = async () => new QueuedRunner(await wideTube(), { queue });
  // In turns: queued, trusted, quorum; again.
  const seconds = {
    queued: Number.POSITIVE_INFINITY,
    k1: Number.POSITIVE_INFINITY,
    k3: Number.POSITIVE_INFINITY,
  };
  // A run that fails (a peer silent past every deadline on a loaded machine) is said and
  // skipped; the other turn may still measure that runner.
  const turn = async (key: keyof typeof seconds, label: string, make: () => Promise<Runner>) => {
    try {
      seconds[key] = Math.min(seconds[key], await fastest(label, make));
    } catch (error) {
      console.error(`  ${label}: failed: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  for (let t = 0; t < TURNS; t++) {
    await turn('queued', 'queued', queued);
    await turn('k1', 'p2p k = 1', p2p({ mode: 'trusted' }));
    await turn('k3', 'p2p k = 3', p2p({ mode: 'quorum', k: 3, q: 2 }));
  }
  const calls = WIDTH * EPOCHS;
  const rate = (s: number) => calls / s;
  const k3Cost = seconds.k3 / seconds.k1;
  process.stdout.write(
    [
      `tasks/s (${calls} calls, ${WIDTH} per epoch, 3 processes each; fastest of ${TURNS * REPEATS}):`,
      `  queued runner (libSQL file, 3 noob worker)   ${rate(seconds.queued).toFixed(1)}`,
      `  p2p runner, trusted k = 1 (3 noob peer)       ${rate(seconds.k1).toFixed(1)}   ${(seconds.queued / seconds.k1).toFixed(2)}× queued`,
      `  p2p runner, quorum k = 3, q = 2              ${rate(seconds.k3).toFixed(1)}   cost ${k3Cost.toFixed(2)}× k = 1 (goal ≤ 3.5×)`,
      '',
    ].join('\n'),
  );
  printResult({
    bench: 'p2p',
    metric: 'node calls/s (p2p runner, trusted, 3 peer processes)',
    value: rate(seconds.k1),
    baseline: rate(seconds.queued),
    baselineName: 'queued runner (libSQL file, 3 noob worker processes), same tube, same run',
    ratio: seconds.queued / seconds.k1,
    details: {
      publishReceiptP50Ms: latency.p50,
      publishReceiptP99Ms: latency.p99,
      receiptsMissing: latency.missing,
      ...(spread && {
        publishReceiptProcessesP50Ms: spread.p50,
        publishReceiptProcessesP99Ms: spread.p99,
        receiptsMissingProcesses: spread.missing,
      }),
      quorumTasksPerSecond: rate(seconds.k3),
      quorumCostVsTrusted: k3Cost,
    },
  });
} finally {
  await client.stop();
  await queue.close();
  for (const worker of workers) {
    worker.kill('SIGTERM');
    if (worker.exitCode === null) await once(worker, 'exit');
  }
  await Promise.all(peers.map((peer) => peer.stop()));
  rmSync(dir, { recursive: true, force: true });
}
