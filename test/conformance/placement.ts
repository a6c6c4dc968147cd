import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runner } from '../../core/runners/runner.ts';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTube } from '../../core/tube/load.ts';
import type { ConformanceOptions, RunnerFactory } from './suite.ts';

/**
 * Where node calls run, on every runner: a node that takes a live object runs where the
 * object lives, a node with state has one instance in one place, and a live object that
 * would have to travel fails with an error naming the node and the signal. Registered
 * for each runner by `describeConformance`.
 */

const OWN = join(import.meta.dirname, 'tubes');

/** Runs `body` on a fresh runner of the suite's own tube `name`, and always deinits it. */
async function withOwnTube<T>(
  factory: RunnerFactory,
  name: string,
  body: (runner: Runner) => Promise<T>,
): Promise<T> {
  const runner = await factory(await loadTube(join(OWN, `${name}.yaml`)));
  try {
    return await body(runner);
  } finally {
    await runner.deinit();
  }
}

/** Registers the placement cases for one runner. */
export function describePlacement(
  runnerName: string,
  factory: RunnerFactory,
  _options: ConformanceOptions = {},
): void {
  describe(`placement: ${runnerName}`, () => {
    it('behavior: a runner asset holding an iterator, handed from a to b, gives [2, 4, 6]', async () => {
      expect(await withOwnTube(factory, 'live_iterator', (runner) => runner.run(3))).toEqual([
        2, 4, 6,
      ]);
      const processed = await withOwnTube(factory, 'live_iterator', async (runner) => [
        await runner.process(),
        await runner.process(),
        await runner.process(),
      ]);
      expect(processed).toEqual([2, 4, 6]);
    });

    it('behavior: a stateful: false class node has one instance: count_source(1) → StatefulMultiply gives [1, 4, 9, 16]', async () => {
      // Several runs: a split instance gave the right answer now and then, by luck.
      for (let attempt = 0; attempt < 3; attempt++) {
        const results = await withOwnTube(factory, 'stateless_class', (runner) => runner.run(4));
        expect(results, `run ${attempt + 1}`).toEqual([1, 4, 9, 16]);
      }
    });

    it('error: a live object a node made cannot travel: the run fails naming the node and signal (sync: it stays put and works)', async () => {
      const { stays, outcome } = await withOwnTube(factory, 'live_made', async (runner) => ({
        // The sync runner runs every call in this thread: nothing travels.
        stays: runner instanceof SyncRunner,
        outcome: await runner.run(3).catch((error: unknown) => error),
      }));
      if (stays) {
        expect(outcome).toEqual([0, 1, 2]);
        return;
      }
      const error = outcome as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('NodeRunError');
      expect(error.message).toMatch(/live object/);
      // Named where it is found: the producer's signal, or the consumer's slot and its source.
      expect(error.message).toMatch(
        /node make emitted a live object on signal value|node b takes a live object on slot iterator \(from signal make\.value\)/,
      );
      expect(error.message).toMatch(/an iterator/);
    });
  });
}
