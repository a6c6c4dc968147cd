import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueLimits } from './context.ts';
import { boundedJson, envLimit, overLimit } from './limits.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

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

  it('behavior: an operator sets limits in the environment (NOOB_MAX_…)', () => {
    expect(queueLimits().maxTasksPerJob).toBe(1_000_000);
    vi.stubEnv('NOOB_MAX_TASKS_PER_JOB', '500');
    vi.stubEnv('NOOB_MAX_INPUT_BYTES', '');
    expect(queueLimits()).toMatchObject({ maxTasksPerJob: 500, maxInputBytes: 8 * 1024 * 1024 });
  });

  it('error: a limit in the environment that is not a whole number > 0 names the variable', () => {
    vi.stubEnv('NOOB_MAX_STREAMS', '2.5k');
    expect(() => envLimit('NOOB_MAX_STREAMS', 32)).toThrow(
      'NOOB_MAX_STREAMS must be a whole number greater than 0, got "2.5k"',
    );
  });
});
