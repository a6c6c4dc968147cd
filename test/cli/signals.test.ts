import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const UNTIL_SIGNALLED = join(import.meta.dirname, '..', '..', 'core', 'cli', 'until-signalled.ts');

// What a worker or coordinator waits on before it stops. Ctrl-C in `npm start`'s terminal
// sends SIGINT to the whole process group: `noob serve` and every child. Children that
// stopped on it died under their supervisor, which said "worker 2 exited with code 0;
// restarting it in 100 ms" while the server was shutting down.
const CHILD = `
  const { untilSignalled } = await import(${JSON.stringify(UNTIL_SIGNALLED)});
  const why = untilSignalled();
  setInterval(() => {}, 1000); // alive, as a worker is, until it stops
  process.stdout.write('ready\\n');
  process.stdout.write((await why) + '\\n', () => process.exit(0));
`;

/** A child waiting in untilSignalled, sent `signals` in order once ready: what it stopped on. */
function stoppedOn(signals: NodeJS.Signals[], ipc: boolean): Promise<string> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out === 'ready\n') for (const signal of signals) child.kill(signal);
    });
    child.once('exit', () => resolve(out.split('\n')[1] ?? `exited: ${out}`));
  });
}

describe('untilSignalled', () => {
  it("behavior: started by noob serve (an IPC channel), SIGINT is the terminal's, left to the parent; SIGTERM stops it", async () => {
    expect(await stoppedOn(['SIGINT', 'SIGTERM'], true)).toBe('SIGTERM');
  });

  it('behavior: started from a terminal, SIGINT (Ctrl-C) stops it', async () => {
    expect(await stoppedOn(['SIGINT'], false)).toBe('SIGINT');
  });

  it('behavior: a child whose noob serve died while it was still starting stops, instead of running on alone', async () => {
    // The channel is closed before untilSignalled is called (as when noob serve is killed
    // while the worker opens its queue): no disconnect event is left to hear.
    const late = `
      process.disconnect();
      const { untilSignalled } = await import(${JSON.stringify(UNTIL_SIGNALLED)});
      const why = untilSignalled();
      setInterval(() => {}, 1000);
      process.stdout.write((await why) + '\\n', () => process.exit(0));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', late], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    try {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await once(child, 'exit');
      expect(out).toBe('disconnect\n');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('behavior: once noob serve is gone (killed with SIGKILL), Ctrl-C ends a child still stopping (a long call running)', async () => {
    // Stops slowly: alive after its wait ended, answering "alive" to each line on stdin.
    const slow = `
      const { untilSignalled } = await import(${JSON.stringify(UNTIL_SIGNALLED)});
      const why = untilSignalled();
      setInterval(() => {}, 1000);
      process.stdin.on('data', () => process.stdout.write('alive\\n'));
      process.stdout.write('ready\\n');
      process.stdout.write((await why) + '\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', slow], {
      stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
    });
    try {
      let out = '';
      const ended = await new Promise<string>((resolve, reject) => {
        child.once('error', reject);
        // The ping below races the child's end on SIGINT, the outcome hoped for: a pipe
        // already closed (EPIPE) is that end, not a failure.
        child.stdin!.on('error', () => undefined);
        child.once('exit', (code, signal) => resolve(`exited: ${signal ?? code}`));
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          // The parent's side of the channel closes, as when noob serve is killed.
          if (out === 'ready\n') child.disconnect();
          if (out === 'ready\ndisconnect\n') {
            child.kill('SIGINT');
            // Read only if SIGINT left it running.
            child.stdin!.write('ping\n');
          }
          if (out.endsWith('alive\n')) resolve('still running after SIGINT');
        });
      });
      expect(ended).toBe('exited: SIGINT');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
