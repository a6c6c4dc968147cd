import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { envLimit } from '../../core/queue/limits.ts';
import type { LogChunk, LogStream } from '../../core/queue/task-logs.ts';

/**
 * What node calls print, taken per call: while a call runs, the writes it makes to
 * `process.stdout` and `process.stderr` (`console.log`, `console.error` and direct writes,
 * from its own code and whatever it awaits or schedules) go to that call's
 * {@link CallOutput} instead of the process's streams; a worker's own messages, made
 * outside any call, pass through untouched. So nothing a node prints can corrupt what a
 * worker says on stdout (`noob worker` announces itself there to `noob serve`).
 *
 * Telling calls apart costs. What a node's own code writes while it runs (synchronously)
 * is found in a slot set around that code ({@link captureCall}'s `enter`): free. Writes
 * after an `await` need the call's async context (AsyncLocalStorage), which on Node 22
 * hooks every promise in the process while any call uses it (16–29% of a no-op worker's
 * throughput). So a worker watches a node type's calls that way only until one of them has
 * run without writing after an await; a type that did is watched for good. A write that
 * no call claims while calls run (a type seen quiet printing later) passes through, and
 * every type is watched again.
 */

/** How much of one call's output is kept by default (bytes): NOOB_MAX_LOG_BYTES, else 64 KiB. */
export function defaultMaxLogBytes(): number {
  return envLimit('NOOB_MAX_LOG_BYTES', 64 * 1024);
}

/** Most entries one call keeps; later writes join the last one (still within the bytes). */
export const MAX_LOG_ENTRIES = 1_000;

/** Where a call's kept output is also shown, a line at a time, labelled. */
export type LogEcho = (stream: LogStream, line: string) => void;

/**
 * One call's output, bounded: the first `maxBytes` bytes (UTF-8) are kept as entries, one
 * per write; the rest is counted, and {@link close} ends the entries with one saying how
 * much was dropped. What is kept is also echoed, labelled (see {@link terminalEcho}).
 */
export class CallOutput {
  readonly #chunks: LogChunk[] = [];
  readonly #maxBytes: number;
  readonly #label: string;
  readonly #echo: LogEcho | undefined;
  #bytes = 0;
  #dropped = 0;
  #droppedOn: LogStream = 'stdout';
  #closed = false;
  /** Writes found by async context rather than during the node's own code (see captureCall). */
  asyncWrites = 0;

  /** `label` prefixes each echoed line (`[job 01H… node add #3]`). */
  constructor(options: { maxBytes: number; label: string; echo?: LogEcho | undefined }) {
    this.#maxBytes = options.maxBytes;
    this.#label = options.label;
    this.#echo = options.echo;
  }

