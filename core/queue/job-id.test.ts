import { describe, expect, it } from 'vitest';
import { jobId } from './job-id.ts';

describe('jobId', () => {
  it('default: a version 7 UUID carrying the time it was made', () => {
    const id = jobId(0x0123_4567_89ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('behavior: ids of later milliseconds sort after earlier ones, and none repeats', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => jobId(1_800_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    const same = Array.from({ length: 1_000 }, () => jobId(1_800_000_000_000));
    expect(new Set(same).size).toBe(1_000);
  });
});
