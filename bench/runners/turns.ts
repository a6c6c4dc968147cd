/**
 * Timing runners against each other for the runner benchmarks: fresh runners, warm-up
 * untimed, measured in turns (baseline, candidate, baseline, …) with the fastest run of
 * each kept, so a burst of other work on the machine hits both alike and the fastest run
 * is the one least disturbed by it.
 */
import type { Runner } from '../../core/runners/runner.ts';

/** One timed run: seconds, and this process's CPU time in microseconds meanwhile. */
export interface Timed {
  seconds: number;
  cpuMicros: number;
}

/** Times `epochs` epochs on a fresh runner after `warmup` untimed ones; checks the result count. */
export async function timeOnce(make: () => Runner, epochs: number, warmup: number): Promise<Timed> {
  const runner = make();
  try {
    await runner.run(warmup);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const results = await runner.run(epochs);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (results.length !== epochs)
      throw new Error(`expected ${epochs} results, got ${results.length}`);
    return { seconds, cpuMicros: used.user + used.system };
  } finally {
    await runner.deinit();
  }
}

/** The fastest of `repeats` runs of each runner, taken in turns. */
export async function compareInTurns(
  makeBaseline: () => Runner,
  makeCandidate: () => Runner,
  options: { epochs: number; warmup: number; repeats: number },
): Promise<{ baseline: Timed; candidate: Timed }> {
  const [baseline, candidate] = await timeInTurns([makeBaseline, makeCandidate], options);
  return { baseline: baseline!, candidate: candidate! };
}

/** The fastest of `repeats` runs of each runner, taken in turns (one of each, again). */
export async function timeInTurns(
  makers: ReadonlyArray<() => Runner>,
  options: { epochs: number; warmup: number; repeats: number },
): Promise<Timed[]> {
  const fastest: Array<Timed | undefined> = makers.map(() => undefined);
  for (let r = 0; r < options.repeats; r++) {
    for (const [i, make] of makers.entries()) {
      const timed = await timeOnce(make, options.epochs, options.warmup);
      if (!fastest[i] || timed.seconds < fastest[i].seconds) fastest[i] = timed;
    }
  }
  return fastest as Timed[];
}
