import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { OtlpReceiver } from '../../test/tracing/otlp-receiver.ts';
import { traceCall } from './call-span.ts';
import { traceParentOf } from './carrier.ts';
import { tracingEnabled } from './enabled.ts';
import { startTracing, type Tracing } from './start.ts';
import { traceSubmit } from './submit-span.ts';

let receiver: OtlpReceiver;
let tracing: Tracing | undefined;

beforeEach(async () => {
  receiver = await OtlpReceiver.start();
});

afterEach(async () => {
  await tracing?.stop();
  tracing = undefined;
  await receiver.close();
});

/** A submission, then a call run with the traceparent the submission stored. */
async function submitAndCall(call: () => Promise<unknown>): Promise<string | undefined> {
  let stored: string | undefined;
  await traceSubmit('acme', async (traceparent) => {
    stored = traceparent;
    return { jobId: 'job-1' };
  });
  const task = { jobId: 'job-1', cid: 'bafy-task', nodeId: 'double', epoch: '0', type: 'noob.x' };
  await traceCall({ ...task, attempt: 1, workerId: 'w1', traceparent: stored }, call).catch(
    () => {},
  );
  return stored;
}

describe('startTracing', () => {
  test('behavior: without an endpoint nothing starts and nothing is stored with work', async () => {
    tracing = await startTracing('noob-api', { env: {} });
    expect(tracing).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    expect(await submitAndCall(async () => 1)).toBeUndefined();
    expect(traceParentOf()).toBeUndefined();
    expect(receiver.exports).toEqual([]);
  });

  test('behavior: spans reach the OTLP/HTTP endpoint as JSON, the call a child of the submission', async () => {
    tracing = await startTracing('noob-api', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    expect(tracingEnabled()).toBe(true);
    const stored = await submitAndCall(async () => 1);
    expect(stored).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    await tracing!.stop(); // sends what is left
    tracing = undefined;
    expect(tracingEnabled()).toBe(false);
    const spans = receiver.spans();
    const submit = spans.find((span) => span.name === 'submit job')!;
    const call = spans.find((span) => span.name === 'call double')!;
    expect(submit).toMatchObject({
      kind: 4,
      service: 'noob-api',
      pid: process.pid,
      attributes: { 'noob.tenant': 'acme', 'noob.job.id': 'job-1' },
    });
    expect(call).toMatchObject({
      traceId: submit.traceId,
      parentSpanId: submit.spanId,
      kind: 5,
      status: { code: 0 },
      attributes: {
        'noob.job.id': 'job-1',
        'noob.task.cid': 'bafy-task',
        'noob.node.id': 'double',
        'noob.node.type': 'noob.x',
        'noob.epoch': '0',
        'noob.task.attempt': 1,
        'noob.worker.id': 'w1',
      },
    });
    expect(stored).toBe(`00-${submit.traceId}-${submit.spanId}-01`);
  });

  test('error: a node that throws marks its call span failed, with its error', async () => {
    tracing = await startTracing('noob-worker', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    await submitAndCall(async () => {
      throw new RangeError('too big');
    });
    await tracing!.stop();
    tracing = undefined;
    const call = receiver.spans().find((span) => span.name === 'call double')!;
    expect(call.status).toEqual({ code: 2, message: 'RangeError: too big' });
  });

  test('behavior: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf sends protobuf', async () => {
    tracing = await startTracing('noob-worker', {
      env: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_SERVICE_NAME: 'my-workers',
      },
    });
    await submitAndCall(async () => 1);
    await tracing!.stop();
    tracing = undefined;
    expect(receiver.exports.length).toBeGreaterThan(0);
    const [sent] = receiver.exports;
    expect(sent!.contentType).toBe('application/x-protobuf');
    // Protobuf keeps strings as their UTF-8 bytes: the names are there, as sent.
    for (const text of ['call double', 'bafy-task', 'my-workers']) {
      expect(sent!.body.includes(Buffer.from(text))).toBe(true);
    }
  });

  test('behavior: a collector that is down does not hold the stop up, and is said', async () => {
    const down = await OtlpReceiver.start();
    const endpoint = down.endpoint;
    await down.close();
    const lines: string[] = [];
    tracing = await startTracing('noob-worker', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '10' },
      log: (line) => lines.push(line),
    });
    for (let i = 0; i < 3; i++) expect(await submitAndCall(async () => i)).toBeDefined();
    await tracing!.stop();
    tracing = undefined;
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.at(-1)).toMatch(/^noob: tracing: the last spans were not sent within \d+ ms/);
    expect(lines.at(-1)).toContain(`${endpoint}/v1/traces`);
  });

  test("error: an export's failure, which the SDK hands over as the error's JSON with its stack, is one readable line", async () => {
    const lines: string[] = [];
    tracing = await startTracing('noob-api', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      log: (line) => lines.push(line),
    });
    // What @opentelemetry/core's global error handler does with a failed export's error.
    const failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), {
      code: 'ECONNREFUSED',
    });
    const { diag } = await import('@opentelemetry/api');
    diag.error(
      JSON.stringify({ stack: failure.stack, message: failure.message, code: 'ECONNREFUSED' }),
    );
    expect(lines).toEqual([
      `noob: tracing: connect ECONNREFUSED 127.0.0.1:4318 (collector ${receiver.endpoint}/v1/traces; spans may be lost; said once)`,
    ]);
  });
});
