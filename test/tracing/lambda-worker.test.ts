import { randomBytes } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaStack, startLambdaStack } from '../lambda/stack.ts';
import { OtlpReceiver } from './otlp-receiver.ts';

/**
 * The worker Lambda's real handler file under the local Lambda twin (real runtime client,
 * real AWS SDK, real sqld), with OTEL_EXPORTER_OTLP_ENDPOINT in its environment: each node
 * call is a span under the dispatch span its task carries, sent before the invocation
 * answers (the environment may be frozen after).
 */

let receiver: OtlpReceiver;
let stack: LambdaStack;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  stack = await startLambdaStack({
    concurrency: 1,
    workerEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
  });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('tracing in the worker Lambda', () => {
  it('behavior: each call is a span under its task traceparent, sent by the time the invocation answers', async () => {
    const traceId = randomBytes(16).toString('hex');
    const dispatch = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${dispatch}-01`;
    const tasks = [0, 1].map((left) => {
      const cid = `traced-${left}`;
      const input = {
        cid,
        type: 'noob.testing.multiply',
        inputs: { left },
        nodeId: 'b',
        traceparent,
      };
      return { cid, nodeId: 'b', epoch: String(left), input: { ...input, epoch: String(left) } };
    });
    const { jobId } = await stack.queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
    const answer = await stack.client.send(
      new InvokeCommand({
        FunctionName: 'worker',
        Payload: JSON.stringify({ claim: { max: 10 } }),
      }),
    );
    expect(answer.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ succeeded: 2 });
    // Flushed before the answer: no later export is awaited for them.
    const calls = receiver.spans().filter((span) => span.traceId === traceId);
    expect(calls.map((span) => span.attributes['noob.task.cid']).sort()).toEqual([
      'traced-0',
      'traced-1',
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({
        name: 'call b',
        parentSpanId: dispatch,
        kind: 5,
        service: 'noob-worker',
        status: { code: 0 },
        attributes: {
          'noob.job.id': jobId,
          'noob.node.id': 'b',
          'noob.node.type': 'noob.testing.multiply',
          'noob.task.attempt': 1,
        },
      });
      expect(String(call.attributes['noob.worker.id'])).toMatch(/^lambda-/);
    }
  });
});
