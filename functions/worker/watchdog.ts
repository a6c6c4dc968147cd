import { Worker } from 'node:worker_threads';

/**
 * Kills this process when its event loop stays blocked longer than `stallMs`: a node that
 * spins synchronously cannot be interrupted by a timer on the same loop, only from another
 * thread. The main thread ticks a shared counter; a thread of its own looks at it and, once
 * it has not moved for `stallMs`, writes a line to stderr (directly: the main thread would
 * never print it) and sends this process SIGKILL. Leases held by the process then expire
 * and their tasks are retried by other workers.
 */
export class StallWatchdog {
  readonly #ticks = new Int32Array(new SharedArrayBuffer(4));
  readonly #timer: NodeJS.Timeout;
  readonly #thread: Worker;

  constructor(stallMs: number, label: string) {
    const tickMs = Math.max(10, Math.min(1_000, Math.floor(stallMs / 4)));
    this.#timer = setInterval(() => Atomics.add(this.#ticks, 0, 1), tickMs);
    this.#timer.unref();
    this.#thread = new Worker(WATCHER, {
      eval: true,
      workerData: { ticks: this.#ticks, stallMs, tickMs, label },
    });
    this.#thread.unref();
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#thread.terminate();
  }
}

// The watching thread: plain JavaScript, run with eval (no module to resolve).
const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { ticks, stallMs, tickMs, label } = workerData;
let seen = Atomics.load(ticks, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(ticks, 0);
  if (now !== seen) { seen = now; since = Date.now(); return; }
  if (Date.now() - since < stallMs) return;
  writeSync(2, label + ': the event loop was blocked for over ' + stallMs + ' ms (a node call that does not return to it); killing this process so its tasks are retried elsewhere\\n');
  process.kill(process.pid, 'SIGKILL');
}, tickMs);
`;
