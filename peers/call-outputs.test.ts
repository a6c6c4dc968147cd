import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskExecutor } from '../functions/worker/executor.ts';
import { CallOutputs, fetchCallOutput, OUTPUT_PREFIX } from './call-outputs.ts';
import { startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** A node that prints a line on stdout and one on stderr (the dashboard tests' `talk`). */
const TALK = `${join(import.meta.dirname, '..', 'test', 'dashboard', 'tubes', 'nodes.ts')}#talk`;
const call = (cid: string, value: number) => ({
  cid,
  nodeId: 'talk',
  epoch: String(value),
  type: TALK,
  params: {},
  inputs: { value },
});

describe('call outputs', () => {
  it('behavior: what a call printed on its executor is fetched by its task CID, bounded', async () => {
    const executor = await startTestPeer(stops);
    const submitter = await startTestPeer(stops, { bootstrap: executor.addresses });
    const outputs = new CallOutputs(30);
    outputs.serveOn(executor);
    const run = outputs.capturing(new TaskExecutor());
    const signal = AbortSignal.timeout(10_000);
    expect((await run.execute(call('task-a', 7), signal)).outputs).toEqual({ value: 7 });
    const chunks = await fetchCallOutput(submitter, executor.peerId, 'task-a', signal);
    // 30 bytes kept of "talking about 7\n" and "a warning about 7\n", then what was dropped.
    expect(chunks.map((chunk) => [chunk.stream, chunk.text])).toEqual([
      ['stdout', 'talking about 7\n'],
      ['stderr', 'a warning abou'],
      ['stderr', expect.stringMatching(/^\[noob: 4 more bytes of output dropped/)],
    ]);
    // The submitter bounds it again: the executor is anyone.
    const short = await fetchCallOutput(submitter, executor.peerId, 'task-a', signal, 10);
    expect(short.map((chunk) => chunk.text)).toEqual(['talking ab']);
    // A call that printed nothing, or never ran here, has no output.
    expect(await fetchCallOutput(submitter, executor.peerId, 'task-b', signal)).toEqual([]);
  }, 30_000);

  it('error: an answer that is not a list of log entries is no output', async () => {
    const executor = await startTestPeer(stops);
    const submitter = await startTestPeer(stops, { bootstrap: executor.addresses });
    executor.exchange.serve(OUTPUT_PREFIX, () => new TextEncoder().encode('not cbor at all'));
    const signal = AbortSignal.timeout(10_000);
    expect(await fetchCallOutput(submitter, executor.peerId, 'task-a', signal)).toEqual([]);
  }, 30_000);
});
