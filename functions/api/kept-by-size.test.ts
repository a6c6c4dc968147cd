import { describe, expect, it } from 'vitest';
import { KeptBySize } from './kept-by-size.ts';

const kept = (maxEntries: number, maxSize: number) =>
  new KeptBySize<string>(maxEntries, maxSize, (value) => value.length);

describe('KeptBySize', () => {
  it('behavior: past maxEntries the least recently used goes first; touch counts as a use', () => {
    const values = kept(2, 100);
    values.set('a', 'x');
    values.set('b', 'y');
    values.touch('a', 'x');
    values.set('c', 'z');
    expect([values.get('a'), values.get('b'), values.get('c')]).toEqual(['x', undefined, 'z']);
  });

  it('behavior: past maxSize values go until the rest fit; one larger than it is not kept', () => {
    const values = kept(10, 5);
    values.set('a', 'aaa');
    values.set('b', 'bbb');
    expect([values.get('a'), values.get('b'), values.totalSize]).toEqual([undefined, 'bbb', 3]);
    values.set('c', 'cccccc');
    expect([values.get('c'), values.size]).toEqual([undefined, 1]);
  });

  it('behavior: delete and touch act only on the value given (a newer one stays)', () => {
    const values = kept(10, 100);
    values.set('a', 'old');
    values.set('a', 'new');
    values.delete('a', 'old');
    expect([values.get('a'), values.totalSize]).toEqual(['new', 3]);
    values.delete('a', 'new');
    expect([values.size, values.totalSize]).toEqual([0, 0]);
  });
});
