import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/events.ts';
import type { Runner } from '../../core/runners/runner.ts';
import { loadTube, resolveTubeSpecification } from '../../core/tube/load.ts';
import type { Tube } from '../../core/tube/tube.ts';
import { describeFidelity } from './fidelity.ts';
import { describePlacement } from './placement.ts';
import { tallyCounts } from './tubes/nodes.ts';

/**
 * The runner conformance suite. Every runner (sync, parallel, http, queued, lambda, p2p)
 * runs this same suite through its factory:
 * - the behaviours of upstream noob's conformance table (shared/conformance/README.md) on
 *   the project's own tubes (test/conformance/tubes/, one per behaviour, with the same
 *   expected results), always;
 * - features beyond upstream's set, on more of the project's own tubes;
 * - the same behaviours on upstream's own tube files, as an extra suite, when
 *   ../shared/conformance/upstream sits beside the repository (it does where noob is
 *   developed, not in a user's clone); otherwise that suite is skipped, saying so.
 */

/** Makes the runner under test for a loaded tube. */
export type RunnerFactory = (tube: Tube) => Runner | Promise<Runner>;

/** Folder of upstream's conformance tubes (beside the repository, where present). */
export const UPSTREAM = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'conformance',
  'upstream',
);

/** Folder of the project's own tubes: every behaviour of upstream's table, and more. */
export const OWN = join(import.meta.dirname, 'tubes');

/** The project's examples (what `noob serve` registers by noob_id). */
export const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

/** `examples/basic`: noob_id `testing-basic`, count → double → return `c`, as upstream's basic tube. */
export const BASIC_TUBE = join(EXAMPLES, 'basic', 'basic.yaml');

/** Whether upstream's tubes are there to run as the extra suite. */
const HAS_UPSTREAM = existsSync(UPSTREAM);
if (!HAS_UPSTREAM) {
  console.log(
    `conformance: upstream's tube files are not at ${UPSTREAM}; their extra suite is skipped (the project's own tubes cover the same behaviours)`,
  );
}

/**
 * Loading tubes from one folder (`NAME` is `NAME.yaml` there) and running them with fresh
 * runners that are always deinited.
 */
function harness(root: string, factory: RunnerFactory) {
  const tubePath = (name: string) => join(root, `${name}.yaml`);
  const start = async (name: string, input?: Record<string, unknown>) => {
    const tube = await loadTube(tubePath(name), input ? { input } : {});
    const runner = await factory(tube);
    const events: Event[] = [];
    runner.on('event', (event) => events.push(event));
    return { runner, events };
  };
  /** Runs `body` with a fresh runner and always deinits it. */
  const withRunner = async <T>(
    name: string,
    body: (r: Awaited<ReturnType<typeof start>>) => Promise<T>,
    input?: Record<string, unknown>,
  ) => {
    const started = await start(name, input);
    try {
      return await body(started);
    } finally {
      await started.runner.deinit();
    }
  };
  return { tubePath, withRunner };
}

/** Calls `process()` n times. */
async function processTimes(runner: Runner, n: number, inputs?: Record<string, unknown>) {
  const results: unknown[] = [];
  for (let i = 0; i < n; i++) results.push(await runner.process(inputs));
  return results;
}

