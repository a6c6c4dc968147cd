import type { JobStatus, NoobClient } from '../../functions/api/client.ts';
import type { CommandIO } from './commands.ts';
import { INTERRUPTED_EXIT_CODE } from './commands.ts';
import { EpochResults } from './epoch-results.ts';
import { formatProgress } from './job-format.ts';
import { formatLogEntry } from './job-logs.ts';
import { toJson } from './output.ts';
import { ProgressBar } from './progress-bar.ts';

/** The exit code of `noob jobs watch` for a job that was cancelled (failed is 1). */
export const CANCELLED_EXIT_CODE = 3;

/** The exit code a job's final state gives: 0 succeeded, 1 failed, 3 cancelled. */
export function exitCodeOf(state: JobStatus['state']): number {
  if (state === 'succeeded') return 0;
  return state === 'cancelled' ? CANCELLED_EXIT_CODE : 1;
}

/** Options of {@link watchJob}. */
export interface WatchOptions {
  /** One JSON line a stream message (`{"type":"event",…}`, then `{"type":"done",…}`). */
  json: boolean;
  /** Stop watching (Ctrl-C): the job goes on. */
  signal?: AbortSignal;
  /** Between two looks at the job while its stream is quiet (ms, default 2000). */
  lookEveryMs?: number;
}

/**
 * Follow a job to its end over its event stream: its state changes, failed calls, what it
 * waits on when it does not move (no live worker, no worker with its tags, …) and what
 * its node calls print (labelled with node and epoch) on stderr as they happen, a progress
 * bar of its node calls on a terminal, its results on stdout (one JSON value a line) as
 * each root epoch finishes (see {@link EpochResults}), and the exit code of its final state ({@link exitCodeOf}). With `json`,
 * stdout gets every stream message (events, logs, done) as one JSON line instead, and
 * stderr nothing. Ctrl-C stops watching, not the job: exit 130.
 */
export async function watchJob(
  client: NoobClient,
  id: string,
  io: CommandIO,
  options: WatchOptions,
): Promise<number> {
  const say = (text: string) => {
    bar?.clear();
    io.stderr.write(`${text}\n`);
  };
  const bar =
    !options.json && io.stderr.isTTY ? new ProgressBar(io.stderr, { unit: 'calls' }) : undefined;
  const signal = options.signal ? { signal: options.signal } : {};
  // A look at the job: its progress for the bar, and what it waits on when it does not move
  // (no event comes then, so looks are also made on a timer).
  let lastLook = 0;
  let looking = false;
  let waitSaid: string | undefined;
  const look = async () => {
    if (looking) return;
    looking = true;
    lastLook = Date.now();
    try {
      const job = await client.getJob(id, signal);
      const { waiting } = job;
      // Epochs (their total is known from the start) once they count; node calls before
      // (a job's first epochs may take a while to finish while many calls do).
      const { epochs } = job.progress;
      if (epochs?.total && (epochs.done > 0 || job.progress.total === 0))
        bar?.update(epochs.done, epochs.total, 'epochs');
      else bar?.update(job.progress.done + job.progress.failed, job.progress.total, 'calls');
      if (waiting && waiting.detail !== waitSaid) say(`waiting: ${waiting.detail}`);
      waitSaid = waiting?.detail;
    } catch {
      // The stream says what matters when the server is gone; a look is only a look.
    } finally {
      looking = false;
    }
  };
  if (bar) void look();
  const results = new EpochResults(io.stdout);
  const timer = options.json
    ? undefined
    : setInterval(() => void look(), options.lookEveryMs ?? 2_000).unref();
  try {
    const stream = client.events(id, {
      logs: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const message of stream) {
      if (options.json) {
        io.stdout.write(`${toJson(message)}\n`);
        if (message.type === 'done') return exitCodeOf(message.job.state);
        continue;
      }
      if (message.type === 'done') {
        bar?.stop({ clear: true });
        return finish(message.job, io, results);
      }
      if (message.type === 'log') {
        // What node calls print goes to stderr: stdout is for the results.
        say(formatLogEntry(message.log).slice(0, -1));
        continue;
      }
      const { event } = message;
      if (event.type === 'job.epoch') {
        // Results on the same terminal would land after the bar's text: wipe it first.
        if (io.stdout.isTTY) bar?.clear();
        results.take(event.data);
        continue;
      }
      const line = describeEvent(event);
      if (line) say(line);
      const moved = event.type.startsWith('task') || event.type === 'job.progress';
      if (bar && moved && Date.now() - lastLook >= 250) await look();
    }
    // The stream always ends with `done`; without it, read the job once more.
    const job = await client.getJob(id);
    bar?.stop({ clear: true });
    return options.json ? exitCodeOf(job.state) : finish(job, io, results);
  } catch (error) {
    bar?.stop({ clear: true });
    if (!options.signal?.aborted) throw error;
    io.stderr.write(
      `noob: stopped watching; job ${id} goes on (noob jobs cancel ${id} stops it)\n`,
    );
    return INTERRUPTED_EXIT_CODE;
  } finally {
    clearInterval(timer);
  }
}

/** A stream event worth a line on stderr, or undefined (progress goes to the bar). */
export function describeEvent(event: {
  type: string;
  data: Record<string, unknown>;
}): string | undefined {
  const { type, data } = event;
  // The outcome comes with `done`; progress goes to the bar.
  if (type === 'job.outcome' || type === 'job.progress' || type === 'job.epoch') return undefined;
  if (type.startsWith('job.')) return `job ${type.slice(4)}`;
  if (type.startsWith('task.')) {
    const state = type.slice(5);
    const error = data.error as { name?: string; message?: string } | undefined;
    const call =
      data.node === undefined
        ? 'a node call'
        : `node ${data.node}${data.epoch === undefined ? '' : ` (epoch ${data.epoch})`}`;
    if (!error) return `${call} ${state}`;
    const attempt = data.attempt === undefined ? '' : ` on attempt ${data.attempt}`;
    // A failed call queued again is a retry; a dead one failed for good.
    const outcome = state === 'queued' ? ', will retry' : state === 'dead' ? ', for good' : '';
    return `${call} failed${attempt}${outcome}: ${error.name ?? 'Error'}: ${error.message ?? ''}`;
  }
  return undefined;
}

/** Print the final job: results the stream did not give on stdout, its end on stderr; the exit code. */
function finish(job: JobStatus, io: CommandIO, results: EpochResults): number {
  results.finish(job.results ?? []);
  const tasks = formatProgress(job.progress);
  if (job.state === 'failed' && job.error) {
    io.stderr.write(`noob: job ${job.id} failed: ${job.error.code}: ${job.error.message}\n`);
  } else io.stderr.write(`job ${job.id} ${job.state} (${tasks} node calls)\n`);
  return exitCodeOf(job.state);
}
