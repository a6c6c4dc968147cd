import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_TOKEN_ENV } from '../../functions/worker/guard.ts';
import { runNoob } from '../cli/run-noob.ts';
import { startWorkerProcess, type WorkerProcess } from '../conformance/workers.ts';
import { type PeerProcess, startPeerProcess } from '../peers/peer-process.ts';
import { eventually } from '../platform/serve-process.ts';
import { OtlpReceiver, type ReceivedSpan, traceProcessesTo } from './otlp-receiver.ts';

/**
 * `noob run` and `noob worker --http` exporting their spans to an OTLP/HTTP receiver on
 * 127.0.0.1: a run is one trace, from its `run tube` span to each node call, in this
 * process (the sync runner) or on an HTTP worker (the http runner's `dispatch` span is
 * the parent of the worker's `call`).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const BASIC = join(ROOT, 'test', 'conformance', 'tubes', 'basic', 'basic.yaml');

let receiver: OtlpReceiver;
let worker: WorkerProcess | undefined;
let peer: PeerProcess | undefined;
let untrace: (() => void) | undefined;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await peer?.stop();
  peer = undefined;
  untrace?.();
  untrace = undefined;
});
afterAll(async () => {
  await receiver.close();
});

/** Turns tracing on for the processes started next. */
function traceTo(endpoint: string): void {
  untrace = traceProcessesTo(endpoint);
}

/** `noob run ...args` as its own process: its pid, exit code and output. */
async function noobRun(args: readonly string[], env: Record<string, string> = {}) {
  let pid: number | undefined;
  const result = await runNoob(['run', ...args], {
    env,
    started: (child) => {
      pid = child.pid;
    },
  });
  return { ...result, pid };
}

/** The spans of the trace whose `run tube` span `pid` exported, once `done` holds for them. */
async function runTrace(pid: number | undefined, done: (trace: ReceivedSpan[]) => boolean) {
  return eventually('the run’s trace', async () => {
    const spans = receiver.spans();
    const root = spans.find((span) => span.name === 'run tube' && span.pid === pid);
    const trace = root ? spans.filter((span) => span.traceId === root.traceId) : [];
    return root && done(trace) ? { root, trace } : undefined;
  });
}

describe('tracing noob run (real processes, OTLP/HTTP receiver)', () => {
  it('behavior: an http run is one trace across processes: each dispatch span is the parent of the worker’s call span, with task CID and node id', async () => {
    traceTo(receiver.endpoint);
    worker = await startWorkerProcess();
    const run = await noobRun([BASIC, '-n', '3', '--runner', 'http', '--workers', worker.url], {
      [WORKER_TOKEN_ENV]: worker.token,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('0\n2\n4\n');
    const { root, trace } = await runTrace(
      run.pid,
      (spans) =>
        spans.filter((span) => span.name === 'call b' && span.service === 'noob-worker').length >=
        3,
    );
    expect(root.attributes['noob.runner']).toBe('http');
    const dispatches = trace.filter((span) => span.name === 'dispatch b');
    expect(dispatches).toHaveLength(3);
    for (const dispatch of dispatches) {
      expect(dispatch).toMatchObject({ service: 'noob-run', kind: 4, parentSpanId: root.spanId });
      const call = trace.find((span) => span.parentSpanId === dispatch.spanId)!;
      expect(call).toMatchObject({ name: 'call b', service: 'noob-worker', kind: 5 });
      expect(call.pid).toBe(worker.child.pid);
      expect(call.attributes).toMatchObject({
        'noob.task.cid': dispatch.attributes['noob.task.cid'],
        'noob.node.id': 'b',
        'noob.epoch': dispatch.attributes['noob.epoch'],
        'noob.worker.id': `http:${worker.child.pid}`,
      });
    }
  });

  it('behavior: a sync run is one trace: run tube, then a call span per node call with node id and epoch', async () => {
    traceTo(receiver.endpoint);
    const run = await noobRun([BASIC, '-n', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('0\n2\n4\n');
    // Sent before the command exited: nothing is left to wait for.
    const { root, trace } = await runTrace(
      run.pid,
      (spans) => spans.filter((span) => span.name === 'call b').length >= 3,
    );
    expect(root).toMatchObject({ service: 'noob-run', parentSpanId: '' });
    expect(root.attributes).toMatchObject({ 'noob.tube.id': 'own-basic', 'noob.runner': 'sync' });
    const calls = trace.filter((span) => span.name === 'call b');
    expect(calls.map((span) => span.attributes['noob.epoch']).sort()).toEqual(['0', '1', '2']);
    for (const call of calls) {
      expect(call.parentSpanId).toBe(root.spanId);
      expect(call.attributes).toMatchObject({
        'noob.node.id': 'b',
        'noob.node.type': 'noob.testing.multiply',
      });
    }
  });

  it('behavior: a peer exports a call span per task it executes, with task CID, node id, epoch and itself', async () => {
    traceTo(receiver.endpoint);
    peer = await startPeerProcess();
    const run = await noobRun([BASIC, '-n', '3', '--runner', 'p2p', '--bootstrap', peer.tcp]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('0\n2\n4\n');
    const pid = peer.child.pid;
    const calls = await eventually('the peer’s three calls of b', async () => {
      const found = receiver.spans().filter((span) => span.pid === pid && span.name === 'call b');
      return found.length >= 3 ? found : undefined;
    });
    expect(new Set(calls.map((span) => span.service))).toEqual(new Set(['noob-peer']));
    expect(calls.map((span) => span.attributes['noob.epoch']).sort()).toEqual(['0', '1', '2']);
    for (const call of calls) {
      expect(call.attributes).toMatchObject({
        'noob.node.id': 'b',
        'noob.node.type': 'noob.testing.multiply',
        'noob.worker.id': `peer:${peer.peerId}`,
      });
      expect(call.attributes['noob.task.cid']).toMatch(/^b[a-z2-7]+$/);
    }
  });
});