/** Collects an async iterable. */
async function collect(iterable: AsyncIterable<unknown>) {
  const results: unknown[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

/** What differs between runners in ways the suite can observe. */
export interface ConformanceOptions {
  /**
   * Whether user node code runs in this test process (false for runners whose nodes run in
   * other processes: the suite then cannot count a class node's init/deinit calls).
   */
  nodesInProcess?: boolean;
}

/** Registers the whole suite for one runner. */
export function describeConformance(
  runnerName: string,
  factory: RunnerFactory,
  options: ConformanceOptions = {},
): void {
  describePlacement(runnerName, factory, options);
  describeFidelity(runnerName, factory, options);
  describe(`conformance: ${runnerName}`, () => {
    describeBehaviours(harness(OWN, factory));
    describeFeatures(harness(OWN, factory), options);
  });
  if (HAS_UPSTREAM) {
    describe(`conformance, upstream's tube files: ${runnerName}`, () => {
      describeBehaviours(harness(UPSTREAM, factory));
    });
  } else {
    describe.skip(`conformance, upstream's tube files: ${runnerName} (skipped: ${UPSTREAM} is not present)`, () => {
      it("the behaviours of upstream's table, on its own files", () => {});
    });
  }
}

type Harness = ReturnType<typeof harness>;

/** The behaviours of upstream's conformance table, on the tubes of one folder. */
function describeBehaviours({ tubePath, withRunner }: Harness): void {
  describe('basic', () => {
    it('basic: process ×5, run(5) and iter(5) give 0, 2, 4, 6, 8', async () => {
      const expected = [0, 2, 4, 6, 8];
      expect(await withRunner('basic/basic', ({ runner }) => processTimes(runner, 5))).toEqual(
        expected,
      );
      expect(await withRunner('basic/basic', ({ runner }) => runner.run(5))).toEqual(expected);
      expect(await withRunner('basic/basic', ({ runner }) => collect(runner.iter(5)))).toEqual(
        expected,
      );
    });

    it('branch: epoch i gives {multiply: 2i, divide: i/5}', async () => {
      const results = await withRunner('basic/branch', ({ runner }) => runner.run(6));
      expect(results).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ multiply: 2 * i, divide: i / 5 })));
    });

    it('merge: epoch i gives 2i / (i + 5)', async () => {
      const results = await withRunner('basic/merge', ({ runner }) => runner.run(6));
      expect(results).toEqual([0, 1, 2, 3, 4, 5].map((i) => (2 * i) / (i + 5)));
    });

    it('multi_signal: count_sum is the sum of counts; word is a string', async () => {
      const results = (await withRunner('basic/multi_signal', ({ runner }) =>
        runner.run(10),
      )) as Array<{
        word: unknown;
        count_sum: number;
        counts: number[];
      }>;
      expect(results).toHaveLength(10);
      for (const result of results) {
        expect(typeof result.word).toBe('string');
        expect(result.counts.length).toBeGreaterThanOrEqual(2);
        expect(result.count_sum).toBe(result.counts.reduce((a, b) => a + b, 0));
      }
    });

    it('mixed_slot: positional dependencies fill slots one, two, three in order', async () => {
      expect(await withRunner('basic/mixed_slot', ({ runner }) => runner.run(3))).toEqual([
        true,
        true,
        true,
      ]);
    });

    it('gather_n: iter(5) gives five-letter words; process() is null 4 epochs out of 5', async () => {
      const words = await withRunner('basic/gather_n', ({ runner }) => collect(runner.iter(5)));
      expect(words).toEqual(
        ['abcde', 'fghij', 'klmno', 'pqrst', 'uvwxy'].map((word) => ({ word })),
      );
      const processed = await withRunner('basic/gather_n', ({ runner }) =>
        processTimes(runner, 10),
      );
      expect(processed.map((result) => result === null)).toEqual([
        true,
        true,
        true,
        true,
        false,
        true,
        true,
        true,
        true,
        false,
      ]);
    });

    it('gather_dependent: each result maps the trigger word to the indices since the last flush', async () => {
      const results = (await withRunner('basic/gather_dependent', ({ runner }) =>
        runner.run(9),
      )) as Array<{
        word: Record<string, number[]>;
      }>;
      expect(results.map((result) => Object.values(result.word)[0])).toEqual([
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ]);
      for (const result of results) expect(Object.keys(result.word)[0]).toMatch(/^[a-z]{2,}$/);
    });

    it('branch_switching: fruit, vegetable, mineral in turn; this_or_that holds only the fired slot', async () => {
      const results = await withRunner('basic/branch_switching', ({ runner }) => runner.run(6));
      expect(results).toEqual([
        { fruit: 'apple!', this_or_that: { this: 'apple!' } },
        { vegetable: 'daikon!!', this_or_that: { that: 'daikon!!' } },
        { mineral: 'galaxite!!!', this_or_that: { the_other: 'galaxite!!!' } },
        { fruit: 'banana!', this_or_that: { this: 'banana!' } },
        { vegetable: 'eggplant!!', this_or_that: { that: 'eggplant!!' } },
        { mineral: 'halite!!!', this_or_that: { the_other: 'halite!!!' } },
      ]);
    });
  });

  describe('map', () => {
    it('map_basic: letter lists each letter + "!" in order; word is the word', async () => {
      const results = (await withRunner('map/map_basic', ({ runner }) => runner.run(5))) as Array<{
        word: string;
        letter: string[];
      }>;
      expect(results).toHaveLength(5);
      for (const { word, letter } of results) expect(letter).toEqual([...word].map((c) => `${c}!`));
    });

    it("map_depends: every mapped call sees the parent epoch's count as hype", async () => {
      const results = (await withRunner('map/map_depends', ({ runner }) =>
        runner.run(4),
      )) as Array<{
        word: string;
        letters: string[];
        count: number;
      }>;
      expect(results.map((r) => r.count)).toEqual([0, 1, 2, 3]);
      for (const { word, letters, count } of results) {
        expect(letters).toEqual([...word].map((c) => c + '!'.repeat(count)));
      }
    });

    it('map_gather: reconstructed joins the exclaimed letters; gather flushes once per parent epoch', async () => {
      await withRunner('map/map_gather', async ({ runner, events }) => {
        const results = (await runner.run(4)) as Array<{
          word: string;
          letter: string[];
          reconstructed: string;
        }>;
        expect(results).toHaveLength(4);
        for (const { word, letter, reconstructed } of results) {
          expect(letter).toEqual([...word].map((c) => `${c}!`));
          expect(reconstructed).toBe(letter.join(''));
        }
        const flushes = events.filter((event) => event.nodeId === 'd');
        expect(flushes.map((event) => String(event.epoch))).toEqual(['0', '1', '2', '3']);
      });
    });

    it('map_nested: a map of a map reaches every letter of every word, in order', async () => {
      const [result] = (await withRunner('map/map_nested', ({ runner }) =>
        runner.run(1),
      )) as Array<{
        words: string[];
        word: string[];
        letter: string[];
      }>;
      expect(result!.words).toHaveLength(5);
      expect(result!.word).toEqual(result!.words);
      expect(result!.letter).toEqual(result!.words.flatMap((word) => [...word]));
    });

    it('error: map_depends_double fails to load, naming both maps', async () => {
      const error = await loadTube(tubePath('map/map_depends_double')).catch((e: any) => e);
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(/concat/);
      expect(error.message).toMatch(/map_a/);
      expect(error.message).toMatch(/map_b/);
    });
  });

  describe('input', () => {
    it('input_tube_params: start=7 gives 7, 8, 9, 10, 11', async () => {
      expect(
        await withRunner('input/input_tube_params', ({ runner }) => runner.run(5), { start: 7 }),
      ).toEqual([7, 8, 9, 10, 11]);
    });

    it('error: input_tube_params without start names the missing input', async () => {
      const error = await loadTube(tubePath('input/input_tube_params')).catch((e: any) => e);
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(/missing required input start/);
    });

    it('input_process_depends: process({multiply_right: r}) gives i × r', async () => {
      const results = await withRunner('input/input_process_depends', async ({ runner }) => [
        await runner.process({ multiply_right: 3 }),
        await runner.process({ multiply_right: 3 }),
        await runner.process({ multiply_right: 10 }),
      ]);
      expect(results).toEqual([0, 3, 20]);
    });

    it('error: a missing process input fails before any epoch is used', async () => {
      await withRunner('input/input_process_depends', async ({ runner }) => {
        const error: any = await runner.process().catch((e: unknown) => e);
        expect(error.name).toBe('InputError');
        expect(error.message).toMatch(/multiply_right/);
        expect(await runner.process({ multiply_right: 2 })).toBe(0);
        expect(await runner.process({ multiply_right: 2 })).toBe(2);
      });
    });

    it('input_optional: defaults apply; return_enabled=false gives nulls', async () => {
      expect(
        await withRunner('input/input_optional', ({ runner }) => processTimes(runner, 3)),
      ).toEqual([40, 44, 48]);
      const disabled = await withRunner(
        'input/input_optional',
        ({ runner }) => processTimes(runner, 3),
        {
          return_enabled: false,
        },
      );
      expect(disabled).toEqual([null, null, null]);
    });
  });

  it('recursive: the nested tube runs once per parent epoch and feeds the parent', async () => {
    const results = await withRunner(
      'recursive/recursive_parent',
      ({ runner }) => processTimes(runner, 3, { parent_multiply: 3, child_multiply: 5 }),
      { parent_start: 1, child_start: 2 },
    );
    expect(results).toEqual([
      { index: 1, child: 10, parent: 30 },
      { index: 2, child: 30, parent: 90 },
      { index: 3, child: 60, parent: 180 },
    ]);
  });

  describe('asset', () => {
    const nextValues = (events: Event[], nodeId: string) =>
      events.filter((e) => e.nodeId === nodeId && e.signal === 'next').map((e) => e.value);

    it('asset_runner: a runner asset persists across epochs', async () => {
      await withRunner('asset/asset_runner', async ({ runner, events }) => {
        await processTimes(runner, 3);
        expect(nextValues(events, 'increment')).toEqual([1, 3, 7]);
        expect(nextValues(events, 'more_increment')).toEqual([2, 6, 14]);
      });
    });

    it('asset_process: a process asset is fresh per process()', async () => {
      await withRunner('asset/asset_process', async ({ runner, events }) => {
        await processTimes(runner, 3);
        expect(nextValues(events, 'increment')).toEqual([3, 3, 3]);
        expect(nextValues(events, 'more_increment')).toEqual([6, 6, 6]);
      });
    });

    it('asset_node: a node asset is fresh per call', async () => {
      await withRunner('asset/asset_node', async ({ runner, events }) => {
        await processTimes(runner, 3);
        expect(nextValues(events, 'increment')).toEqual([3, 3, 3]);
        expect(nextValues(events, 'more_increment')).toEqual([3, 3, 3]);
      });
    });
  });

  describe('special', () => {
    it('error: cycle fails to load, naming the nodes in the cycle', async () => {
      const error = await loadTube(tubePath('special/cycle')).catch((e: any) => e);
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(/cycle: a → b → c → a/);
    });

    it('disable_node: the disabled node and its dependents never run; the source keeps counting', async () => {
      await withRunner('special/disable_node', async ({ runner, events }) => {
        const results = await runner.run(20);
        expect(results).toEqual([]);
        expect(events.filter((e) => e.nodeId !== 'a')).toEqual([]);
        expect(events.map((e) => e.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(runner.exhausted).toBe(true);
      });
    });

    it('stateful: stateful nodes run in epoch order', async () => {
      const results = await withRunner('special/stateful', ({ runner }) =>
        processTimes(runner, 4, { multiply: 2 }),
      );
      expect(results).toEqual([
        { cls: 2, fn: 2, chained_cls: 2 },
        { cls: 4, fn: 2, chained_cls: 8 },
        { cls: 6, fn: 2, chained_cls: 18 },
        { cls: 8, fn: 2, chained_cls: 32 },
      ]);
    });

    it("error: a node's error surfaces from process() with the node id and cause", async () => {
      await withRunner('special/error', async ({ runner }) => {
        const error: any = await runner.process().catch((e: unknown) => e);
        expect(error.name).toBe('NodeRunError');
        expect(error.nodeId).toBe('b');
        expect(error.epoch).toBe('0');
        expect(error.message).toMatch(/This node just emits errors/);
      });
    });

    it('error: invalid/no_extends_no_type fails to load: node without type', async () => {
      const error = await loadTube(tubePath('invalid/no_extends_no_type')).catch((e: any) => e);
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(/node a has no type/);
    });
  });

  it('extends: merging l1 and l2 left to right gives expected.yaml', async () => {
    const merged = await resolveTubeSpecification(tubePath('extends/main'));
    const expected = await resolveTubeSpecification(tubePath('extends/expected'));
    const comparable = ({
      noob_id: _id,
      noob_model: _m,
      noob_version: _v,
      ...rest
    }: Record<string, unknown>) => rest;
    expect(comparable(merged)).toEqual(comparable(expected));
  });
}

/** Features beyond upstream's table, on the project's own tubes. */
function describeFeatures({ withRunner }: Harness, options: ConformanceOptions): void {
  const nodesInProcess = options.nodesInProcess ?? true;
  describe('features', () => {
    it('authoring: functions, async functions, generators, async generators, classes, multiple signals, optional slots', async () => {
      const before = tallyCounts();
      const results = await withRunner('authoring', ({ runner }) => runner.run(6));
      expect(results).toEqual([
        {
          tick: 't0',
          bumped: 1,
          arrived: { even: true, odd: false },
          only_even: 0,
          total: 100,
          calls: 1,
        },
        { tick: 't1', bumped: 11, arrived: { even: false, odd: true }, total: 101, calls: 2 },
        {
          tick: 't2',
          bumped: 21,
          arrived: { even: true, odd: false },
          only_even: 2,
          total: 102,
          calls: 3,
        },
        { tick: 't3', bumped: 31, arrived: { even: false, odd: true }, total: 103, calls: 4 },
        // The finite source is exhausted in epoch 4: its required dependents stop, a node
        // with only optional slots runs without them, the ticks go on; from epoch 5 the
        // return node (downstream of the finished source) stops too.
        { tick: 't4', arrived: { even: false, odd: false } },
      ]);
      if (nodesInProcess) {
        const after = tallyCounts();
        expect(after.inits - before.inits).toBe(1);
        expect(after.deinits - before.deinits).toBe(1);
      }
    });

    it('behavior: NoEvent from a node skips its required dependents for that epoch only', async () => {
      const results = await withRunner('skip', ({ runner }) => processTimes(runner, 7));
      expect(results).toEqual([null, 2, 4, null, 8, 10, null]);
    });

    it('behavior: a map over an empty list fires nothing downstream', async () => {
      const results = await withRunner('empty_map', async ({ runner }) => [
        await runner.process({ items: ['a', 'b'] }),
        await runner.process({ items: [] }),
        await runner.process({ items: ['c'] }),
      ]);
      expect(results).toEqual([{ items: ['a!', 'b!'], n: 2 }, null, { items: ['c!'], n: 1 }]);
    });

    it('behavior: events name the node, signal, epoch and value, in dependency order', async () => {
      await withRunner('basic/basic', async ({ runner, events }) => {
        await runner.run(2);
        // Runners with several epochs in flight may interleave epochs; within one epoch,
        // a node's event always comes after the events it depends on.
        const byEpoch = (epoch: string) =>
          events.filter((e) => String(e.epoch) === epoch).map((e) => [e.nodeId, e.signal, e.value]);
        expect(byEpoch('0')).toEqual([
          ['a', 'index', 0],
          ['b', 'value', 0],
        ]);
        expect(byEpoch('1')).toEqual([
          ['a', 'index', 1],
          ['b', 'value', 2],
        ]);
        expect(events).toHaveLength(4);
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      });
    });

    it('behavior: run(n) reports progress for every epoch', async () => {
      await withRunner('basic/basic', async ({ runner }) => {
        const progress: number[] = [];
        runner.on('progress', ({ completed }) => progress.push(completed));
        await runner.run(3);
        expect(progress).toEqual([1, 2, 3]);
      });
    });

    it('behavior: run(n) stops early, without error, once the tube is exhausted', async () => {
      expect(await withRunner('basic/basic', ({ runner }) => runner.run(3))).toHaveLength(3);
      const results = await withRunner('special/disable_node', ({ runner }) => runner.run(50));
      expect(results).toEqual([]);
    });

    it('error: an aborted signal cancels the run with RunCancelledError', async () => {
      await withRunner('slow', async ({ runner }) => {
        const controller = new AbortController();
        const running = runner.run(1000, { signal: controller.signal });
        setTimeout(() => controller.abort(), 30);
        const error: any = await running.catch((e: unknown) => e);
        expect(['RunCancelledError', 'NodeRunError']).toContain(error.name);
        expect(controller.signal.aborted).toBe(true);
      });
    });
  });
}
