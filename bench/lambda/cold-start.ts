/**
 * The worker function's cold start for bench lambda, in parts: the same first invoke (a
 * claim that finds nothing) on a fresh function, whose handler is
 *
 * - a handler that does nothing: what the runtime itself costs (a Node process, the
 *   runtime client `aws-lambda-ric`, the Runtime API's round trips);
 * - functions/worker/lambda.ts from the TypeScript sources (Node strips their types);
 * - the esbuild bundle the deployment ships (bench/lambda/worker-bundle.ts), and the same
 *   minified (SST's default);
 *
 * with what the worker itself says its cold start cost (its first report's `coldStart`:
 * modules loaded, addon, connection, registration) and a warm invoke after it. Each kind
 * is started afresh {@link TRIES} times, the kinds in turns; the fastest first invoke of
 * each is kept.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { ColdStart, WorkerReport } from '../../core/runners/lambda/invocation.ts';
import type { LambdaStack } from '../../test/lambda/stack.ts';
import { WORKER_HANDLER } from '../../test/lambda/stack.ts';
import { bundleWorker } from './worker-bundle.ts';

const TRIES = 5;
const EMPTY_HANDLER = `${import.meta.dirname}/empty-handler.mjs`;

/** One kind of handler's cold start (fastest first invoke of the tries). */
export interface ColdStartFigure {
  firstMs: number;
  warmMs: number;
  /** CPU its process had used by the first answer (ms), on that try. */
  cpuMs: number;
  /** What the worker said of its cold start, on that fastest try (absent: not a worker). */
  parts?: ColdStart;
}

/** Cold starts of each kind of handler (see the module's comment). */
export interface ColdStartFigures {
  runtimeOnly: ColdStartFigure;
  sources: ColdStartFigure;
  bundle: ColdStartFigure & { bytes: number };
  minified: ColdStartFigure & { bytes: number };
}

let deployed = 0;

/** Measure the cold starts on `stack`'s twin and sqld. */
export async function coldStarts(stack: LambdaStack): Promise<ColdStartFigures> {
  const bundle = await bundleWorker({ minify: false });
  const minified = await bundleWorker({ minify: true });
  try {
    const files = [EMPTY_HANDLER, WORKER_HANDLER, bundle.file, minified.file];
    // The kinds in turns, try after try: a busy spell of the machine hits them alike.
    const best: (ColdStartFigure | undefined)[] = files.map(() => undefined);
    for (let i = 0; i < TRIES; i++) {
      for (const [kind, file] of files.entries()) {
        const figure = await once(stack, file);
        if (!best[kind] || figure.firstMs < best[kind].firstMs) best[kind] = figure;
      }
    }
    const [runtimeOnly, sources, bundled, small] = best as ColdStartFigure[];
    return {
      runtimeOnly: runtimeOnly!,
      sources: sources!,
      bundle: { ...bundled!, bytes: bundle.bytes },
      minified: { ...small!, bytes: minified.bytes },
    };
  } finally {
    bundle.dispose();
    minified.dispose();
  }
}

/** A fresh function's first invoke and a warm one after it. */
async function once(stack: LambdaStack, file: string): Promise<ColdStartFigure> {
  const name = `cold-${++deployed}`;
  stack.twin.deploy({
    name,
    file,
    env: { NOOB_QUEUE_URL: stack.sqld.url },
    reservedConcurrency: 1,
  });
  const invoke = async () => {
    const started = performance.now();
    const answer = await stack.client.send(
      new InvokeCommand({ FunctionName: name, Payload: '{"claim":{"tags":["none"]}}' }),
    );
    if (answer.FunctionError) throw new Error(`${file} failed: ${Buffer.from(answer.Payload!)}`);
    const report = JSON.parse(Buffer.from(answer.Payload!).toString()) as WorkerReport;
    return { ms: performance.now() - started, report };
  };
  const first = await invoke();
  const warm = await invoke();
  const parts = first.report.ok ? first.report.coldStart : undefined;
  // The empty handler says its CPU at top level; the worker in its cold start's parts.
  const cpuMs = parts?.cpuMs ?? (first.report as { cpuMs?: number }).cpuMs ?? Number.NaN;
  return { firstMs: first.ms, warmMs: warm.ms, cpuMs, ...(parts ? { parts } : {}) };
}
