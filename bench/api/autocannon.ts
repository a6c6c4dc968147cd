/**
 * The load generator, run as its own process by {@link measureLoad} (`./load.ts`) so that
 * sending requests does not take the event loop of the server being measured: argv[2] is
 * a {@link LoadOptions} JSON object. Runs autocannon for the warm-up (discarded), then for
 * the measured duration, and prints a {@link LoadSummary} as one JSON line.
 */
import { createRequire } from 'node:module';
import type { LoadOptions, LoadSummary } from './load.ts';

/** The part of autocannon's options this program sets. */
interface AutocannonOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  pipelining: number;
  duration: number;
}

/** The part of autocannon's result this program reads. */
interface AutocannonResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { mean: number; p50: number; p99: number };
}

// autocannon ships no types: require it with the signature its README documents
// (without a callback, the returned instance is also a promise of the result).
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const run = (duration: number) =>
  autocannon({
    url: options.url,
    method: 'POST',
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    pipelining: 1,
    duration,
  });

const cpuBefore = process.cpuUsage();
const warmup = options.warmupSeconds > 0 ? await run(options.warmupSeconds) : undefined;
const result = await run(options.durationSeconds);
const cpu = process.cpuUsage(cpuBefore);
const statusCodes = Object.fromEntries(
  Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
);
const summary: LoadSummary = {
  seconds: result.duration,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes,
  latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p99: result.latency.p99 },
  warmupRequests: warmup ? warmup['2xx'] + warmup.non2xx : 0,
  loadGeneratorCpuMicroseconds: cpu.user + cpu.system,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
