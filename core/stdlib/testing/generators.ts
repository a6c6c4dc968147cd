import { defineNode } from '../../node/define.ts';
import { advance, Counter } from './counter.ts';
import { InvalidTestingParamError } from './errors.ts';
import { splitVariadic } from './variadic.ts';

/*
 * Nodes that take an iterator (usually the `counter` asset) and advance it. They mutate their
 * input on purpose: the asset tubes use them to show whether a runner shares an asset across
 * nodes and epochs (scope `runner`) or hands out fresh ones (`process`, `node`).
 */

/**
 * `fast_forward(generator, n=1)` → `next`: calls `generator.next()` `n` times and returns the
 * last value. `n` must be at least 1 (upstream fails with no value to return otherwise).
 */
export const fastForward = defineNode({
  params: {},
  description: 'Advances an iterator n times and returns the last value.',
  signals: ['next'],
  slots: { generator: {}, n: { default: 1 } },
  process: ({ generator, n = 1 }) => {
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidTestingParamError('fast_forward', 'n', `must be an integer ≥ 1 (got ${n})`);
    }
    return advance('fast_forward', generator, n);
  },
});

/**
 * `jump(generator, n=1)` → `skirttt`, `next`: advances `generator` `n` times; emits the
 * generator itself and the last value (0 when `n` is 0).
 */
export const jump = defineNode({
  params: {},
  description: 'Advances an iterator n times; emits it and the last value.',
  signals: ['skirttt', 'next'],
  slots: { generator: {}, n: { default: 1 } },
  process: ({ generator, n = 1 }) => ({
    skirttt: generator,
    next: n > 0 ? advance('jump', generator, n) : 0,
  }),
});

/**
 * `rewind(generator, n=1)` → `skrittt`: takes one value `v` from `generator` (mutating it)
 * and returns a new {@link Counter} starting at `v - n`.
 */
export const rewind = defineNode({
  params: {},
  description: 'Returns a new counter n steps behind the next value of an iterator.',
  signals: ['skrittt'],
  slots: { generator: {}, n: { default: 1 } },
  process: ({ generator, n = 1 }) => new Counter((advance('rewind', generator, 1) as number) - n),
});

/**
 * `zip_iter(*args)` → `value`: one `next()` value from each positional iterator, as a list.
 * Positional extras arrive under integer keys (see {@link splitVariadic}).
 */
export const zipIter = defineNode({
  description: 'Takes the next value from each positional iterator.',
  variadic: true,
  process: (inputs) =>
    splitVariadic(inputs).args.map((iterator) =>
      advance('zip_iter', iterator as Iterator<unknown>, 1),
    ),
});

/**
 * `increment(iterator, increment=1)` → `iterator`, `value`: advances `iterator` `increment`
 * times; emits it and the last value.
 */
export const increment = defineNode({
  params: {},
  description: 'Advances an iterator; emits it and the last value.',
  signals: ['iterator', 'value'],
  slots: { iterator: {}, increment: { default: 1 } },
  process: ({ iterator, increment = 1 }) => {
    if (!Number.isInteger(increment) || increment < 1) {
      throw new InvalidTestingParamError(
        'increment',
        'increment',
        `must be an integer ≥ 1 (got ${increment})`,
      );
    }
    return { iterator, value: advance('increment', iterator, increment) };
  },
});
