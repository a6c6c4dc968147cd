import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWorkerFunction } from '../../core/runners/lambda/worker-function.ts';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import type { Coordinator } from '../../functions/serve/coordinator.ts';
import { acceptedTaskIds } from './accepted.ts';
import { type LambdaStack, startLambdaCoordinator, startLambdaStack } from './stack.ts';
import { countingTube } from './tubes.ts';

/**
 * The serverless path end to end on real parts: a 200-task tube job submitted to the API
 * Lambda (Function URL), put on the queue (a real sqld), run by a coordinator (the ECS
 * service's code, here in the test process) with the lambda runner, whose dispatcher
 * invokes worker Lambdas (the real handler under the local twin, through the real SDK).
 * Each run must give the sync runner's results with every task accepted exactly once,
 * also when invocations are duplicated, a worker process is killed mid-task, the service
 * throttles, or sqld restarts mid-job.
 */
const API = join(import.meta.dirname, '..', '..', 'functions', 'api', 'lambda.ts');
const EPOCHS = 200;

/** One task per epoch (count is a stateful source: it stays with the coordinator). */
const TUBE = countingTube('lambda-e2e', 0.01);

let stack: LambdaStack;
let coordinator: Coordinator;
let url: string;
let key: string;
let expected: unknown[];

beforeAll(async () => {
  stack = await startLambdaStack({
    // Short leases: a killed worker's tasks go back to the queue within a second.
    workerEnv: { NOOB_LEASE_MS: '1000' },
    functions: (queueUrl) => [
      { name: 'api', file: API, functionUrl: true, env: { NOOB_QUEUE_URL: queueUrl } },
    ],
  });
  url = stack.twin.functionUrl('api');
  key = (await new KeyStore(stack.queue.driver).create('acme')).key;
  // What the coordinator service does as it starts on AWS.
  await registerWorkerFunction(stack.queue, 'worker');
  coordinator = startLambdaCoordinator(stack, 4);
  const sync = new SyncRunner(await loadTubeFromText(TUBE));
  expected = await sync.run(EPOCHS);
  await sync.deinit();
});
afterAll(async () => {
  await coordinator?.stop();
  await stack?.stop();
});

const authed = (method = 'GET', body?: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Submit the tube through the API Lambda; returns the job id. */
async function submit(): Promise<string> {
  const response = await fetch(`${url}/v1/jobs`, authed('POST', { tube: TUBE, epochs: EPOCHS }));
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Poll the job through the API Lambda until it is final (bounded); `during` runs each look. */
async function finished(id: string, during: (done: number) => Promise<void> | void = () => {}) {
  for (let i = 0; i < 2_000; i++) {
    const response = await fetch(`${url}/v1/jobs/${id}`, authed()).catch(() => undefined);
    if (response?.ok) {
      const job = (await response.json()) as {
        state: string;
        progress: { done: number; total: number };
        results: unknown;
      };
      if (!['queued', 'running'].includes(job.state)) return job;
      await during(job.progress.done);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Every task of the job was accepted once: the succeeded events name each task id once. */
async function acceptedOnce(id: string): Promise<void> {
  const ids = await acceptedTaskIds(stack.queue, 'acme', id);
  expect(ids).toHaveLength(EPOCHS);
  expect(new Set(ids).size).toBe(EPOCHS);
}

async function expectSyncResults(id: string, job: { state: string }): Promise<void> {
  expect(job.state).toBe('succeeded');
  const view = await stack.queue.getJob('acme', id);
  expect(view.outcome).toEqual({ results: expected });
  expect(view.progress).toMatchObject({ total: EPOCHS, done: EPOCHS, failed: 0 });
  await acceptedOnce(id);
}

// Each run is 200 tasks through several processes: generous on a busy machine.
describe('serverless end to end (API Lambda → queue → dispatcher → worker Lambdas)', {
  timeout: 240_000,
}, () => {
  it('behavior: a 200-task tube job gives the sync runner’s results, each task accepted once', async () => {
    const id = await submit();
    await expectSyncResults(id, await finished(id));
  });

  it('behavior: duplicate invocations injected meanwhile find nothing twice, and throttled invokes are backed off and sent again', async () => {
    // The last test's invocations may still be looking for work (for activeMs after its
    // job): they would run this job's tasks without any invoke, and the throttles would
    // not all be met. Let them end first (bounded).
    const busy = () => stack.twin.environments('worker').some((e) => e.state === 'busy');
    for (let i = 0; i < 400 && busy(); i++) await new Promise((done) => setTimeout(done, 25));
    const before = stack.twin.invocations('worker').filter((r) => r.outcome === 'fault').length;
    stack.twin.injectFaults(
      'worker',
      Array.from({ length: 8 }, () => 'throttle' as const),
    );
    const id = await submit();
    const faults = () =>
      stack.twin.invocations('worker').filter((r) => r.outcome === 'fault').length - before;
    // The dispatcher meets the throttles first (no task runs before all eight are served,
    // in order); then duplicates come while tasks run. This loop watches the twin's own
    // records (in this process, so it reacts within milliseconds, however fast the job is).
    let sent = 0;
    let final = false;
    const duplicate = async () => {
      sent++;
      await stack.client
        .send(
          new InvokeCommand({
            FunctionName: 'worker',
            InvocationType: 'Event',
            Payload: JSON.stringify({ claim: { max: 4 } }),
          }),
        )
        .catch(() => undefined);
    };
    const duplicates = (async () => {
      while (!final && faults() < 8) await new Promise((done) => setTimeout(done, 2));
      while (!final && sent < 40) {
        await duplicate();
        await new Promise((done) => setTimeout(done, 10));
      }
    })();
    const job = await finished(id);
    final = true;
    await duplicates;
    // A job faster than the loop got none while it ran: late ones then, which must find
    // nothing to claim either (acceptedOnce below).
    while (sent < 3) await duplicate();
    expect(sent).toBeGreaterThan(0);
    expect(faults()).toBe(8);
    await expectSyncResults(id, job);
  });

  it('behavior: a worker process killed mid-task, then sqld restarted, lose nothing: leases expire, tasks run again, each result is accepted once', async () => {
    const id = await submit();
    let killed = 0;
    let restarted = 0;
    const job = await finished(id, async (done) => {
      if (killed === 0 && done >= 10) {
        const busy = stack.twin.environments('worker').find((e) => e.state === 'busy');
        if (busy?.pid === undefined) return;
        process.kill(busy.pid, 'SIGKILL');
        killed++;
      } else if (killed > 0 && restarted === 0 && done >= 40) {
        restarted++;
        await stack.sqld.restart(300);
      }
    });
    expect([killed, restarted]).toEqual([1, 1]);
    expect(stack.twin.invocations('worker').some((r) => r.errorType === 'Runtime.ExitError')).toBe(
      true,
    );
    await expectSyncResults(id, job);
  });

  it('behavior: a job survives its coordinator stopping mid-job: another takes the run over and finishes it', async () => {
    const id = await submit();
    let replaced = 0;
    const job = await finished(id, async (done) => {
      if (replaced > 0 || done < 40) return;
      replaced++;
      await coordinator.stop();
      coordinator = startLambdaCoordinator(stack, 4);
    });
    expect(replaced).toBe(1);
    await expectSyncResults(id, job);
  });
});
