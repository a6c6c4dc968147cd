import { describe, expect, it } from 'vitest';
import { boundedJson, overLimit } from './limits.ts';

describe('size limits', () => {
  it('default: a value within the limit is its JSON text', () => {
    expect(boundedJson('result', { a: [1, 2] }, 'n', 100)).toBe('{"a":[1,2]}');
    expect(boundedJson('result', undefined, 'n', 100)).toBe('null');
  });

  it('behavior: the limit counts UTF-8 bytes, not characters', () => {
    expect(overLimit('é'.repeat(60), 100)).toBe(true);
    expect(overLimit('e'.repeat(60), 100)).toBe(false);
  });

  it('error: a value over the limit names the node, its size and the limit', () => {
    expect(() => boundedJson('input', 'x'.repeat(200), 'resize', 100)).toThrow(
      expect.objectContaining({
        name: 'TaskTooLargeError',
        nodeId: 'resize',
        limit: 100,
        message: expect.stringMatching(
          /^the input of node resize is 202 bytes, over the limit of 100 bytes/,
        ),
      }),
    );
  });

  it('error: a value too large for one string (V8: Invalid string length) is a size error, not a crash', () => {
    const huge = {
      toJSON() {
        throw new RangeError('Invalid string length');
      },
    };
    expect(() => boundedJson('result', huge, 'repeat', 100)).toThrow(
      /result of node repeat is too large to serialize, over the limit of 100 bytes/,
    );
  });
});
