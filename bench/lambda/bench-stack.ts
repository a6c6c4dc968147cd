import { type NoobProcess, startNoob } from '../../test/lambda/noob-process.ts';
import { type LambdaStack, startLambdaStack } from '../../test/lambda/stack.ts';

/** The Lambda benchmarks' parts: the stack, and `noob worker` processes on its sqld. */
export interface BenchStack {
  stack: LambdaStack;
  /** Stops the worker processes (gracefully, bounded), then the stack. */
  stop(): Promise<void>;
}

/**
 * Start sqld, the Lambda twin with the worker function (`workers` at once, `perWorker`
 * calls at once each), and as many `noob worker` processes on the same sqld for the
 * queued runner, each ready to pull.
 */
export async function startBenchStack(workers: number, perWorker: number): Promise<BenchStack> {
  const stack = await startLambdaStack({
    concurrency: workers,
    workerEnv: { NOOB_WORKER_CONCURRENCY: String(perWorker) },
  });
  const processes: NoobProcess[] = [];
  const stop = async () => {
    // A graceful stop, bounded: the benchmark must end whatever the workers do.
    for (const worker of processes) worker.child.kill('SIGTERM');
    const stopped = Promise.all(processes.map((worker) => worker.exited));
    const late = setTimeout(() => {
      for (const worker of processes) worker.child.kill('SIGKILL');
    }, 5_000);
    await stopped;
    clearTimeout(late);
    await stack.stop();
  };
  try {
    for (let i = 0; i < workers; i++) {
      const worker = startNoob(
        ['worker', '--db', stack.sqld.url, '--concurrency', String(perWorker)],
        {},
      );
      processes.push(worker);
      await worker.printed(/pulling from/);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stack, stop };
}
