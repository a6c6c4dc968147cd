import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CommandIO } from '../../core/cli/commands.ts';
import { main } from '../../core/cli/main.ts';
import type { NoobCommandResult } from '../fixtures/noob-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where and with what environment a client command runs. */
export interface RunOptions {
  cwd?: string;
  /** Added to this process's environment (NOOB_URL and NOOB_KEY are removed first). */
  env?: Record<string, string>;
  /** Called with the child once it started (to signal it). */
  started?: (child: ChildProcess) => void;
}

/**
 * `noob ...args` as a separate process, without blocking this one (a test may act on the
 * server while a command watches it): its exit code and output. NOOB_URL and NOOB_KEY
 * come only from `options.env`, so a developer's own settings never leak in.
 */
export function runNoob(
  args: readonly string[],
  options: RunOptions = {},
): Promise<NoobCommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NOOB_DEBUG: '' };
  delete env.NOOB_URL;
  delete env.NOOB_KEY;
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.started?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `noob ...args` run by the command line's own `main` in this process (no process start:
 * the machine is shared), with stdout and stderr captured. For commands whose every
 * setting is on the command line (`--url`, `--key`): the environment and folder are this
 * process's.
 */
export async function noobHere(...args: string[]): Promise<NoobCommandResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const io = {
    stdout: sink((text) => {
      stdout += text;
    }),
    stderr: sink((text) => {
      stderr += text;
    }),
  } as unknown as CommandIO;
  const code = await main(args, io);
  return { code, stdout, stderr };
}
