import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { newWorkerToken, WORKER_TOKEN_ENV } from '../../functions/worker/guard.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The token of every worker this process starts (a runner sends one token to all its workers). */
export const WORKER_TOKEN = newWorkerToken();

/**
 * The folders whose module types the suites' workers may load (given as
 * `--allow-modules` unless the caller chooses): the suites' own tubes, the benchmarks'
 * and the examples.
 */
export const TEST_MODULE_FOLDERS = ['./test/conformance/tubes', './bench/tubes', './examples'];

/** A `noob worker --http` process on loopback. */
export interface WorkerProcess {
  url: string;
  /** Its token ({@link WORKER_TOKEN}). */
  token: string;
  child: ChildProcess;
  /** Stops it (SIGTERM, then SIGKILL if it lingers). */
  stop(): Promise<void>;
}

/**
 * Starts a real worker process on a free port, with {@link WORKER_TOKEN} (through
 * `NOOB_WORKER_TOKEN`) and, unless `args` choose or `testModules` is false, the modules
 * of {@link TEST_MODULE_FOLDERS}; waits until it listens.
 */
export async function startWorkerProcess(
  args: readonly string[] = [],
  options: {
    testModules?: boolean;
    /**
     * Start it in a session of its own (`setsid`), as a worker started by hand or by a
     * service manager is. Where the kernel shares CPU time between sessions (Linux
     * autogroups), the workers then get a share each instead of splitting their starter's.
     */
    ownSession?: boolean;
  } = {},
): Promise<WorkerProcess> {
  const chosen = args.some((arg) => arg.startsWith('--allow-modules') || arg === '--no-modules');
  const modules =
    chosen || options.testModules === false
      ? []
      : ['--allow-modules', TEST_MODULE_FOLDERS.join(',')];
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'noob.js'), 'worker', '--http', '--port', '0', ...modules, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, [WORKER_TOKEN_ENV]: WORKER_TOKEN },
      detached: options.ownSession ?? false,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('worker did not start within 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
  });
  return {
    url,
    token: WORKER_TOKEN,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
