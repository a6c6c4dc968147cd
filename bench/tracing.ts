/**
 * `npm run bench -- tracing [--epochs=40] [--repeats=3] [--calls=1000000]`: what tracing
 * costs. Two figures, both measured in this run:
 *
 * - **On against off**: node calls per second of the queued runner (a libSQL file in a
 *   temp folder, a queue worker of 8 slots in this process) on the 50-node
 *   `bench/tubes/wide-deep-50.yaml` (46 stateless calls an epoch go through the queue),
 *   first untraced (no SDK loaded), then exporting every `dispatch` and `call` span over
 *   OTLP/HTTP (JSON) to a receiver on 127.0.0.1 that counts them. Median of `--repeats`.
 *   The ratio is on / off: below 1 is what tracing costs when it is on.
 * - **Off against no instrumentation**: an instrumented wrapper (`traceQueueCall`,
 *   `traceDispatch`) around an empty async call against the empty call alone, `--calls`
 *   times each in 3 rounds (the best kept), untraced: what tracing costs a call when it is
 *   off (`details.offNsPerCall`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openQueue } from '../core/queue/open.ts';
import { QueuedRunner } from '../core/runners/queued/runner.ts';
import { traceQueueCall } from '../core/tracing/call-span.ts';
import { traceDispatch } from '../core/tracing/dispatch-span.ts';
import { startTracing } from '../core/tracing/start.ts';
import { loadTube } from '../core/tube/load.ts';
import { QueueWorker } from '../functions/worker/queue-worker.ts';
import { printResult } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    epochs: { type: 'string', default: '40' },
    repeats: { type: 'string', default: '3' },
    calls: { type: 'string', default: '1000000' },
  },
});
const EPOCHS = Number(flags.epochs);
const REPEATS = Number(flags.repeats);
const CALLS = Number(flags.calls);
const tube = await loadTube(join(here, 'tubes', 'wide-deep-50.yaml'));
/** Calls an epoch that go through the queue: every node but the sources and `return`. */
const QUEUED_PER_EPOCH = tube.nodes.filter(
  (node) => !['noob.testing.count_source', 'return'].includes(node.type),
).length;

/** Queued node calls per second of one run of `EPOCHS` epochs on a fresh queue. */
async function queuedCallsPerSecond(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-tracing-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  const worker = new QueueWorker({ queue, concurrency: 8, onError: () => {} });
  await worker.start();
  try {
    const runner = new QueuedRunner(tube, { queue });
    await runner.run(2); // warm-up: types resolved, statements prepared
    const started = performance.now();
    await runner.run(EPOCHS);
    const seconds = (performance.now() - started) / 1000;
    await runner.deinit();
    return (EPOCHS * QUEUED_PER_EPOCH) / seconds;
  } finally {
    await worker.stop();
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function median(measure: () => Promise<number>): Promise<{ median: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await measure());
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs };
}

/** Nanoseconds per call of `call`, `CALLS` times awaited one after another. */
async function nsPerCall(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10_000; i++) await call(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

/** A receiver that takes OTLP/HTTP exports and counts their bytes. */
async function countingReceiver() {
  let bytes = 0;
  let exports = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      exports++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ bytes, exports }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Untraced first: no SDK is loaded until startTracing below.
const empty = async () => ({ ok: true as const });
const task = { jobId: 'j', cid: 'c', nodeId: 'n', epoch: '0', attempt: 1, input: {} };
const identity = { jobId: 'j', cid: 'c', nodeId: 'n', epoch: '0' };
// Rounds in turn, the best of each kept: the machine's other work and the JIT's order
// weigh less than on one pass each.
let [bare, offCall, offDispatch] = [Infinity, Infinity, Infinity];
for (let round = 0; round < 3; round++) {
  bare = Math.min(bare, await nsPerCall(empty));
  offCall = Math.min(offCall, await nsPerCall(() => traceQueueCall(task, 'w', empty)));
  offDispatch = Math.min(offDispatch, await nsPerCall(() => traceDispatch(identity, empty)));
}
const off = await median(queuedCallsPerSecond);

const receiver = await countingReceiver();
const tracing = await startTracing('noob-bench', {
  env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' },
});
const on = await median(queuedCallsPerSecond);
await tracing!.stop();
await receiver.close();

/** A wrapper's cost over the bare call, as said to a person. */
function extra(ns: number): string {
  const cost = ns - bare;
  return cost > 0 ? `${cost.toFixed(1)} ns` : 'nothing measurable';
}

process.stdout.write(
  `queued calls/s on wide-deep-50 (${EPOCHS} epochs × ${QUEUED_PER_EPOCH} calls): untraced ${off.median.toFixed(0)}, traced ${on.median.toFixed(0)}\n` +
    `untraced wrapper: ${extra(offCall)} (call span), ${extra(offDispatch)} (dispatch span) over a bare awaited call of ${bare.toFixed(1)} ns\n`,
);
printResult({
  bench: 'tracing',
  metric: 'queued node calls/s, tracing on (OTLP/HTTP to 127.0.0.1)',
  value: Math.round(on.median),
  baseline: Math.round(off.median),
  baselineName: 'the same run untraced (no OTEL_EXPORTER_OTLP_ENDPOINT: no SDK loaded)',
  ratio: Number((on.median / off.median).toFixed(3)),
  details: {
    tube: 'bench/tubes/wide-deep-50.yaml',
    epochs: EPOCHS,
    queuedCallsPerEpoch: QUEUED_PER_EPOCH,
    onRuns: on.runs.map(Math.round),
    offRuns: off.runs.map(Math.round),
    exported: receiver.counts(),
    offNsPerCall: {
      bareAwaitedCall: Number(bare.toFixed(1)),
      callSpanWrapper: Number((offCall - bare).toFixed(1)),
      dispatchSpanWrapper: Number((offDispatch - bare).toFixed(1)),
    },
  },
});
