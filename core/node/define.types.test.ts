import { describe, expect, expectTypeOf, it } from 'vitest';
import type { NoobClient } from '../../functions/api/client.ts';
import { NoEvent } from '../events.ts';
import { SyncRunner } from '../runners/sync.ts';
import { loadTubeFromText } from '../tube/load.ts';
import {
  defineNode,
  type NodeInputs,
  type NodeOutput,
  type NodeSignalValues,
  slot,
} from './define.ts';
import { createRegistry } from './registry.ts';

/*
 * The inferred types of defineNode. `npm run typecheck` checks this file: each
 * `@ts-expect-error` fails the check if the line below it compiles (so a misspelt slot that
 * compiled again would be caught), and each expectTypeOf must hold exactly. The runtime
 * test at the end runs the same definitions through a tube.
 */

const resize = defineNode({
  slots: { image: slot<Uint8Array>(), width: { default: 256 }, label: { default: null } },
  params: { quality: { type: 'int', required: true }, mode: { type: ['str', 'null'] } },
  process: ({ image, width, quality, mode }) => ({ bytes: image.length, width, quality, mode }),
});

const split = defineNode({
  slots: { n: slot<number>() },
  signals: ['head', 'rest'],
  process: ({ n }) => (n === 0 ? NoEvent : { head: String(n).charAt(0), rest: n % 10 }),
});

const count = defineNode({
  params: { start: { type: 'int' } },
  generate: function* ({ start = 0 }) {
    for (let n = start; n < start + 3; n++) yield n;
  },
});

class Scaler {
  readonly factor: number;
  constructor({ factor = 1 }: { factor?: number }) {
    this.factor = factor;
  }
  process({ value }: { value: number }) {
    return value * this.factor;
  }
}

const scaler = defineNode({
  slots: { value: slot<number>() },
  params: { factor: { type: 'float' } },
  class: Scaler,
});

describe('defineNode types', () => {
  it('behavior: slots and params are typed from slot<T>(), defaults and param types', () => {
    expectTypeOf<NodeInputs<typeof resize>>().toEqualTypeOf<{
      image: Uint8Array;
      width: number;
      label: any;
      quality: number;
      mode?: string | null;
    }>();
    expectTypeOf<NodeInputs<typeof scaler>>().toEqualTypeOf<{ value: number }>();
    const optional = defineNode({
      slots: { size: slot<number | undefined>({ required: false }), name: { default: 'a' } },
      params: {},
      process: ({ size, name }) => `${name}${size ?? ''}`,
    });
    expectTypeOf<NodeInputs<typeof optional>>().toEqualTypeOf<{
      size: number | undefined;
      name: string;
    }>();
    expectTypeOf<NodeOutput<typeof optional>>().toEqualTypeOf<string>();
    expectTypeOf<NodeInputs<typeof count>>().toEqualTypeOf<{ start?: number }>();
  });

  it('behavior: the output is what process, the generator or the class returns', () => {
    expectTypeOf<NodeOutput<typeof resize>>().toEqualTypeOf<{
      bytes: number;
      width: number;
      quality: number;
      mode: string | null | undefined;
    }>();
    expectTypeOf<NodeOutput<typeof count>>().toEqualTypeOf<number>();
    expectTypeOf<NodeOutput<typeof scaler>>().toEqualTypeOf<number>();
    expectTypeOf<NodeSignalValues<typeof split>>().toEqualTypeOf<{ head: string; rest: number }>();
    expectTypeOf<NodeSignalValues<typeof count>>().toEqualTypeOf<{ value: number }>();
  });

  it('error: a misspelt slot, a wrong slot type, a wrong output use and a wrong signal do not compile', () => {
    defineNode({
      slots: { image: slot<Uint8Array>() },
      // @ts-expect-error: `imgae` is not a slot or param of this node
      process: ({ imgae }) => imgae,
    });
    defineNode({
      slots: { width: { default: 256 } },
      // @ts-expect-error: width is a number (from its default), not a string
      process: ({ width }) => width.toUpperCase(),
    });
    defineNode({
      slots: { value: slot<number>() },
      // @ts-expect-error: the class's process wants a string where the slot gives a number
      class: class {
        process(_: { value: string }) {}
      },
    });
    // @ts-expect-error: `tail` is not one of the signals (it would never fire)
    defineNode({ signals: ['head', 'rest'], process: () => ({ head: 1, tail: 2 }) });
    defineNode({
      params: { start: { type: 'int' } },
      // @ts-expect-error: a generator's params are only the declared ones
      generate: function* ({ stat }) {
        yield stat;
      },
    });

    const used = (output: NodeOutput<typeof resize>) => {
      // @ts-expect-error: the output has no `height`
      output.height;
      // @ts-expect-error: quality is a number, not a string
      const quality: string = output.quality;
      return quality;
    };
    expect(typeof used).toBe('function');
  });

  it("behavior: the job client's results take a node's output type", () => {
    type Job = Awaited<ReturnType<NoobClient['waitForJob']>>;
    expectTypeOf<Job['results']>().toEqualTypeOf<unknown[] | null>();
    const typed = (client: NoobClient) => client.waitForJob<NodeOutput<typeof scaler>>('id');
    expectTypeOf<Awaited<ReturnType<typeof typed>>['results']>().toEqualTypeOf<number[] | null>();
  });

  it('behavior: a node that declares no slots or params takes any inputs; a variadic one takes extras', () => {
    const loose = defineNode({ process: ({ anything }) => anything });
    expectTypeOf<NodeInputs<typeof loose>>().toEqualTypeOf<Record<string, any>>();
    const variadic = defineNode({
      slots: { value: slot<number>() },
      variadic: true,
      process: ({ value, extra }) => [value, extra],
    });
    expectTypeOf<NodeInputs<typeof variadic>['value']>().toEqualTypeOf<number>();
  });
});

describe('typed nodes at run time', () => {
  it('behavior: typed function, multi-signal, generator and class nodes run in a tube', async () => {
    const registry = createRegistry();
    registry.register('t.resize', resize);
    registry.register('t.split', split);
    registry.register('t.count', count);
    registry.register('t.scaler', scaler);
    const tube = await loadTubeFromText(
      `noob_id: typed
nodes:
  n: {type: t.count, params: {start: 2}}
  s: {type: t.scaler, params: {factor: 10}, depends: [{value: n.value}]}
  w: {type: t.split, depends: [{n: s.value}]}
  out: {type: return, depends: [{scaled: s.value}, {head: w.head}, {rest: w.rest}]}
`,
      { file: 'typed.yaml', registry },
    );
    const runner = new SyncRunner(tube);
    expect(await runner.run(2)).toEqual([
      { scaled: 20, head: '2', rest: 0 },
      { scaled: 30, head: '3', rest: 0 },
    ]);
    await runner.deinit();
    expect(
      resize.process!(
        { image: new Uint8Array(3), width: 256, label: null, quality: 90 },
        {} as never,
      ),
    ).toEqual({ bytes: 3, width: 256, quality: 90, mode: undefined });
  });
});
