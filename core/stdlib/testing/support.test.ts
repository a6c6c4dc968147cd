import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';
import { splitVariadic } from './variadic.ts';
import { WORDS, WordDeck } from './words.ts';

describe('createRandom', () => {
  it('behavior: the same seed gives the same stream', () => {
    const a = createRandom(1);
    const b = createRandom(1);
    expect(Array.from({ length: 5 }, () => a.float())).toEqual(
      Array.from({ length: 5 }, () => b.float()),
    );
  });

  it('behavior: int covers both ends and stays in range', () => {
    const random = createRandom(0);
    const seen = new Set(Array.from({ length: 500 }, () => random.int(2, 5)));
    expect(seen).toEqual(new Set([2, 3, 4, 5]));
  });

  it('error: pick from an empty list', () => {
    expect(() => createRandom(0).pick([])).toThrow(RangeError);
  });
});

describe('WORDS', () => {
  it('default', () => {
    expect(WORDS.length).toBeGreaterThan(300);
    expect(new Set(WORDS).size).toBe(WORDS.length);
    for (const word of WORDS) expect(word).toMatch(/^[a-z]{2,}$/);
  });

  it('behavior: a deck uses every word once before repeating', () => {
    const deck = new WordDeck(createRandom(3));
    const round = Array.from({ length: WORDS.length }, () => deck.draw());
    expect(new Set(round).size).toBe(WORDS.length);
    expect(WORDS).toContain(deck.draw());
  });
});

describe('splitVariadic', () => {
  it('behavior: integer keys are args in order, the rest kwargs', () => {
    expect(splitVariadic({ value: 1, 2: 'c', 0: 'a', 10: 'd', 1: 'b', x: 9 }, ['value'])).toEqual({
      args: ['a', 'b', 'c', 'd'],
      kwargs: { x: 9 },
    });
    expect(splitVariadic({ '01': 1 }).kwargs).toEqual({ '01': 1 });
  });
});
