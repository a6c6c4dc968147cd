import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Whether util-linux `script` is here to give a command a pseudo-terminal. */
export const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * `noob ...args` on a pseudo-terminal (util-linux `script`), from the project root: its
 * exit code and what the terminal showed (stdout and stderr together, as a user sees them).
 */
export function onTerminal(...args: string[]): { code: number | null; screen: string } {
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

/** The lines a terminal showed, without the bar's erase codes (`\r`, `ESC[K`). */
export function screenLines(screen: string): string[] {
  return screen
    .split(/[\r\n]+/)
    .map((line) => line.replaceAll('\x1b[K', '').trim())
    .filter(Boolean);
}