  /** Whether the call ended: later writes (a timer it left behind) are echoed, not kept. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Take one write. */
  write(stream: LogStream, text: string): void {
    if (text.length === 0) return;
    if (this.#closed) {
      this.#show(stream, text, ' (after its call ended)');
      return;
    }
    const room = this.#maxBytes - this.#bytes;
    const size = Buffer.byteLength(text);
    const kept = size <= room ? text : fitting(text, room);
    if (kept.length < text.length) {
      this.#dropped += size - Buffer.byteLength(kept);
      this.#droppedOn = stream;
    }
    if (kept.length === 0) return;
    this.#bytes += Buffer.byteLength(kept);
    const last = this.#chunks.at(-1);
    if (this.#chunks.length >= MAX_LOG_ENTRIES && last?.stream === stream) last.text += kept;
    else if (this.#chunks.length >= MAX_LOG_ENTRIES) this.#dropped += Buffer.byteLength(kept);
    else this.#chunks.push({ stream, text: kept, at: Date.now() });
    this.#show(stream, kept, '');
  }

  /** The call ended: its entries, the last saying how much was dropped, if any was. */
  close(): LogChunk[] {
    if (!this.#closed && this.#dropped > 0) {
      const text = `[noob: ${this.#dropped} more bytes of output dropped: a call keeps ${this.#maxBytes} (NOOB_MAX_LOG_BYTES)]\n`;
      this.#chunks.push({ stream: this.#droppedOn, text, at: Date.now() });
      this.#show(this.#droppedOn, text, '');
    }
    this.#closed = true;
    return this.#chunks;
  }

  #show(stream: LogStream, text: string, note: string): void {
    if (!this.#echo) return;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) this.#echo(stream, `${this.#label}${note} ${line}`);
  }
}

/** The longest start of `text` within `bytes` bytes of UTF-8 (never half a character). */
export function fitting(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  let end = Math.min(text.length, bytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > bytes) end--;
  // Do not split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

const current = new AsyncLocalStorage<CallOutput>();

/** The call whose own code is running right now (set around it, synchronously). */
let slot: CallOutput | undefined;
/** Calls running in this process, and how many of them are in {@link current}'s context. */
let running = 0;
let watched = 0;
/** Node types whose calls printed nothing after an await: run without async context. */
const quietTypes = new Set<string>();
/** Node types whose calls did: always in async context. */
const printingTypes = new Set<string>();

/** Runs a node's own code as its call's: what it writes meanwhile is the call's. */
export type EnterCall = <R>(code: () => R) => R;

/**
 * Run a worker's node call of type `type` with its output going to `output`: `call` runs
 * each piece of the node's own code through `enter` (so its synchronous writes are found
 * at no cost), and runs in async context too unless `type` is known not to write after an
 * await (see the module's comment).
 */
export function captureCall<T>(
  output: CallOutput,
  type: string,
  call: (enter: EnterCall) => Promise<T>,
): Promise<T> {
  installCapture();
  const enter: EnterCall = (code) => {
    const previous = slot;
    slot = output;
    try {
      return code();
    } finally {
      slot = previous;
    }
  };
  running++;
  if (quietTypes.has(type)) return call(enter).finally(() => running--);
  watched++;
  return current
    .run(output, () => call(enter))
    .finally(() => {
      running--;
      watched--;
      if (output.asyncWrites > 0) {
        printingTypes.add(type);
        quietTypes.delete(type);
      } else if (!printingTypes.has(type)) quietTypes.add(type);
      // Nothing watched: let promises go unhooked until a call needs it again.
      if (watched === 0) current.disable();
    });
}

/**
 * The call a write belongs to: the one whose code runs, else the one whose async context
 * this is. A write no call claims while calls run was made by a call not watched (its type
 * printed after an await for the first time): every type is watched again from now.
 */
function writer(): CallOutput | undefined {
  if (slot) return slot;
  const output = current.getStore();
  if (output) {
    output.asyncWrites++;
    return output;
  }
  if (running > watched) quietTypes.clear();
  return undefined;
}

/** The process's own writers, from before capture was installed. */
const original: Partial<Record<LogStream, NodeJS.WriteStream['write']>> = {};

/**
 * Run `call` with its output going to `output` (installs the capture on first use). The
 * call's async context carries it, so output the call makes after it returned (a timer)
 * still reaches it, and is echoed then.
 */
export function captureOutput<T>(output: CallOutput, call: () => Promise<T>): Promise<T> {
  installCapture();
  watched++;
  running++;
  return current.run(output, call).finally(() => {
    watched--;
    running--;
  });
}

/** Write to the process's real stream, past any capture (what labelled echoes use). */
export function writeThrough(stream: LogStream, text: string): void {
  const target = process[stream];
  (original[stream] ?? target.write).call(target, text);
}

/**
 * An echo writing each line to the process's real stderr: under `noob serve`, whose
 * terminal its workers' stderr is, every line says which job, node and epoch printed it.
 * (Stderr even for stdout: a worker's stdout is its supervisor's to read.)
 */
export const terminalEcho: LogEcho = (_stream, line) => writeThrough('stderr', `${line}\n`);

/** Console methods and the stream each writes to. */
const CONSOLE_STREAMS = {
  log: 'stdout',
  info: 'stdout',
  debug: 'stdout',
  warn: 'stderr',
  error: 'stderr',
} as const;

let consolePatched = false;

/**
 * Patch `process.stdout.write` and `process.stderr.write` once, to route calls' writes;
 * and the console's methods, for a console that does not write through them (a test
 * runner's, another library's): within a call they format as console.log does and write
 * to the call's output.
 */
function installCapture(): void {
  if (!consolePatched) {
    consolePatched = true;
    for (const [name, stream] of Object.entries(CONSOLE_STREAMS) as [
      keyof typeof CONSOLE_STREAMS,
      LogStream,
    ][]) {
      const method = console[name];
      console[name] = (...args: unknown[]) => {
        const output = writer();
        if (output) output.write(stream, `${format(...args)}\n`);
        else method.apply(console, args);
      };
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (original[stream]) continue;
    const target = process[stream];
    const write = target.write;
    original[stream] = write;
    target.write = function captured(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
      const output = writer();
      if (!output) return (write as (...args: unknown[]) => boolean).call(target, chunk, ...rest);
      output.write(
        stream,
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
      );
      // Taken at once: tell the writer so, as a stream would once written.
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    } as NodeJS.WriteStream['write'];
  }
}
