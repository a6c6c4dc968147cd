import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../core/queue/types.ts';
import { type LambdaStack, startLambdaStack, WORKER_HANDLER } from './stack.ts';

/**
 * The worker Lambda's real handler file (functions/worker/lambda.ts) under the local
 * Lambda twin, invoked by the real AWS SDK, claiming from a real sqld.
 */

let stack: LambdaStack;
beforeAll(async () => {
  stack = await startLambdaStack({ concurrency: 1 });
});
afterAll(async () => {
  await stack?.stop();
});

async function invoke(event: unknown) {
  const answer = await stack.client.send(
    new InvokeCommand({ FunctionName: 'worker', Payload: JSON.stringify(event) }),
  );
  return {
    error: answer.FunctionError,
    report: JSON.parse(Buffer.from(answer.Payload!).toString()),
  };
}

/** `count` multiply calls (`left` = i), under CIDs `prefix-i`. */
function multiplies(prefix: string, count: number): TaskSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const cid = `${prefix}-${i}`;
    return { cid, input: { cid, type: 'noob.testing.multiply', inputs: { left: i } } };
  });
}

describe('worker Lambda', () => {
  it('behavior: one invocation claims the ready tasks, runs them and completes each batch as it claims the next; the job succeeds', async () => {
    const { jobId } = await stack.queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: multiplies('batch', 30),
    });
    const { error, report } = await invoke({ claim: { max: 10 } });
    expect(error).toBeUndefined();
    expect(report).toMatchObject({
      ok: true,
      claimed: 30,
      succeeded: 30,
      refused: 0,
      failed: 0,
      stoppedBy: 'empty',
    });
    // Three claims of ten, and the one that found nothing and reported the last batch.
    expect(report.rounds).toBe(4);
    const job = await stack.queue.getJob('t', jobId);
    expect(job.state).toBe('succeeded');
    expect(job.results['batch-7']).toMatchObject({ outputs: { value: 14 } });
  });

  it('behavior: a duplicate or late invocation finds nothing to claim and changes nothing', async () => {
    const { jobId } = await stack.queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: multiplies('dup', 5),
    });
    const first = await invoke({ claim: {} });
    const events = (await stack.queue.events('t', jobId)).length;
    const again = await invoke({ claim: {} });
    expect(first.report).toMatchObject({ ok: true, succeeded: 5 });
    expect(again.report).toMatchObject({ ok: true, claimed: 0, succeeded: 0, rounds: 1 });
    expect((await stack.queue.events('t', jobId)).length).toBe(events);
    // The same warm environment answered both, under one worker id built at its cold start.
    expect(again.report.workerId).toBe(first.report.workerId);
    expect(stack.twin.environments('worker')).toHaveLength(1);
  });

  it('behavior: a claim limit stops the invocation with work left for the next one', async () => {
    const { jobId } = await stack.queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: multiplies('limit', 6),
    });
    const { report } = await invoke({ claim: { max: 2, limit: 4 } });
    expect(report).toMatchObject({ ok: true, claimed: 4, succeeded: 4, stoppedBy: 'limit' });
    expect((await stack.queue.getJob('t', jobId)).progress.done).toBe(4);
    expect((await invoke({ claim: {} })).report).toMatchObject({ claimed: 2 });
  });

  it('behavior: the first invocation of an environment says what its cold start cost, the next ones do not', async () => {
    stack.twin.deploy({
      name: 'worker-cold',
      file: WORKER_HANDLER,
      env: { NOOB_QUEUE_URL: stack.sqld.url },
      reservedConcurrency: 1,
    });
    const claim = async () => {
      const answer = await stack.client.send(
        new InvokeCommand({ FunctionName: 'worker-cold', Payload: '{"claim":{"tags":["none"]}}' }),
      );
      return JSON.parse(Buffer.from(answer.Payload!).toString());
    };
    const first = await claim();
    expect(first).toMatchObject({ ok: true, claimed: 0 });
    const { modulesMs, addonMs, connectionMs, registerMs, cpuMs } = first.coldStart;
    // The modules are loaded after the process started; a connection takes round trips.
    for (const ms of [modulesMs, addonMs, connectionMs, registerMs])
      expect(ms).toBeGreaterThanOrEqual(0);
    expect(modulesMs).toBeGreaterThan(0);
    expect(connectionMs).toBeGreaterThan(0);
    // Loading the modules alone takes CPU; the CPU figure covers them.
    expect(cpuMs).toBeGreaterThan(0);
    expect((await claim()).coldStart).toBeUndefined();
  });

  it('error: a malformed event gets a clear error result, and the environment serves the next invocation', async () => {
    const pid = stack.twin.environments('worker')[0]?.pid;
    const { error, report } = await invoke({ claim: { max: 'lots' }, payload: [1, 2] });
    expect(error).toBeUndefined();
    expect(report.ok).toBe(false);
    expect(report.error.code).toBe('invalid_event');
    expect(report.error.message).toContain('claim.max');
    expect(report.error.message).toContain('payload');
    expect((await invoke({ claim: {} })).report.ok).toBe(true);
    expect(stack.twin.environments('worker')[0]?.pid).toBe(pid);
  });

  it('error: a task whose node type cannot load, or that names a module the worker refuses, ends dead with the reason', async () => {
    const tasks: TaskSpec[] = [
      { cid: 'unknown', input: { cid: 'unknown', type: 'no.such.node' }, maxAttempts: 3 },
      { cid: 'module', input: { cid: 'module', type: '/tmp/evil.ts#run' }, maxAttempts: 3 },
      { cid: 'shape', input: { cid: 'shape', nodeType: 'x' }, maxAttempts: 3 },
    ];
    const { jobId } = await stack.queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
    const { report } = await invoke({ claim: {} });
    expect(report).toMatchObject({ ok: true, claimed: 3, failed: 3, succeeded: 0 });
    const job = await stack.queue.getJob('t', jobId);
    expect(job.state).toBe('failed');
    expect(job.failures.unknown).toMatchObject({ name: 'UnknownNodeTypeError' });
    expect(job.failures.unknown!.message).toContain('no.such.node');
    expect(job.failures.module).toMatchObject({ name: 'ModuleNotAllowedError' });
    expect(job.failures.shape).toMatchObject({ name: 'InvalidTaskError' });
  });
});
