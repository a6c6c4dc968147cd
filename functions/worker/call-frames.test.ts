import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './call-frames.ts';

const text = (body: Buffer | undefined) => body?.toString('utf8');

describe('call stream frames', () => {
  it('default: frames written back to back are read back whole, however the bytes are cut', () => {
    const bytes = Buffer.concat([
      encodeFrame(1, 2, '["a","b"]'),
      encodeFrame(2, 1, '["é"]'),
      encodeFrame(7, 1, '[1]'),
    ]);
    for (const cut of [1, 5, 12, 13, bytes.length]) {
      const reader = new FrameReader(1024);
      const frames = [];
      for (let at = 0; at < bytes.length; at += cut)
        frames.push(...reader.push(bytes.subarray(at, at + cut)));
      expect(frames.map((f) => [f.id, f.count, text(f.body)])).toEqual([
        [1, 2, '["a","b"]'],
        [2, 1, '["é"]'],
        [7, 1, '[1]'],
      ]);
    }
  });

  it('behavior: a body over the limit is skipped, not held, and read as too large with its id and count', () => {
    const reader = new FrameReader(8);
    const large = encodeFrame(3, 4, JSON.stringify('x'.repeat(100)));
    const after = encodeFrame(4, 1, '[2]');
    const first = reader.push(large.subarray(0, 40));
    expect(first).toEqual([]);
    const rest = reader.push(Buffer.concat([large.subarray(40), after]));
    expect(rest.map((f) => [f.id, f.count, f.length, text(f.body)])).toEqual([
      [3, 4, 102, undefined],
      [4, 1, 3, '[2]'],
    ]);
  });
});
