import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWorkerFunction } from '../../core/runners/lambda/worker-function.ts';
import { startTracing, type Tracing } from '../../core/tracing/start.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import type { Coordinator } from '../../functions/serve/coordinator.ts';
import { type LambdaStack, startLambdaCoordinator, startLambdaStack } from '../lambda/stack.ts';
import { countingTube } from '../lambda/tubes.ts';
import { eventually } from '../platform/serve-process.ts';
import { OtlpReceiver } from './otlp-receiver.ts';

/**
 * The AWS path traced, on real parts: the API Lambda and the worker Lambdas (their real
 * handler files under the local Lambda twin, invoked through the real SDK, on a real
 * sqld) and the coordinator (the ECS service's code, in this process, with the lambda
 * runner), each exporting to one OTLP/HTTP receiver: one trace from the request to each
 * worker Lambda's call.
 */
const API = join(import.meta.dirname, '..', '..', 'functions', 'api', 'lambda.ts');
const EPOCHS = 3;

let receiver: OtlpReceiver;
let tracing: Tracing | undefined;
let stack: LambdaStack;
let coordinator: Coordinator;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  // This process plays the coordinator service.
  tracing = await startTracing('noob-coordinator', {
    env: { ...otel, OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
  stack = await startLambdaStack({
    workerEnv: otel,
    functions: (queueUrl) => [
      { name: 'api', file: API, functionUrl: true, env: { NOOB_QUEUE_URL: queueUrl, ...otel } },
    ],
  });
  await registerWorkerFunction(stack.queue, 'worker');
  coordinator = startLambdaCoordinator(stack, 2);
});

afterAll(async () => {
  await coordinator?.stop();
  await stack?.stop();
  await tracing?.stop();
  await receiver?.close();
});

describe('tracing on the AWS path (API Lambda → queue → coordinator → worker Lambdas)', {
  timeout: 400_000,
}, () => {
  it('behavior: one trace joins the API Lambda request, the coordinator run and each worker Lambda call', async () => {
    const key = (await new KeyStore(stack.queue.driver).create('acme')).key;
    const url = stack.twin.functionUrl('api');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const response = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ tube: countingTube('traced', 0), epochs: EPOCHS }),
    });
    expect(response.status).toBe(202);
    const jobId = ((await response.json()) as { id: string }).id;
    await eventually(
      'the job to finish',
      async () => {
        const job = (await (await fetch(`${url}/v1/jobs/${jobId}`, { headers })).json()) as {
          state: string;
        };
        return ['queued', 'running'].includes(job.state) ? undefined : job.state;
      },
      4_000,
    ); // a busy machine runs the suite's Lambda tests side by side: bounded, but long
    expect((await stack.queue.getJob('acme', jobId)).state).toBe('succeeded');

    const spans = await eventually(
      'the run and each call of add',
      async () => {
        const request = receiver
          .spans()
          .find(
            (span) => span.name === 'POST /v1/jobs' && span.attributes['noob.job.id'] === jobId,
          );
        const trace = receiver.spans().filter((span) => span.traceId === request?.traceId);
        const calls = trace.filter((span) => span.name === 'call add');
        return trace.some((span) => span.name === 'run job') && calls.length >= EPOCHS
          ? trace
          : undefined;
      },
      2_000,
    );
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [request] = named('POST /v1/jobs');
    const [submit] = named('submit job');
    const [run] = named('run job');
    expect(request).toMatchObject({ service: 'noob-api', parentSpanId: '', kind: 2 });
    expect(submit).toMatchObject({ service: 'noob-api', parentSpanId: request!.spanId });
    expect(run).toMatchObject({
      service: 'noob-coordinator',
      pid: process.pid,
      parentSpanId: submit!.spanId,
      attributes: { 'noob.job.id': jobId },
    });
    const dispatches = named('dispatch add');
    expect(dispatches).toHaveLength(EPOCHS);
    for (const dispatch of dispatches) {
      expect(dispatch.parentSpanId).toBe(run!.spanId);
      const call = named('call add').find((span) => span.parentSpanId === dispatch.spanId);
      expect(call).toMatchObject({
        service: 'noob-worker',
        kind: 5,
        attributes: {
          'noob.job.id': jobId,
          'noob.task.cid': dispatch.attributes['noob.task.cid'],
          'noob.node.id': 'add',
          'noob.epoch': dispatch.attributes['noob.epoch'],
        },
      });
      expect(call!.pid).not.toBe(process.pid);
      expect(String(call!.attributes['noob.worker.id'])).toMatch(/^lambda-/);
    }
  });
});
