import { spawn } from 'node:child_process';
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
});
