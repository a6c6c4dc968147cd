import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import {
  api,
  cleanUpServes,
  eventually,
  startServe,
  tempDb,
  waitForJob,
} from '../platform/serve-process.ts';
import { OtlpReceiver, type ReceivedSpan, traceProcessesTo } from './otlp-receiver.ts';

/**
 * `noob serve` (the API, its coordinator and worker processes) exporting its spans to an
 * OTLP/HTTP receiver on 127.0.0.1: one trace joins the API request, the job's run and
 * each node call, across the three kinds of process.
 */

let receiver: OtlpReceiver;
let untrace: (() => void) | undefined;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});

afterEach(async () => {
  await cleanUpServes();
  untrace?.();
  untrace = undefined;
});

afterAll(async () => {
  await receiver.close();
});

/** Turns tracing on for the `noob serve` started next (its children inherit it). */
function traceTo(endpoint: string): void {
  untrace = traceProcessesTo(endpoint);
}

/** A tube whose stateless node `b` throws at every call. */
const FAILING = `
noob_id: failing-b
nodes:
  a:
    type: noob.testing.count_source
  b:
    type: noob.testing.error
    depends:
      - value: a.index
  c:
    type: return
    depends: b.value
`;

describe('tracing under noob serve (real processes, OTLP/HTTP receiver)', () => {
  it('behavior: one trace joins the API request, the job run and each node call, with their ids, across processes', async () => {
    traceTo(receiver.endpoint);
    const serve = await startServe(tempDb());
    // A caller that traces sends its own context: the API continues that trace.
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const submitted = await api(serve.url, serve.key, '/v1/jobs', {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ tube: 'testing-basic', epochs: 3 }),
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.id as string;
    const job = await waitForJob(serve.url, serve.key, jobId);
    expect(job.state).toBe('succeeded');

    const spans = await eventually('the run job span and three calls of b', async () => {
      const trace = receiver.spans().filter((span) => span.traceId === traceId);
      const calls = trace.filter((span) => span.name === 'call b');
      return trace.some((span) => span.name === 'run job') && calls.length >= 3 ? trace : undefined;
    });
    const one = (name: string) => {
      const found = spans.filter((span) => span.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };

    const request = one('POST /v1/jobs');
    expect(request).toMatchObject({
      parentSpanId: callerSpan,
      kind: 2,
      service: 'noob-api',
      pid: serve.child.pid,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/jobs',
        'http.response.status_code': 202,
        'noob.tenant': 'local',
        'noob.job.id': jobId,
      },
    });
    const submit = one('submit job');
    expect(submit).toMatchObject({
      parentSpanId: request.spanId,
      kind: 4,
      pid: serve.child.pid,
      attributes: { 'noob.job.id': jobId, 'noob.tenant': 'local' },
    });
    const run = one('run job');
    expect(run).toMatchObject({
      parentSpanId: submit.spanId,
      kind: 5,
      service: 'noob-coordinator',
      pid: serve.coordinatorPid,
      status: { code: 0 },
      attributes: { 'noob.job.id': jobId, 'noob.tenant': 'local' },
    });

    // Each node call of b: dispatched by the coordinator, run by a worker process.
    const dispatches = spans.filter((span) => span.name === 'dispatch b');
    const calls = spans.filter((span) => span.name === 'call b');
    expect(dispatches.map((span) => span.attributes['noob.epoch']).sort()).toEqual(['0', '1', '2']);
    expect(calls).toHaveLength(3);
    for (const dispatch of dispatches) {
      expect(dispatch).toMatchObject({
        parentSpanId: run.spanId,
        kind: 4,
        pid: serve.coordinatorPid,
        attributes: { 'noob.job.id': jobId, 'noob.node.id': 'b' },
      });
      const cid = dispatch.attributes['noob.task.cid'];
      expect(cid).toMatch(/^b[a-z2-7]{20,}$/);
      const call = calls.find((span) => span.parentSpanId === dispatch.spanId) as ReceivedSpan;
      expect(call, `the call of ${cid}`).toBeDefined();
      expect(serve.workerPids).toContain(call.pid);
      expect(call).toMatchObject({
        kind: 5,
        service: 'noob-worker',
        status: { code: 0 },
        attributes: {
          'noob.job.id': jobId,
          'noob.task.cid': cid,
          'noob.node.id': 'b',
          'noob.node.type': 'noob.testing.multiply',
          'noob.epoch': dispatch.attributes['noob.epoch'],
          'noob.task.attempt': 1,
        },
      });
      expect(String(call.attributes['noob.worker.id'])).not.toBe('');
    }
  });

  it('error: a node that throws fails its call spans, each attempt, and the job run', async () => {
    traceTo(receiver.endpoint);
    const serve = await startServe(tempDb());
    const submitted = await api(serve.url, serve.key, '/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        tube: FAILING,
        epochs: 1,
        retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 10 } },
      }),
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.id as string;
    expect((await waitForJob(serve.url, serve.key, jobId)).state).toBe('failed');
    const spans = await eventually('the failed run and both attempts of b', async () => {
      const mine = receiver.spans().filter((span) => span.attributes['noob.job.id'] === jobId);
      const calls = mine.filter((span) => span.name === 'call b');
      return mine.some((span) => span.name === 'run job') && calls.length >= 2 ? mine : undefined;
    });
    const calls = spans.filter((span) => span.name === 'call b');
    expect(calls.map((span) => span.attributes['noob.task.attempt']).sort()).toEqual([1, 2]);
    for (const call of calls) {
      expect(call.status.code).toBe(2);
      expect(call.status.message).toContain('This node just emits errors');
    }
    const run = spans.find((span) => span.name === 'run job')!;
    expect(run.status.code).toBe(2);
    // The request that submitted it is the root of the same trace.
    const request = receiver
      .spans()
      .find((span) => span.spanId === spans.find((s) => s.name === 'submit job')?.parentSpanId);
    expect(request).toMatchObject({
      name: 'POST /v1/jobs',
      parentSpanId: '',
      traceId: run.traceId,
    });
  });

  it('behavior: without an OTLP endpoint nothing is exported and no trace context is stored with the job or its tasks', async () => {
    const db = tempDb();
    const serve = await startServe(db);
    const before = receiver.exports.length;
    const submitted = await api(serve.url, serve.key, '/v1/jobs', {
      method: 'POST',
      headers: {
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ tube: 'testing-basic', epochs: 2 }),
    });
    const jobId = submitted.body.id as string;
    expect((await waitForJob(serve.url, serve.key, jobId)).state).toBe('succeeded');
    const queue = await openQueue(db); // beside the server's own connections
    try {
      const [job] = (
        await queue.driver.execute({
          sql: 'SELECT traceparent FROM jobs WHERE id = :id',
          params: { id: jobId },
        })
      ).rows;
      expect(job!.traceparent).toBeNull();
      const tasks = (
        await queue.driver.execute({
          sql: 'SELECT input FROM tasks WHERE job_id = :id',
          params: { id: jobId },
        })
      ).rows;
      expect(tasks.length).toBe(2);
      for (const task of tasks)
        expect(JSON.parse(String(task.input))).not.toHaveProperty('traceparent');
    } finally {
      await queue.close();
    }
    expect(receiver.exports.length).toBe(before);
  });
});
