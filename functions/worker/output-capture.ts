import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { envLimit } from '../../core/queue/limits.ts';
import type { LogChunk, LogStream } from '../../core/queue/task-logs.ts';

/**
 * What node calls print, taken per call: while a call runs, the writes it makes to
 * `process.stdout` and `process.stderr` (`console.log`, `console.error` and direct writes,
 * from its own code and whatever it awaits or schedules) go to that call's
 * {@link CallOutput} instead of the process's streams. Calls running at once in one
 * process are told apart by their async context (AsyncLocalStorage), so each keeps its own
 * output; a worker's own messages, made outside any call, pass through untouched. So
 * nothing a node prints can corrupt what a worker says on stdout (`noob worker` announces
 * itself there to `noob serve`).
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
function fitting(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  let end = Math.min(text.length, bytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > bytes) end--;
  // Do not split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

const current = new AsyncLocalStorage<CallOutput>();

/** The process's own writers, from before capture was installed. */
const original: Partial<Record<LogStream, NodeJS.WriteStream['write']>> = {};

/**
 * Run `call` with its output going to `output` (installs the capture on first use). The
 * call's async context carries it, so output the call makes after it returned (a timer)
 * still reaches it, and is echoed then.
 */
export function captureOutput<T>(output: CallOutput, call: () => Promise<T>): Promise<T> {
  installCapture();
  return current.run(output, call);
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
        const output = current.getStore();
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
      const output = current.getStore();
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
