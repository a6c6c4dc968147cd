import { describe, expect, it } from 'vitest';
import { COPY, deepCopy } from './copy.ts';

class Point {
  x: number;
  tags: string[];
  constructor(x: number, tags: string[]) {
    this.x = x;
    this.tags = tags;
  }
  norm(): number {
    return Math.abs(this.x);
  }
}

class Secret {
  #n = 0;
  bump(): number {
    return ++this.#n;
  }
  [COPY](): Secret {
    const copy = new Secret();
    copy.#n = this.#n;
    return copy;
  }
}

describe('deepCopy', () => {
  it('behavior: plain data, collections and class instances are copied, not shared', () => {
    const shared = { n: 1 };
    const value = {
      list: [shared, shared],
      map: new Map([['k', shared]]),
      set: new Set([1]),
      date: new Date(5),
      bytes: new Uint8Array([1, 2]),
      point: new Point(-3, ['a']),
    };
    const copied = deepCopy(value);
    expect(copied).toEqual(value);
    copied.list[0]!.n = 2;
    copied.point.tags.push('b');
    copied.bytes[0] = 9;
    expect(value.list[0]!.n).toBe(1);
    expect(value.point.tags).toEqual(['a']);
    expect(value.bytes[0]).toBe(1);
    // Shared references stay shared inside the copy; methods still work.
    expect(copied.list[1]).toBe(copied.list[0]);
    expect(copied.point.norm()).toBe(3);
  });

  it('behavior: an object with a [COPY] method copies itself (private state)', () => {
    const secret = new Secret();
    secret.bump();
    const copied = deepCopy(secret);
    expect(copied.bump()).toBe(2);
    expect(secret.bump()).toBe(2);
  });

  it('error: a running generator cannot be copied', () => {
    function* numbers() {
      yield 1;
    }
    expect(() => deepCopy({ it: numbers() })).toThrow(/cannot copy Generator/);
  });
});
