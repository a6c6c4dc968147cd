import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Epoch } from '../../core/epoch.ts';
import type { Event } from '../../core/events.ts';
import type { Runner } from '../../core/runners/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import type { ConformanceOptions, RunnerFactory } from './suite.ts';

/**
 * Engine fidelity on every runner: behaviours where noob differed from upstream noob
 * 1003.0.2 (issue 12) and the cost of a large map (issue 13), each on a tube of the
 * project's own (test/conformance/tubes/fidelity/). Registered for each runner by
 * `describeConformance`.
 */

const TUBES = join(import.meta.dirname, 'tubes', 'fidelity');
const tubePath = (name: string) => join(TUBES, `${name}.yaml`);

/** Runs `body` on a fresh runner of fidelity tube `name`; always deinits it. */
async function withTube<T>(
  factory: RunnerFactory,
  name: string,
  body: (runner: Runner, events: Event[]) => Promise<T>,
  input?: Record<string, unknown>,
): Promise<T> {
  const runner = await factory(await loadTube(tubePath(name), input ? { input } : {}));
  const events: Event[] = [];
  runner.on('event', (event) => events.push(event));
  try {
    return await body(runner, events);
  } finally {
    await runner.deinit();
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => expect.fail(`expected an error, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** Registers the fidelity cases for one runner. */
export function describeFidelity(
  runnerName: string,
  factory: RunnerFactory,
  _options: ConformanceOptions = {},
): void {
  describe(`fidelity: ${runnerName}`, () => {
    describe('assets', () => {
      it('behavior: asset params take input.NAME values (start=7 gives 7, 8, 9)', async () => {
        const results = await withTube(factory, 'asset_input', (r) => r.run(3), { start: 7 });
        expect(results).toEqual([7, 8, 9]);
      });

      it('behavior: a runner asset with depends keeps a copy when a later node takes that signal (1, 3, 5)', async () => {
        expect(await withTube(factory, 'asset_copy', (r) => r.run(3))).toEqual([1, 3, 5]);
      });

      it('behavior: as reported: a counter asset depending on b.iterator, with c after b, gives 1, 3, 5', async () => {
        expect(await withTube(factory, 'asset_copy_counter', (r) => r.run(3))).toEqual([1, 3, 5]);
      });

      it('behavior: as reported: a node-scoped counter_cm is exited after a, so b sees 4', async () => {
        await withTube(factory, 'asset_node_counter', async (runner, events) => {
          expect(await runner.run(2)).toEqual([
            { a: 2, b: 4 },
            { a: 2, b: 4 },
          ]);
          const handed = events.find((e) => e.nodeId === 'b' && e.signal === 'iterator');
          expect((handed?.value as { exited: number } | undefined)?.exited).toBe(1);
        });
      });

      it('behavior: a node-scoped asset is left right after the call that used it', async () => {
        const results = await withTube(factory, 'asset_node_scope', async (runner) => [
          await runner.process(),
          await runner.process(),
        ]);
        expect(results).toEqual([
          { a: 2, b: 4, exited: 1 },
          { a: 2, b: 4, exited: 1 },
        ]);
      });
    });

    it("behavior: multiply repeats a string like Python's * (aa, bb, cc)", async () => {
      expect(await withTube(factory, 'multiply_strings', (r) => r.run(3))).toEqual([
        'aa',
        'bb',
        'cc',
      ]);
    });

    describe('inputs', () => {
      it('error: a process-scoped input in node params is refused at load, given or not', async () => {
        for (const options of [{}, { input: { start: 7 } }]) {
          const error = await rejection(loadTube(tubePath('process_input_param'), options));
          expect(error.name).toBe('TubeLoadError');
          expect(error.message).toMatch(
            /process_input_param\.yaml:7: node count: param start refers to input\.start, which is process-scoped/,
          );
        }
      });

      it("behavior: a parent tube's input default reaches the nested tube (5, 6, 7)", async () => {
        expect(await withTube(factory, 'nested_default_parent', (r) => r.run(3))).toEqual([
          5, 6, 7,
        ]);
      });

      it('error: every missing process input is named at once, with how to give it (--input)', async () => {
        await withTube(factory, 'process_inputs', async (runner) => {
          const fromRun = await rejection(runner.run(1));
          expect(fromRun.name).toBe('InputError');
          expect(fromRun.message).toMatch(/missing required inputs left \(int\), right \(int\)/);
          expect(fromRun.message).toMatch(/--input left=VALUE --input right=VALUE/);
          const fromProcess = await rejection(runner.process({ left: 2 }));
          expect(fromProcess.message).toMatch(/missing required input right \(int\)/);
          expect(await runner.process({ left: 2, right: 3 })).toBe(6);
        });
      });

      it('error: an unknown input type and a missing noob_id are said plainly, with the other problems', async () => {
        const error = await rejection(loadTube(tubePath('input_checks')));
        expect(error.name).toBe('TubeLoadError');
        expect(error.problems.map((p: { message: string }) => p.message)).toEqual([
          expect.stringMatching(/^the tube has no noob_id/),
          expect.stringMatching(/^input start: unknown type "integr"\. Did you mean "int"\?/),
          expect.stringMatching(/^node out depends on count\.value, but node count has no signal/),
        ]);
      });
    });

    it('error: params are checked at load against what the node declares (file, line, node, did you mean)', async () => {
      const error = await rejection(loadTube(tubePath('param_checks')));
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(
        /param_checks\.yaml:6: node count: noob\.testing\.count_source takes no param "strat"\. Did you mean "start"\?/,
      );
      expect(error.message).toMatch(
        /param_checks\.yaml:9: node every: param n: expected int or null, got the string "five"/,
      );
    });

    describe('runs', () => {
      it('error: aborting a run while a node waits gives RunCancelledError', async () => {
        const runner = await factory(await loadTube(join(TUBES, '..', 'slow.yaml')));
        try {
          const controller = new AbortController();
          const running = runner.run(1000, { signal: controller.signal });
          setTimeout(() => controller.abort(), 30);
          const error = await rejection(running);
          expect(error.name).toBe('RunCancelledError');
        } finally {
          await runner.deinit();
        }
      });

      it('behavior: run() goes on where it stopped; iter() ends the run (deinit), so the next starts over', async () => {
        await withTube(
          factory,
          'nested_default_child',
          async (runner) => {
            expect(await runner.run(2)).toEqual([0, 1]);
            expect(await runner.run(2)).toEqual([2, 3]);
            const iterated: unknown[] = [];
            for await (const result of runner.iter(2)) iterated.push(result);
            expect(iterated).toEqual([4, 5]);
            expect(await runner.run(2)).toEqual([0, 1]);
          },
          { start: 0 },
        );
      });
    });

    describe('large maps', () => {
      afterEach(() => {
        vi.restoreAllMocks();
      });

      it('behavior: a map costs work in proportion to its items (epoch comparisons counted)', async () => {
        const compare = vi.spyOn(Epoch, 'compare');
        const comparisons = async (times: number) => {
          compare.mockClear();
          expect(await withTube(factory, 'big_map', (r) => r.run(1), { times })).toEqual([times]);
          return compare.mock.calls.length;
        };
        const small = await comparisons(2_000);
        const large = await comparisons(8_000);
        // 4× the items: about 4.7× the comparisons (sorting); a quadratic cost gives 16×.
        expect(large / small).toBeLessThan(8);
      });

      it('behavior: a map of 100,000 items completes', { timeout: 120_000 }, async () => {
        const results = await withTube(factory, 'big_map', (r) => r.run(1), { times: 100_000 });
        expect(results).toEqual([100_000]);
      });

      it('behavior: an abort during a large map expansion is honoured (the engine yields)', {
        timeout: 120_000,
      }, async () => {
        await withTube(
          factory,
          'big_map',
          async (runner, events) => {
            const controller = new AbortController();
            runner.on('event', (event) => {
              // The map has just split its list: a timer can only fire if the engine yields.
              if (event.nodeId === 'each' && event.signal === 'n')
                setTimeout(() => controller.abort(), 0);
            });
            const error = await rejection(runner.run(1, { signal: controller.signal }));
            expect(error.name).toBe('RunCancelledError');
            expect(events.some((event) => event.nodeId === 'back')).toBe(false);
          },
          { times: 100_000 },
        );
      });
    });
  });
}
