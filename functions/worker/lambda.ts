import type { WorkerReport } from '../../core/runners/lambda/invocation.ts';
import { startTracing, type Tracing } from '../../core/tracing/start.ts';
import { lambdaWorkerFromEnv } from './lambda-config.ts';
import type { LambdaWorker } from './lambda-worker.ts';

/**
 * The worker Lambda's handler: the adapter only (the logic is {@link LambdaWorker}). Its
 * components are built on the first invocation of an environment and reused by the next
 * ones; if building fails (the queue unreachable), the invocation fails and the next one
 * tries again.
 */

let worker: Promise<LambdaWorker> | undefined;
/** Tracing, started with the environment when OTEL_EXPORTER_OTLP_*ENDPOINT asks for it. */
let tracing: Promise<Tracing | undefined> | undefined;

/** What the runtime passes the handler (the part it reads). */
interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Handle `{"claim": {…}}`: claim, run and complete tasks; answer what was done. */
export async function handler(event: unknown, context: LambdaContext): Promise<WorkerReport> {
  tracing ??= startTracing('noob-worker');
  const traced = await tracing; // a variable it cannot follow fails the invocation, naming it
  worker ??= lambdaWorkerFromEnv(process.env).catch((error: unknown) => {
    worker = undefined;
    throw error;
  });
  try {
    return await (await worker).handle(event, () => context.getRemainingTimeInMillis());
  } finally {
    // The environment may be frozen once the invocation answers: its spans go first.
    await traced?.flush();
  }
}
