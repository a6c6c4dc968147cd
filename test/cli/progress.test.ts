import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN } from '../conformance/suite.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const hasScript = spawnSync('script', ['--version']).status === 0;

/** `noob ...args` on a pseudo-terminal (util-linux `script`): what the terminal showed. */
function onTerminal(...args: string[]): { code: number | null; screen: string } {
  const command = [process.execPath, join(ROOT, 'bin', 'noob.js'), ...args]
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NOOB_DEBUG: '', COLUMNS: '100' },
  });
  return { code: result.status, screen: result.stdout };
}

describe.skipIf(!hasScript)('noob run on a terminal', () => {
  it('behavior: a run longer than a second shows a bar with rate and ETA, and every result', () => {
    // 40 epochs of a node that sleeps 40 ms: well over a second.
    const { code, screen } = onTerminal('run', join(OWN, 'slow.yaml'), '-n', '40');
    expect(code).toBe(0);
    expect(screen).toMatch(/\[#*-+\] \d+\/40 epochs {2}[\d.]+\/s {2}ETA [\d.]+s/);
    expect(screen).toMatch(/\[#{30}\] 40\/40 epochs {2}[\d.]+\/s {2}in /);
    const results = screen
      .split(/[\r\n]+/)
      .map((line) => line.replaceAll('\x1b[K', '').trim())
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
