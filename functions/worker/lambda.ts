import type { ColdStart, WorkerReport } from '../../core/runners/lambda/invocation.ts';
import { startTracing, type Tracing } from '../../core/tracing/start.ts';
import { lambdaWorkerFromEnv } from './lambda-config.ts';
import type { LambdaWorker } from './lambda-worker.ts';

/**
 * The worker Lambda's handler: the adapter only (the logic is {@link LambdaWorker}). Its
 * components are built once per environment and reused by the next invocations. The
 * building starts as this module loads, in Lambda's init phase, so the queue connection
 * is being made while the runtime finishes starting and asks for the first event; if it
 * fails (the queue unreachable), the invocation fails and the next one tries again.
 */

/** Since the process started: Node, the runtime client and every import of this module. */
const modulesMs = performance.now();
/** The cold start's costs, said by the first invocation that gets a built worker. */
let coldStart: ColdStart | undefined = {
  modulesMs,
  addonMs: 0,
  connectionMs: 0,
  registerMs: 0,
  cpuMs: 0,
};

let worker: Promise<LambdaWorker> | undefined = build();
/** Tracing, started with the environment when OTEL_EXPORTER_OTLP_*ENDPOINT asks for it. */
let tracing: Promise<Tracing | undefined> | undefined;

function build(): Promise<LambdaWorker> {
  const building = lambdaWorkerFromEnv(process.env, (step, ms) => {
    if (coldStart) coldStart[step] = ms;
  }).then((built) => {
    if (coldStart) coldStart.cpuMs = cpuMs();
    return built;
  });
  // Failing before the first invocation awaits it is not an unhandled rejection.
  building.catch(() => {});
  return building;
}

/** What the runtime passes the handler (the part it reads). */
interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Handle `{"claim": {…}}`: claim, run and complete tasks; answer what was done. */
export async function handler(event: unknown, context: LambdaContext): Promise<WorkerReport> {
  tracing ??= startTracing('noob-worker');
  const traced = await tracing; // a variable it cannot follow fails the invocation, naming it
  worker ??= build();
  let built: LambdaWorker;
  try {
    built = await worker;
  } catch (error) {
    worker = undefined;
    throw error;
  }
  try {
    const report = await built.handle(event, () => context.getRemainingTimeInMillis());
    if (!coldStart || !report.ok) return report;
    const spent = roundAll(coldStart);
    coldStart = undefined;
    return { ...report, coldStart: spent };
  } finally {
    // The environment may be frozen once the invocation answers: its spans go first.
    await traced?.flush();
  }
}

function roundAll(costs: ColdStart): ColdStart {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    modulesMs: round(costs.modulesMs),
    addonMs: round(costs.addonMs),
    connectionMs: round(costs.connectionMs),
    registerMs: round(costs.registerMs),
    cpuMs: round(costs.cpuMs),
  };
}

/** CPU time this process has used so far (user and system, ms). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
