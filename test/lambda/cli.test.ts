import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import { acceptedTaskIds } from './accepted.ts';
import { awsEnvironment, type NoobProcess, runNoob, startNoob } from './noob-process.ts';
import { type LambdaStack, startLambdaStack } from './stack.ts';
import { countingTube } from './tubes.ts';

/**
 * `noob run --runner lambda` and `noob coordinator --runner lambda` as a user starts
 * them: real processes that reach the Lambda service through the SDK's environment
 * (here the local twin, whose worker function is the real handler) and a real sqld.
 *
 * The worker function gets a short time budget (2.5 s, 1 s of it kept in reserve), so a
 * job of about 5 s cannot finish within one invocation: it completes only through
 * invocations that stop for lack of time and fresh ones that claim what is left, and its
 * coordinator is killed (SIGKILL) mid-job and replaced.
 */
const BASIC = join(import.meta.dirname, '..', '..', 'examples', 'basic', 'basic.yaml');
/** Calls of 0.4 s, a few epochs at a time: several times one worker invocation's budget. */
const EPOCHS = 24;
const TUBE = countingTube('lambda-cli-budget', 0.4);

let stack: LambdaStack;
let env: Record<string, string>;
const started: NoobProcess[] = [];

beforeAll(async () => {
  stack = await startLambdaStack({
    concurrency: 2,
    workerTimeoutMs: 2_500,
    // One call at a time: an invocation fits about four 0.4 s calls into its budget.
    workerEnv: { NOOB_LEASE_MS: '1000', NOOB_RESERVE_MS: '1000', NOOB_WORKER_CONCURRENCY: '1' },
  });
  env = awsEnvironment(stack.twin.endpoint);
});
afterAll(async () => {
  for (const noob of started) noob.child.kill('SIGKILL');
  await stack?.stop();
});

/** Start `noob coordinator --runner lambda` on the stack's queue and wait until it drives jobs. */
async function coordinator(id: string): Promise<NoobProcess> {
  const noob = startNoob(
    [
      'coordinator',
      '--db',
      stack.sqld.url,
      '--id',
      id,
      '--lease-ms',
      '1000',
      '--runner',
      'lambda',
      '--function',
      'worker',
      '--lambda-concurrency',
      '2',
    ],
    env,
  );
  started.push(noob);
  await noob.printed(/driving tube jobs/);
  return noob;
}

describe('noob run --runner lambda', { timeout: 120_000 }, () => {
  it('behavior: runs a tube through worker Lambdas and prints the sync runner’s results', async () => {
    const args = [BASIC, '-n', '5', '--json'];
    const sync = await runNoob(['run', ...args], {});
    const lambda = await runNoob(
      ['run', ...args, '--runner', 'lambda', '--function', 'worker', '--db', stack.sqld.url],
      env,
    );
    expect(lambda.stderr).toBe('');
    expect(lambda.code).toBe(0);
    expect(JSON.parse(lambda.stdout)).toEqual([0, 2, 4, 6, 8]);
    expect(lambda.stdout).toBe(sync.stdout);
    expect(stack.twin.invocations('worker').length).toBeGreaterThan(0);
  });

  it('behavior: the function and the queue may come from NOOB_LAMBDA_FUNCTION and NOOB_QUEUE_URL', async () => {
    const lambda = await runNoob(['run', BASIC, '-n', '3', '--runner', 'lambda'], {
      ...env,
      NOOB_LAMBDA_FUNCTION: 'worker',
      NOOB_QUEUE_URL: stack.sqld.url,
    });
    expect(lambda.stdout.trim().split('\n')).toEqual(['0', '2', '4']);
    expect(lambda.code).toBe(0);
  });

  it('error: a function the service does not know is refused at once, named, with exit 2', async () => {
    const result = await runNoob(
      ['run', BASIC, '--runner', 'lambda', '--function', 'no-such-worker', '--db', stack.sqld.url],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"no-such-worker" cannot be invoked');
    expect(result.stderr).toContain('ResourceNotFoundException');
  });

  it('error: without a function or a queue, the usage says which is missing', async () => {
    const noFunction = await runNoob(['run', BASIC, '--runner', 'lambda', '--db', 'x'], env);
    expect(noFunction.code).toBe(2);
    expect(noFunction.stderr).toContain('--runner lambda needs --function NAME');
    const noQueue = await runNoob(['run', BASIC, '--runner', 'lambda', '--function', 'w'], env);
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain('--runner lambda needs --db URL');
    const stray = await runNoob(['run', BASIC, '--function', 'worker'], env);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--function and --lambda-concurrency are for --runner lambda');
  });

  it('behavior: run and coordinator help describe the lambda options', async () => {
    for (const command of ['run', 'coordinator']) {
      const help = await runNoob([command, '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--function NAME');
      expect(help.stdout).toContain('--lambda-concurrency N');
    }
  });
});

describe('noob coordinator --runner lambda', { timeout: 240_000 }, () => {
  it('behavior: a job longer than one invocation’s time budget completes with sync’s results through fresh invocations, surviving its coordinator killed mid-job', async () => {
    const sync = new SyncRunner(await loadTubeFromText(TUBE));
    const expected = await sync.run(EPOCHS);
    await sync.deinit();
    const first = await coordinator('cli-coordinator-a');
    // As the job API queues an accepted tube job (its own path is tested in end-to-end).
    const { jobId: id } = await stack.queue.submitJob({
      tenant: 'acme',
      kind: 'tube',
      payload: { tube: TUBE, epochs: EPOCHS },
      open: true,
    });

    let second: NoobProcess | undefined;
    let state = 'queued';
    for (let i = 0; i < 3_000 && ['queued', 'running'].includes(state); i++) {
      const job = await stack.queue.getJob('acme', id);
      state = job.state;
      if (!second && job.progress.done >= 4) {
        first.child.kill('SIGKILL');
        expect(await first.exited).toBe('SIGKILL');
        second = await coordinator('cli-coordinator-b');
      }
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(second).toBeDefined();
    const job = await stack.queue.getJob('acme', id);
    expect(job.state).toBe('succeeded');
    expect(job.outcome).toEqual({ results: expected });
    const accepted = await acceptedTaskIds(stack.queue, 'acme', id);
    expect(accepted).toHaveLength(EPOCHS);
    expect(new Set(accepted).size).toBe(EPOCHS);

    // Invocations ran out of time with work left, and fresh ones took the rest over.
    const reports = stack.twin
      .invocations('worker')
      .filter((record) => record.outcome === 'response' && record.response)
      .map((record) => JSON.parse(record.response!) as { stoppedBy?: string; claimed?: number });
    const outOfTime = reports.findIndex(
      (report) => report.stoppedBy === 'time' && (report.claimed ?? 0) > 0,
    );
    expect(outOfTime).toBeGreaterThanOrEqual(0);
    const later = reports.slice(outOfTime + 1).filter((report) => (report.claimed ?? 0) > 0);
    expect(later.length).toBeGreaterThan(0);
  });
});
