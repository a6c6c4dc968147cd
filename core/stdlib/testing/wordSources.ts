import { NoEvent } from '../../events.ts';
import { defineNode } from '../../node/define.ts';
import { InvalidTestingParamError } from './errors.ts';
import { INT } from './param-types.ts';
import { createRandom } from './random.ts';
import { WORDS, WordDeck } from './words.ts';

/*
 * Upstream's word nodes draw from Faker. Here each takes an extra `seed` param (default 0)
 * and owns a seeded generator, so a run is reproducible and every runner sees the same words.
 */

function checkEvery(node: string, every: unknown): number {
  if (!Number.isInteger(every) || (every as number) < 1) {
    throw new InvalidTestingParamError(node, 'every', `must be a positive integer (got ${every})`);
  }
  return every as number;
}

/** `word_source(seed=0)` → `word`: an endless stream of random words of 2+ letters. */
export const wordSource = defineNode({
  params: { seed: INT },
  description: 'Emits a random word (2+ letters) per call.',
  signals: ['word'],
  generate: ({ seed = 0 }) => {
    const random = createRandom(seed);
    return (function* () {
      for (;;) yield random.pick(WORDS);
    })();
  },
});

/**
 * `multi_words_source(n, seed=0)` → `multi_words`: a list of `n` distinct words per call;
 * words do not repeat across calls until the list is used up (Faker's `unique`).
 */
export const multiWordsSource = defineNode({
  params: { n: { type: 'int', required: true }, seed: INT },
  description: 'Emits a list of n distinct random words per call.',
  signals: ['multi_words'],
  generate: ({ n, seed = 0 }) => {
    if (!Number.isInteger(n) || n < 0 || n > WORDS.length) {
      throw new InvalidTestingParamError(
        'multi_words_source',
        'n',
        `must be an integer from 0 to ${WORDS.length} (got ${n})`,
      );
    }
    const deck = new WordDeck(createRandom(seed));
    return (function* () {
      for (;;) yield deck.drawMany(n);
    })();
  },
});

/**
 * `sporadic_word(every=3, seed=0)` → `word`: a word on every `every`-th call (calls 3, 6, …
 * counting from 1) and `null` on the others. `null` is a value: dependents still run.
 */
export const sporadicWord = defineNode({
  params: { every: INT, seed: INT },
  description: 'Emits a word every `every`-th call and null otherwise.',
  signals: ['word'],
  generate: ({ every = 3, seed = 0 }) => {
    const period = checkEvery('sporadic_word', every);
    const random = createRandom(seed);
    return (function* () {
      for (let call = 1; ; call++) yield call % period === 0 ? random.pick(WORDS) : null;
    })();
  },
});

/**
 * `sporadic_word_noevent(every=3, seed=0)` → `word`: like {@link sporadicWord}, but the
 * calls in between emit `NoEvent`, so required dependents skip those epochs.
 */
export const sporadicWordNoEvent = defineNode({
  params: { every: INT, seed: INT },
  description: 'Emits a word every `every`-th call and NoEvent otherwise.',
  signals: ['word'],
  generate: ({ every = 3, seed = 0 }) => {
    const period = checkEvery('sporadic_word_noevent', every);
    const random = createRandom(seed);
    return (function* () {
      for (let call = 1; ; call++) yield call % period === 0 ? random.pick(WORDS) : NoEvent;
    })();
  },
});

/**
 * `word_counts(seed=0)` → `word`, `counts`: per call a word (unique until the list is used
 * up) and a list of 2–5 integers from 1 to 100.
 */
export const wordCounts = defineNode({
  params: { seed: INT },
  description: 'Emits a word and a list of 2-5 integers in 1..100 per call.',
  signals: ['word', 'counts'],
  generate: ({ seed = 0 }) => {
    const random = createRandom(seed);
    const deck = new WordDeck(random);
    return (function* () {
      for (;;) {
        const counts = Array.from({ length: random.int(2, 5) }, () => random.int(1, 100));
        yield { word: deck.draw(), counts };
      }
    })();
  },
});
