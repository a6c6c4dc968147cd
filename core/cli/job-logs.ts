import type { LogEntry, NoobClient } from '../../functions/api/client.ts';
import type { CommandIO } from './commands.ts';
import { INTERRUPTED_EXIT_CODE } from './commands.ts';
import { toJson } from './output.ts';

/** Entries asked for per page: the most the API gives at once. */
const PAGE = 1000;

/**
 * An entry as text: every line of what the node call printed, labelled with its node and
 * epoch as `noob serve`'s terminal labels them (`[node b #3] hello`), so that lines of calls
 * running at once can be told apart. A
 * write that did not end its line is ended here.
 */
export function formatLogEntry(entry: Pick<LogEntry, 'node' | 'epoch' | 'text'>): string {
  const label = `[node ${entry.node} #${entry.epoch}] `;
  const text = entry.text.endsWith('\n') ? entry.text.slice(0, -1) : entry.text;
  return `${text
    .split('\n')
    .map((line) => `${label}${line}`)
    .join('\n')}\n`;
}

/**
 * Print one entry: as text on the stream the node wrote to (stdout or stderr, as
 * `docker logs` does), or with `json` as one JSON line on stdout.
 */
export function printLogEntry(entry: LogEntry, io: CommandIO, json: boolean): void {
  if (json) io.stdout.write(`${toJson(entry)}\n`);
  else (entry.stream === 'stderr' ? io.stderr : io.stdout).write(formatLogEntry(entry));
}

/**
 * `noob jobs logs ID`: what the job's node calls printed so far, oldest first, read a
 * page at a time. With `follow`, then what they print while the job runs (the job's event
 * stream with its logs), until it is final; Ctrl-C stops following (exit 130).
 */
export async function jobLogs(
  client: NoobClient,
  id: string,
  io: CommandIO,
  options: { follow: boolean; json: boolean; signal?: AbortSignal },
): Promise<number> {
  const signal = options.signal ? { signal: options.signal } : {};
  if (!options.follow) {
    let after: number | null = null;
    // Bounded: each page moves `after` on, and a page short of PAGE is the last so far.
    for (;;) {
      const page = await client.logs(id, {
        ...(after === null ? {} : { after }),
        limit: PAGE,
        ...signal,
      });
      for (const entry of page.logs) printLogEntry(entry, io, options.json);
      if (page.next === null || page.logs.length === 0) return 0;
      after = page.next;
    }
  }
  try {
    // The stream sends the entries printed so far, then the new ones, then `done`.
    for await (const message of client.events(id, { logs: true, ...signal })) {
      if (message.type === 'log') printLogEntry(message.log, io, options.json);
      if (message.type === 'done') return 0;
    }
    return 0;
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    return INTERRUPTED_EXIT_CODE;
  }
}
