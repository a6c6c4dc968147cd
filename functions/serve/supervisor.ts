import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** How one run of a supervised process ended. */
export interface ProcessExit {
  pid: number;
  /** Its exit code (0 after a clean stop), or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (`SIGKILL` when it did not stop within the grace period). */
  signal: NodeJS.Signals | null;
}

/** What to run and how to tell it is up. */
export interface SupervisedOptions {
  /** How it is named in messages: `worker 2`, `coordinator`. */
  name: string;
  /** Arguments after the Node executable (the script first). */
  args: readonly string[];
  /**
   * Matched against its stdout: the process is up once it printed a line that matches;
   * the first group, if any, is its id (a worker's id in the queue).
   */
  ready: RegExp;
  /** Told of every start and death, restart delay included (default: stderr). */
  log?: (line: string) => void;
  /** Called after a run of the process that was up ended (with its id), before a restart. */
  onExit?: (id: string | undefined, exit: ProcessExit) => Promise<void> | void;
  /** First wait before a restart (ms, default 100); it doubles with each quick death. */
  backoffMs?: number;
  /** Longest wait before a restart (ms, default 10,000). */
  maxBackoffMs?: number;
  /** Up this long, a process counts as healthy: the next death waits backoffMs again (default 30,000). */
  healthyAfterMs?: number;
}

/**
 * One child process kept running: started, watched, restarted with exponential backoff
 * when it dies (crash, kill -9, out of memory) until {@link stop}. Once it is up, whatever
 * it prints on stdout is shown on this process's stderr, each line labelled with its name
 * (`[coordinator] …`): its stdout is how it says it is up, and is not lost after. The child gets an IPC
 * channel so it can notice when this process is gone, even killed with SIGKILL, and stop
 * too (see `noob worker`, `noob coordinator`).
 */
export class Supervised {
  readonly #options: SupervisedOptions;
  #child: ChildProcess | undefined;
  #id: string | undefined;
  #up = false;
  #stopping = false;
  #restarts = 0;
  #backoffMs: number;
  #restartTimer: NodeJS.Timeout | undefined;
  #exits: Promise<void> = Promise.resolve();

  constructor(options: SupervisedOptions) {
    this.#options = options;
    this.#backoffMs = options.backoffMs ?? 100;
  }

  /** Its pid while a process runs. */
  get pid(): number | undefined {
    return this.#up ? this.#child?.pid : undefined;
  }

  /** Whether a process is up (started and said so, not dead). */
  get alive(): boolean {
    return this.#up;
  }

  /** Its id as it printed it (undefined until up, or without a group in `ready`). */
  get id(): string | undefined {
    return this.#id;
  }

  /** How many times it was restarted after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * Starts it and waits until it is up. Rejects (and gives up) if the first process exits
   * before that: a command that cannot start (bad database, bad flags) is not restarted.
   */
  start(): Promise<void> {
    return this.#spawn(true);
  }

  #spawn(first: boolean): Promise<void> {
    const { name, args, ready } = this.#options;
    const child = spawn(process.execPath, [...args], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    this.#child = child;
    const startedAt = Date.now();
    let output = '';
    let after = '';
    return new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (this.#up && this.#child === child) {
          // Up: what it prints now (a coordinator's stateful nodes, say) is shown, labelled.
          after = this.#relay(after + chunk.toString());
          return;
        }
        output += chunk.toString();
        const match = ready.exec(output);
        if (!match) return;
        this.#up = true;
        this.#id = match[1];
        output = '';
        if (!first) this.#log(`${name} restarted (pid ${child.pid})`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        const wasUp = this.#up && this.#child === child;
        this.#up = false;
        const exit = { pid: child.pid!, code, signal };
        if (!wasUp && first) {
          reject(new Error(`${name} exited with ${signal ?? code} before it was up`));
          return;
        }
        this.#exits = this.#exits.then(() => this.#died(exit, startedAt, wasUp));
        if (!wasUp) resolve(); // a restart that died early: #died schedules the next
      });
    });
  }

  async #died(exit: ProcessExit, startedAt: number, wasUp: boolean): Promise<void> {
    const { name, onExit } = this.#options;
    const id = this.#id;
    this.#id = undefined;
    if (wasUp && onExit) {
      try {
        await onExit(id, exit);
      } catch (error) {
        this.#log(`after ${name} exited: ${(error as Error).message}`);
      }
    }
    if (this.#stopping) return;
    if (Date.now() - startedAt >= (this.#options.healthyAfterMs ?? 30_000))
      this.#backoffMs = this.#options.backoffMs ?? 100;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 10_000);
    this.#log(
      `${name} (pid ${exit.pid}) ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}; restarting it in ${delay} ms`,
    );
    this.#restartTimer = setTimeout(() => {
      this.#restarts++;
      void this.#spawn(false);
    }, delay);
  }

  /**
   * Stops restarting it and ends the running process: SIGTERM (it finishes what it holds
   * and exits), SIGKILL if it still runs after `graceMs` (default 10 s; said on stderr).
   * How it ended, or undefined when no process was running.
   */
  async stop(graceMs = 10_000): Promise<ProcessExit | undefined> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      await this.#exits;
      return undefined;
    }
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.#log(
        `${this.#options.name} (pid ${child.pid}) did not stop within ${graceMs} ms of SIGTERM; killing it`,
      );
      child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
    await this.#exits;
    return { pid: child.pid!, code: child.exitCode, signal: child.signalCode };
  }

  /**
   * Show the whole lines of `text` on stderr labelled with this process's name; returns
   * the unfinished last line (shown as it is once it grows past 64 KiB).
   */
  #relay(text: string): string {
    const lines = text.split('\n');
    let rest = lines.pop()!;
    if (rest.length > 64 * 1024) {
      lines.push(rest);
      rest = '';
    }
    for (const line of lines) process.stderr.write(`[${this.#options.name}] ${line}\n`);
    return rest;
  }

  #log(line: string): void {
    if (this.#options.log) this.#options.log(line);
    else process.stderr.write(`noob serve: ${line}\n`);
  }
}
