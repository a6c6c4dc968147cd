import { defineNode, type NodeContext } from '../../node/define.ts';
import { INT } from './param-types.ts';
import { createRandom } from './random.ts';
import { sleep } from './sleep.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Waits up to 0.1 s, then maps `number + offset` onto a letter. Upstream sleeps a random
 * time so async calls finish out of order; the delay here is derived from the number, which
 * keeps that jitter but makes it reproducible.
 */
async function toLetter(number: number, offset: number, signal?: AbortSignal): Promise<string> {
  await sleep(createRandom(number + offset).float() / 10, signal);
  const index = (((number + offset) % ALPHABET.length) + ALPHABET.length) % ALPHABET.length;
  return ALPHABET[index]!;
}

/** `number_to_letter(number, offset=0)` → `value` (async): the letter at `(number + offset) mod 26`. */
export const numberToLetter = defineNode({
  params: {},
  description: 'Turns a number into a letter after a short async wait.',
  slots: { number: {}, offset: { default: 0 } },
  process: ({ number, offset = 0 }, context) => toLetter(number, offset, context?.signal),
});

/** `NumberToLetterCls(offset=0)`: the class form of {@link numberToLetter}, with an async `process`. */
export class NumberToLetterCls {
  readonly offset: number;

  constructor({ offset = 0 }: { offset?: number } = {}) {
    this.offset = offset;
  }

  process({ number }: Record<string, any>, context?: NodeContext): Promise<string> {
    return toLetter(number, this.offset, context?.signal);
  }
}

/** The `noob.testing.NumberToLetterCls` node. */
export const numberToLetterCls = defineNode({
  params: { offset: INT },
  description: 'Turns a number into a letter after a short async wait (class).',
  slots: { number: {} },
  class: NumberToLetterCls,
});

/** `long_add(value, sleep_for=0.25)` → `value`: `value + 1` after `sleep_for` seconds. */
export const longAdd = defineNode({
  params: {},
  description: 'Adds one after sleeping `sleep_for` seconds.',
  slots: { value: {}, sleep_for: { default: 0.25 } },
  process: async ({ value, sleep_for = 0.25 }, context) => {
    await sleep(sleep_for, context?.signal);
    return value + 1;
  },
});

/** `just_wait(value, wait_for=0.5)` → `value`: `value` unchanged after `wait_for` seconds. */
export const justWait = defineNode({
  params: {},
  description: 'Returns its input after waiting `wait_for` seconds.',
  slots: { value: {}, wait_for: { default: 0.5 } },
  process: async ({ value, wait_for = 0.5 }, context) => {
    await sleep(wait_for, context?.signal);
    return value;
  },
});
