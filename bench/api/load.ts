import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** One bounded load run: what {@link measureLoad} sends and how. */
export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Concurrent connections (pipelining is always 1: one request in flight per connection). */
  connections: number;
  /** Load sent first and discarded (JIT, connection set-up, caches). */
  warmupSeconds: number;
  durationSeconds: number;
}

/** The figures of the measured part of a run. */
export interface LoadSummary {
  /** Measured wall time, as autocannon reports it (s). */
  seconds: number;
  /** 2xx responses. */
  ok: number;
  /** Responses with any other status. */
  non2xx: number;
  /** Connection errors (resets, refused), and requests that timed out. */
  errors: number;
  timeouts: number;
  /** Responses per status code. */
  statusCodes: Record<string, number>;
  latencyMs: { mean: number; p50: number; p99: number };
  /** Requests answered during the warm-up (any status), for {@link cpuPerRequest}. */
  warmupRequests: number;
  /**
   * CPU time this process (the servers') spent per request answered over the warm-up and
   * the measured part (µs): what a request costs the server whatever else the machine
   * runs, where the rate says how much of a busy machine it got.
   */
  cpuMicrosecondsPerRequest?: number;
  /**
   * The same for this process's main thread alone, where the servers' event loops run (µs):
   * what a request costs the API's event loop, without the threads it hands work to (noob's
   * submission writer, libuv's flushes).
   */
  mainThreadCpuMicrosecondsPerRequest?: number;
  /** CPU time the load generator's process spent over the warm-up and the measured part (µs). */
  loadGeneratorCpuMicroseconds?: number;
  /**
   * The whole machine's CPU per request (µs): this process's, the target's processes
   * outside it (a Redis), and the load generator's. Against the cores the machine has, it
   * says what rate the machine could give that target if nothing else ran.
   */
  machineCpuMicrosecondsPerRequest?: number;
}

const program = join(import.meta.dirname, 'autocannon.ts');

/**
 * Runs autocannon against `options.url` in a child process (on a 2-core machine the
 * server keeps one core to itself instead of sharing its event loop with the load
 * generator), and counts this process's CPU meanwhile: the servers under load live here.
 * Aborting `signal` kills the child and rejects.
 */
export async function measureLoad(
  options: LoadOptions,
  signal?: AbortSignal,
  /** The CPU time (µs) used so far by the target's processes outside this one, if any. */
  outsideCpuMicroseconds: () => number = () => 0,
): Promise<LoadSummary> {
  const before = process.cpuUsage();
  const threadBefore = process.threadCpuUsage();
  const outsideBefore = outsideCpuMicroseconds();
  const summary = await runAutocannon(options, signal);
  const { user, system } = process.cpuUsage(before);
  const thread = process.threadCpuUsage(threadBefore);
  const outside = outsideCpuMicroseconds() - outsideBefore;
  const requests = summary.warmupRequests + summary.ok + summary.non2xx;
  if (requests === 0) return summary;
  const machine = user + system + outside + (summary.loadGeneratorCpuMicroseconds ?? 0);
  return {
    ...summary,
    cpuMicrosecondsPerRequest: Math.round((user + system) / requests),
    mainThreadCpuMicrosecondsPerRequest: Math.round((thread.user + thread.system) / requests),
    machineCpuMicrosecondsPerRequest: Math.round(machine / requests),
  };
}

function runAutocannon(options: LoadOptions, signal?: AbortSignal): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...(signal ? { signal } : {}),
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !line) {
        reject(new Error(`autocannon against ${options.url} exited with ${code}`));
        return;
      }
      resolve(JSON.parse(line) as LoadSummary);
    });
  });
}
