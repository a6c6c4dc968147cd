/**
 * Timing runners against each other for the runner benchmarks: fresh runners, warm-up
 * untimed, measured in turns (baseline, candidate, baseline, …) with the fastest run of
 * each kept, so a burst of other work on the machine hits both alike and the fastest run
 * is the one least disturbed by it.
 */
import { readFileSync } from 'node:fs';
import type { Runner } from '../../core/runners/runner.ts';

/**
 * One timed run: seconds, this process's CPU time in microseconds meanwhile, and that of
 * the other processes the run was told to watch (its workers), if any.
 */
export interface Timed {
  seconds: number;
  cpuMicros: number;
  otherCpuMicros?: number;
}

/** Options of a timing: epochs, untimed warm-up epochs, and other processes' CPU clock. */
export interface TimingOptions {
  epochs: number;
  warmup: number;
  /** CPU time used so far by other processes of the run (e.g. {@link processCpuMicros}). */
  otherCpu?: () => number;
}

/** Times `epochs` epochs on a fresh runner after `warmup` untimed ones; checks the result count. */
async function timeOnce(make: () => Runner, options: TimingOptions): Promise<Timed> {
  const runner = make();
  try {
    await runner.run(options.warmup);
    const cpu = process.cpuUsage();
    const other = options.otherCpu?.();
    const started = performance.now();
    const results = await runner.run(options.epochs);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const otherCpuMicros = other === undefined ? undefined : options.otherCpu!() - other;
    if (results.length !== options.epochs)
      throw new Error(`expected ${options.epochs} results, got ${results.length}`);
    return { seconds, cpuMicros: used.user + used.system, otherCpuMicros };
  } finally {
    await runner.deinit();
  }
}

/**
 * CPU time (user and system) a process has used, in microseconds, from Linux's
 * `/proc/PID/stat` (in clock ticks, taken as 100 per second, Linux's usual `CLK_TCK`);
 * undefined where there is no `/proc`.
 */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** The fastest of `repeats` runs of each runner, taken in turns. */
export async function compareInTurns(
  makeBaseline: () => Runner,
  makeCandidate: () => Runner,
  options: TimingOptions & { repeats: number },
): Promise<{ baseline: Timed; candidate: Timed }> {
  const [baseline, candidate] = await timeInTurns([makeBaseline, makeCandidate], options);
  return { baseline, candidate };
}

/**
 * The fastest of `repeats` runs of each runner, taken in turns (one of each, again); one
 * timing per maker, in their order.
 */
export async function timeInTurns<const M extends ReadonlyArray<() => Runner>>(
  makers: M,
  options: TimingOptions & { repeats: number },
): Promise<{ [K in keyof M]: Timed }> {
  const fastest: Array<Timed | undefined> = makers.map(() => undefined);
  for (let r = 0; r < options.repeats; r++) {
    for (const [i, make] of makers.entries()) {
      const timed = await timeOnce(make, options);
      if (!fastest[i] || timed.seconds < fastest[i].seconds) fastest[i] = timed;
    }
  }
  return fastest as { [K in keyof M]: Timed };
}
