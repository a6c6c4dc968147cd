import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import {
  api,
  cleanUpServes,
  type ServeProcess,
  startServe,
  tempDb,
} from '../platform/serve-process.ts';
import { type PeerProcess, startPeerProcesses } from './peer-process.ts';

/**
 * Jobs the platform sends to the network: a real `noob serve --peers` and three `noob peer`
 * processes on 127.0.0.1; tubes submitted over HTTP with `runner: "p2p"` run their node
 * calls on the peers, and the job says how they were verified.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SQUARE = readFileSync(join(import.meta.dirname, 'tubes', 'square.yaml'), 'utf8');
/**
 * The dashboard's chatty tube (its node prints on stdout and stderr at every call), its
 * module type made absolute: a job carries its tube as text, with no folder to resolve from.
 */
const DASHBOARD_TUBES = join(ROOT, 'test', 'dashboard', 'tubes');
const CHATTY = readFileSync(join(DASHBOARD_TUBES, 'chatty.yaml'), 'utf8').replace(
  './nodes.ts#talk',
  join(DASHBOARD_TUBES, 'nodes.ts#talk'),
);
const EPOCHS = 4;

let peers: PeerProcess[] = [];
let serve: ServeProcess;
let expected: unknown[];

beforeAll(async () => {
  peers = await startPeerProcesses(3);
  serve = await startServe(tempDb(), [
    '--peers',
    peers.map((peer) => peer.tcp).join(','),
    // The chatty tube's node is a module type (the peers allow them too).
    '--allow-modules',
  ]);
  const sync = new SyncRunner(await loadTubeFromText(SQUARE));
  expected = await sync.run(EPOCHS);
  await sync.deinit();
}, 120_000);

afterAll(async () => {
  await cleanUpServes();
  await Promise.all(peers.map((peer) => peer.stop()));
});

/** Polls a job (every 100 ms, for at most `ms`) until it is final; its status. */
async function finished(id: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const { body } = await api(serve.url, serve.key, `/v1/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not finish within ${ms} ms`);
}

/** Calls the peers ran for others, summed from their /metrics. */
async function executions(): Promise<number> {
  let total = 0;
  for (const peer of peers) {
    const text = await (await fetch(`${peer.health}/metrics`)).text();
    const line = /^noob_peer_tasks_executed_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    total += Number(line?.[1] ?? 0);
  }
  return total;
}

/** {@link executions} once it stayed the same for 3 s (looked at for at most 120 s). */
async function settledExecutions(): Promise<number> {
  let last = await executions();
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const now = await executions();
    if (now === last) return now;
    last = now;
  }
  throw new Error('the peers kept running calls for 120 s');
}

async function submit(body: Record<string, unknown>): Promise<string> {
  const { status, body: answer } = await api(serve.url, serve.key, '/v1/jobs', {
    method: 'POST',
    body: JSON.stringify({ tube: SQUARE, epochs: EPOCHS, ...body }),
  });
  expect(status, JSON.stringify(answer)).toBe(202);
  return answer.id;
}

