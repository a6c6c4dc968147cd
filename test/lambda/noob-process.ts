import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The environment a user's shell gives `noob` to reach the Lambda service: here the
 * twin's Invoke API through the SDK's own endpoint variable, a region and credentials
 * (the twin does not check them).
 */
export function awsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'twin',
    AWS_SECRET_ACCESS_KEY: 'twin',
    // The SDK must not look for a profile on the test machine.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** A `noob` process started by {@link startNoob}. */
export interface NoobProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves once stdout matches `pattern`; rejects if the process exits first. */
  printed(pattern: RegExp): Promise<void>;
}

/**
 * Start `bin/noob.js ...args` from the project root, without blocking this process (the
 * twin the command talks to runs in it).
 */
export function startNoob(args: readonly string[], env: Record<string, string>): NoobProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NOOB_DEBUG: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (signal as string) ?? code);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const look = () => {
          if (!pattern.test(out)) return;
          child.stdout!.off('data', look);
          resolve();
        };
        child.stdout!.on('data', look);
        look();
        void exited.then((code) =>
          reject(new Error(`noob ${args[0]} exited (${code}) before printing ${pattern}: ${err}`)),
        );
      }),
  };
}

/** Run `noob ...args` to its end. */
export async function runNoob(args: readonly string[], env: Record<string, string>) {
  const started = startNoob(args, env);
  const code = await started.exited;
  return { code, stdout: started.stdout(), stderr: started.stderr() };
}
