import { describe, expect, it } from 'vitest';
import { TUBE_LIMITS } from './limits.ts';
import { parseTubeSource } from './source.ts';

/** A valid tube of `n` nodes in a chain. */
function chain(n: number): string {
  let text = 'noob_id: chain\nnodes:\n  n0:\n    type: noob.testing.count_source\n';
  for (let i = 1; i < n; i++) {
    text += `  n${i}:\n    type: noob.testing.multiply\n    depends:\n      - left: n${i - 1}.value\n`;
  }
  return text;
}

describe('tube limits', () => {
  it('default: a tube within every limit parses', () => {
    expect(() => parseTubeSource(chain(TUBE_LIMITS.maxNodes), 't.yaml')).not.toThrow();
  });

  it('error: flow collections nested past the limit are refused before parsing, with the line', () => {
    const text = `noob_id: deep\nnodes: {}\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(() => parseTubeSource(text, 't.yaml')).toThrow(
      expect.objectContaining({
        name: 'TubeLoadError',
        problems: [
          expect.objectContaining({
            line: 3,
            message: 't.yaml:3: lists and maps nest deeper than 64 levels',
          }),
        ],
      }),
    );
    // Brackets inside strings and comments are text, not nesting.
    const quoted = `noob_id: q\nnodes: {}\nx: "${'['.repeat(200)}" # ${'{'.repeat(200)}\n`;
    expect(() => parseTubeSource(quoted, 't.yaml')).not.toThrow();
  });

  it('error: block nesting past the limit is refused', () => {
    let text = 'noob_id: deep\nnodes: {}\nx:\n';
    for (let i = 1; i <= 70; i++) text += `${' '.repeat(i)}k:\n`;
    expect(() => parseTubeSource(text, 't.yaml')).toThrow(/nest deeper than 64 levels/);
  });

  it('error: more nodes than the limit is refused, naming the count and the limit', () => {
    expect(() => parseTubeSource(chain(TUBE_LIMITS.maxNodes + 1), 't.yaml')).toThrow(
      /1001 nodes, over the limit of 1000 per tube/,
    );
  });

  it('error: aliases that expand a small text past the size limit are refused', () => {
    // 60 aliases (within the alias limit) of a 128 KiB value: a 130 KB text that would be 7.8 MB.
    const text = `noob_id: amp\nnodes: {}\nbig: &b "${'x'.repeat(128 * 1024)}"\ncopies:\n${'  - *b\n'.repeat(60)}`;
    expect(() => parseTubeSource(text, 't.yaml')).toThrow(
      /over 4194304 bytes once its aliases are expanded/,
    );
  });
});