describe('noob serve --peers', () => {
  it('behavior: trusted and quorum 3/2 jobs run on three peer processes, give the sync results and say how they were verified', async () => {
    expect(serve.output).toMatch(/"runner": "p2p" run on the peer network/);
    const trustedId = await submit({ runner: 'p2p' });
    const trusted = await finished(trustedId);
    expect(trusted.error).toBeNull();
    expect(trusted.state).toBe('succeeded');
    expect(trusted.results).toEqual(expected);
    expect(trusted.progress.epochs).toEqual({ total: EPOCHS, done: EPOCHS });
    // Its calls on the peers are its progress, as a queued job's tasks are.
    expect(trusted.progress).toMatchObject({
      total: trusted.verdict.calls,
      done: trusted.verdict.calls,
      failed: 0,
      cancelled: 0,
    });
    const peerIds = peers.map((peer) => peer.peerId);
    expect(trusted.verdict).toMatchObject({ verification: { mode: 'trusted' }, evidence: 0 });
    expect(trusted.verdict.calls).toBeGreaterThanOrEqual(EPOCHS);
    expect(trusted.verdict.accepted).toHaveLength(trusted.verdict.calls);
    // Every epoch's square was run on a peer (the count source may be too).
    const squares = trusted.verdict.accepted.filter(
      (call: { node: string }) => call.node === 'square',
    );
    expect(squares.map((call: { epoch: string }) => call.epoch).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    for (const call of trusted.verdict.accepted) {
      expect(call.result).toMatch(/^b[a-z2-7]+$/);
      expect(call.executors).toHaveLength(1);
      expect(peerIds).toContain(call.executors[0]);
    }

    const quorumId = await submit({ runner: 'p2p', verification: { mode: 'quorum', k: 3, q: 2 } });
    const quorum = await finished(quorumId);
    expect(quorum.error).toBeNull();
    expect(quorum.results).toEqual(expected);
    expect(quorum.verdict).toMatchObject({
      verification: { mode: 'quorum', k: 3, q: 2 },
      calls: trusted.verdict.calls,
      evidence: 0,
    });
    for (const call of quorum.verdict.accepted) {
      expect(call.executors.length).toBeGreaterThanOrEqual(2);
      for (const executor of call.executors) expect(peerIds).toContain(executor);
    }
    // The same calls (task CIDs) came to the same results (result CIDs) either way.
    const byTask = (verdict: { accepted: Array<{ task: string; result: string }> }) =>
      Object.fromEntries(verdict.accepted.map((call) => [call.task, call.result]));
    expect(byTask(quorum.verdict)).toEqual(byTask(trusted.verdict));

    // Its events tell the story as any job's do, ending with the outcome.
    const events = await fetch(`${serve.url}/v1/jobs/${quorumId}/events`, {
      headers: { authorization: `Bearer ${serve.key}` },
    }).then((response) => response.text());
    expect(events).toMatch(/event: job\.running/);
    expect(events).toMatch(/event: job\.progress/);
    // The calls' counts come in progress events too, the last one saying all were done.
    const counts = [...events.matchAll(/event: job\.progress\ndata: (.*)/g)]
      .map((match) => JSON.parse(match[1]!).data)
      .filter((data) => data && 'total' in data);
    expect(counts.at(-1)).toMatchObject({
      total: quorum.verdict.calls,
      done: quorum.verdict.calls,
    });
    expect(quorum.progress.total).toBe(quorum.verdict.calls);
    expect(events).toMatch(/event: job\.outcome/);
    expect(events).toMatch(/event: done/);

    // A job for the workers on the same server has no verdict.
    const plain = await finished(await submit({}));
    expect(plain.results).toEqual(expected);
    expect(plain.verdict).toBeUndefined();
  }, 300_000);

  it('behavior: what a node prints on the peer that ran it comes into the job logs, naming that peer', async () => {
    const id = await submit({ tube: CHATTY, epochs: 3, runner: 'p2p' });
    const job = await finished(id);
    expect(job.error).toBeNull();
    expect(job.results).toEqual([0, 1, 2]);
    const { body } = await api(serve.url, serve.key, `/v1/jobs/${id}/logs`);
    const peerIds = peers.map((peer) => peer.peerId);
    const talked = body.logs.filter((entry: { node: string }) => entry.node === 'talk');
    // A line on stdout and one on stderr per call, each with its epoch and its executor.
    expect(talked).toHaveLength(6);
    for (const epoch of [0, 1, 2]) {
      const ofEpoch = talked.filter((entry: { epoch: string }) => entry.epoch === String(epoch));
      expect(ofEpoch.map((entry: { stream: string }) => entry.stream).sort()).toEqual([
        'stderr',
        'stdout',
      ]);
      for (const entry of ofEpoch) {
        const [, executor] = /^\[peer (\S+)\] /.exec(entry.text) ?? [];
        expect(peerIds).toContain(executor);
        expect(entry.text).toMatch(new RegExp(`(talking|a warning) about ${epoch}\n$`));
      }
    }
    // The executor is the one the verdict names for that call.
    const byEpoch = new Map(
      job.verdict.accepted
        .filter((call: { node: string }) => call.node === 'talk')
        .map((call: { epoch: string; executors: string[] }) => [call.epoch, call.executors[0]]),
    );
    for (const entry of talked) expect(entry.text).toContain(`[peer ${byEpoch.get(entry.epoch)}]`);
    // And `noob jobs logs` prints them.
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'bin', 'noob.js'), 'jobs', 'logs', id, '--url', serve.url, '--key', serve.key],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).toMatch(/talking about 2/);
  }, 180_000);

  it('behavior: noob jobs submit --runner p2p --verification quorum:3/2 sends such a job', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(ROOT, 'bin', 'noob.js'),
        'jobs',
        'submit',
        join(import.meta.dirname, 'tubes', 'square.yaml'),
        '-n',
        String(EPOCHS),
        '--runner',
        'p2p',
        '--verification',
        'quorum:3/2',
        '--json',
        '--url',
        serve.url,
        '--key',
        serve.key,
      ],
      { cwd: ROOT, timeout: 60_000 },
    );
    const job = await finished(JSON.parse(stdout).id);
    expect(job.results).toEqual(expected);
    expect(job.verdict.verification).toEqual({ mode: 'quorum', k: 3, q: 2 });
    // Refused before anything is sent: a usage error (exit 2).
    const bad = await run(
      process.execPath,
      [
        join(ROOT, 'bin', 'noob.js'),
        'jobs',
        'submit',
        'testing-basic',
        '--verification',
        'quorum',
        '--url',
        serve.url,
        '--key',
        serve.key,
      ],
      { cwd: ROOT, timeout: 60_000 },
    ).catch((error) => error);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--verification is for --runner p2p/);
  }, 180_000);

  it('behavior: a p2p job cancelled while it runs stops sending calls to the peers', async () => {
    const before = await settledExecutions();
    const id = await submit({ runner: 'p2p', epochs: 300 });
    for (let i = 0; i < 600; i++) {
      const { body } = await api(serve.url, serve.key, `/v1/jobs/${id}`);
      if (body.progress.epochs.done >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancelled = await api(serve.url, serve.key, `/v1/jobs/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect((await finished(id)).state).toBe('cancelled');
    // Without the cancellation reaching the run, all 300 calls would be made.
    const made = (await settledExecutions()) - before;
    expect(made).toBeGreaterThanOrEqual(2);
    expect(made).toBeLessThan(150);
  }, 240_000);

  it('error: a job asking for more executors than the network has fails naming what it needs', async () => {
    const id = await submit({ runner: 'p2p', verification: { mode: 'quorum', k: 5, q: 3 } });
    const job = await finished(id, 120_000);
    expect(job.state).toBe('failed');
    // The node's call failed (NodeRunError names the node); the network's reason is inside.
    expect(job.error.code).toBe('NodeRunError');
    expect(job.error.message).toMatch(/square/);
    expect(JSON.stringify(job.error)).toMatch(/needs 5 quorum-eligible peers, found 3/);
    expect(job.verdict).toMatchObject({ calls: 0, accepted: [], evidence: 0 });
  }, 180_000);
});
