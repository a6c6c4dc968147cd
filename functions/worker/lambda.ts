import type { WorkerReport } from '../../core/runners/lambda/invocation.ts';
import { lambdaWorkerFromEnv } from './lambda-config.ts';
import type { LambdaWorker } from './lambda-worker.ts';

/**
 * The worker Lambda's handler: the adapter only (the logic is {@link LambdaWorker}). Its
 * components are built on the first invocation of an environment and reused by the next
 * ones; if building fails (the queue unreachable), the invocation fails and the next one
 * tries again.
 */

let worker: Promise<LambdaWorker> | undefined;

/** What the runtime passes the handler (the part it reads). */
interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Handle `{"claim": {…}}`: claim, run and complete tasks; answer what was done. */
export async function handler(event: unknown, context: LambdaContext): Promise<WorkerReport> {
  worker ??= lambdaWorkerFromEnv(process.env).catch((error: unknown) => {
    worker = undefined;
    throw error;
  });
  return (await worker).handle(event, () => context.getRemainingTimeInMillis());
}
