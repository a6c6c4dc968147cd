import { NoEvent } from '../../events.ts';
import { defineNode } from '../../node/define.ts';
import { InvalidTestingParamError } from './errors.ts';
import { INT, NUM } from './param-types.ts';

/**
 * `count_source(limit=10000, start=0)` → `index`: start, start + 1, … while below `limit`,
 * then exhausted. `limit: 0` counts forever.
 */
export const countSource = defineNode({
  params: { limit: INT, start: INT },
  description: 'Counts up from `start`, stopping below `limit` (0 = never stops).',
  signals: ['index'],
  generate: ({ limit = 10000, start = 0 }) =>
    (function* () {
      for (let value = start; limit === 0 || value < limit; value++) yield value;
    })(),
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** `letter_source()` → `letter`: a, b, …, z, a, b, … forever. */
export const letterSource = defineNode({
  params: {},
  description: 'Cycles through the lowercase alphabet.',
  signals: ['letter'],
  generate: () =>
    (function* () {
      for (;;) yield* ALPHABET;
    })(),
});

const ROTATION = [
  ['fruits', ['apple', 'banana', 'cherry']],
  ['vegetables', ['daikon', 'eggplant', 'fiddlehead']],
  ['minerals', ['galaxite', 'halite', 'iolite']],
] as const;

/**
 * `switch()` → `fruits`, `vegetables`, `minerals`: exactly one signal fires per call, in that
 * rotation, each cycling through its own three values; the other two are `NoEvent`. Used to
 * test branches that only some epochs take.
 */
export const switchSource = defineNode({
  params: {},
  description: 'Fires one of fruits/vegetables/minerals per call, in rotation.',
  signals: ROTATION.map(([signal]) => signal),
  generate: () =>
    (function* () {
      for (let call = 0; ; call++) {
        const [signal, values] = ROTATION[call % ROTATION.length]!;
        const value = values[Math.floor(call / ROTATION.length) % values.length]!;
        const out: Record<string, unknown> = {};
        for (const [name] of ROTATION) out[name] = name === signal ? value : NoEvent;
        yield out;
      }
    })(),
});

/**
 * `cycle(start=0, stop=100, step=1)` → `value`: Python's `range(start, stop, step)`, repeated
 * forever.
 */
export const cycle = defineNode({
  params: { start: NUM, stop: NUM, step: NUM },
  description: 'Repeats range(start, stop, step) forever.',
  generate: ({ start = 0, stop = 100, step = 1 }) => {
    if (step === 0) throw new InvalidTestingParamError('cycle', 'step', 'must not be 0');
    // Upstream spins forever without yielding on an empty range; fail loudly instead.
    if (step > 0 ? start >= stop : start <= stop) {
      throw new InvalidTestingParamError(
        'cycle',
        'stop',
        `gives an empty range(${start}, ${stop}, ${step}), so there is nothing to cycle`,
      );
    }
    return (function* () {
      for (;;) {
        for (let value = start; step > 0 ? value < stop : value > stop; value += step) {
          yield value;
        }
      }
    })();
  },
});
