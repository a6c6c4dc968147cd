/** Child processes of the queue benchmark: started, awaited until ready, stopped. */
import { type ChildProcess, spawn } from 'node:child_process';

/** Run `node script args…` and resolve once its stdout prints `readyText`. */
export async function startChild(
  args: readonly string[],
  readyText: string,
  cwd?: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(cwd ? { cwd } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes(readyText)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited early (${code})`)));
  });
  return child;
}

/** SIGTERM a child (if running) and wait for it to exit. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
