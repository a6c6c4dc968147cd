import { describe, expect, it } from 'vitest';
import { NoEvent } from '../../events.ts';
import {
  multiWordsSource,
  sporadicWord,
  sporadicWordNoEvent,
  wordCounts,
  wordSource,
} from './wordSources.ts';

const ctx = { nodeId: 'words', signal: new AbortController().signal };

function take(iterator: Iterator<unknown> | AsyncIterator<unknown>, n: number): any[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push((iterator as Iterator<unknown>).next().value);
  return out;
}

describe('word_source', () => {
  it('default', () => {
    expect(wordSource.signals).toEqual(['word']);
    const words = take(wordSource.generate!({}, ctx), 200);
    for (const word of words) expect(word).toMatch(/^[a-z]{2,}$/);
    expect(new Set(words).size).toBeGreaterThan(50);
  });

  it('behavior: the same seed gives the same words, another seed others', () => {
    const a = take(wordSource.generate!({ seed: 42 }, ctx), 20);
    const b = take(wordSource.generate!({ seed: 42 }, ctx), 20);
    const c = take(wordSource.generate!({ seed: 43 }, ctx), 20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('multi_words_source', () => {
  it('behavior: n distinct words per call', () => {
    expect(multiWordsSource.signals).toEqual(['multi_words']);
    for (const words of take(multiWordsSource.generate!({ n: 5 }, ctx), 300)) {
      expect(words).toHaveLength(5);
      expect(new Set(words).size).toBe(5);
    }
  });

  it('behavior: words do not repeat across calls until the list is used up', () => {
    const words = take(multiWordsSource.generate!({ n: 5 }, ctx), 100).flat();
    expect(new Set(words).size).toBe(500);
  });

  it('error: n is required and bounded by the word list', () => {
    expect(() => multiWordsSource.generate!({}, ctx)).toThrow(/`n`/);
    expect(() => multiWordsSource.generate!({ n: 100_000 }, ctx)).toThrow(/`n`/);
  });
});

describe('sporadic_word', () => {
  it('default', () => {
    const values = take(sporadicWord.generate!({}, ctx), 9);
    expect(values.map((v) => (v === null ? null : 'word'))).toEqual([
      null,
      null,
      'word',
      null,
      null,
      'word',
      null,
      null,
      'word',
    ]);
    expect(values[2]).toMatch(/^[a-z]{2,}$/);
  });

  it('behavior: every sets the period', () => {
    const values = take(sporadicWord.generate!({ every: 1 }, ctx), 4);
    expect(values.every((v) => typeof v === 'string')).toBe(true);
  });

  it('error: every must be a positive integer', () => {
    expect(() => sporadicWord.generate!({ every: 0 }, ctx)).toThrow(/every/);
  });
});

describe('sporadic_word_noevent', () => {
  it('behavior: NoEvent between words', () => {
    const values = take(sporadicWordNoEvent.generate!({ every: 2 }, ctx), 4);
    expect(values[0]).toBe(NoEvent);
    expect(values[1]).toMatch(/^[a-z]{2,}$/);
    expect(values[2]).toBe(NoEvent);
  });
});

describe('word_counts', () => {
  it('behavior: a word and 2-5 integers in 1..100 per call', () => {
    expect(wordCounts.signals).toEqual(['word', 'counts']);
    const calls = take(wordCounts.generate!({}, ctx), 200);
    for (const { word, counts } of calls) {
      expect(word).toMatch(/^[a-z]{2,}$/);
      expect(counts.length).toBeGreaterThanOrEqual(2);
      expect(counts.length).toBeLessThanOrEqual(5);
      for (const count of counts) {
        expect(Number.isInteger(count)).toBe(true);
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(100);
      }
    }
    // Every length from 2 to 5 shows up.
    expect(new Set(calls.map((c) => c.counts.length))).toEqual(new Set([2, 3, 4, 5]));
  });

  it('behavior: seeded and reproducible', () => {
    expect(take(wordCounts.generate!({ seed: 7 }, ctx), 10)).toEqual(
      take(wordCounts.generate!({ seed: 7 }, ctx), 10),
    );
  });
});
