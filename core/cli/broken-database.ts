import type { CommandIO } from './commands.ts';

/**
 * For a long-running command (`noob serve`, `noob worker`) whose database a failed flush
 * can break (see `OpenQueueOptions.onBroken`): the callback to open the queue with, and
 * a promise that resolves with the error once that happens, to stop on.
 */
export function brokenDatabase(): {
  onBroken: (error: Error) => void;
  broken: Promise<Error>;
} {
  let onBroken!: (error: Error) => void;
  const broken = new Promise<Error>((resolve) => {
    onBroken = resolve;
  });
  return { onBroken, broken };
}

/** Say why `command` stopped after its database broke; returns the exit code (1). */
export function reportBroken(command: string, error: Error, io: CommandIO): number {
  io.stderr.write(`noob ${command}: ${error.message}; stopping so it can be restarted\n`);
  return 1;
}
