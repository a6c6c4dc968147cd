import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN } from '../conformance/suite.ts';
import { hasScript, onTerminal, screenLines } from './terminal.ts';

describe.skipIf(!hasScript)('noob run on a terminal', () => {
  it('behavior: a run longer than a second shows a bar with rate and ETA, and every result', () => {
    // 40 epochs of a node that sleeps 40 ms: well over a second.
    const { code, screen } = onTerminal('run', join(OWN, 'slow.yaml'), '-n', '40');
    expect(code).toBe(0);
    expect(screen).toMatch(/\[#*-+\] \d+\/40 epochs {2}[\d.]+\/s {2}ETA [\d.]+s/);
    expect(screen).toMatch(/\[#{30}\] 40\/40 epochs {2}[\d.]+\/s {2}in /);
    const results = screenLines(screen)
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
    expect(results).toEqual([...Array(40).keys()]);
  });

  it('behavior: a quick run shows no bar', () => {
    const { code, screen } = onTerminal('run', join(OWN, 'basic', 'basic.yaml'), '-n', '5');
    expect(code).toBe(0);
    expect(screen).not.toMatch(/epochs/);
    expect(screen.replaceAll('\r', '')).toBe('0\n2\n4\n6\n8\n');
  });
});
