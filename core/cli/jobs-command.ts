import type { JobStatus } from '../../functions/api/client.ts';
import { type Connection, connect } from './api-connection.ts';
import { explainApiError } from './api-errors.ts';
import { type ClientValues, parseClientArguments, wholeNumber } from './client-arguments.ts';
import type { CommandIO } from './commands.ts';
import { inputPairs } from './input-pairs.ts';
import { formatJob, formatJobTable } from './job-format.ts';
import { jobLogs } from './job-logs.ts';
import { jobRequest } from './job-request.ts';
import { watchJob } from './job-watch.ts';
import { toJson } from './output.ts';
import { UsageError } from './usage.ts';

/** Each `noob jobs` action's usage (also in the top-level help). */
const USAGES = {
  submit:
    'noob jobs submit TUBE [-n N] [--input key=value …] [--priority P] [--tags a,b] [--attempts N] [--runner queued|p2p [--verification trusted|quorum|quorum:K/Q] [--settlement NAME:REWARD]] [--watch]',
  list: 'noob jobs list [--state STATE] [--limit N] [--after CURSOR]',
  get: 'noob jobs get ID',
  cancel: 'noob jobs cancel ID',
  watch: 'noob jobs watch ID',
  logs: 'noob jobs logs ID [--follow]',
} as const;

type Action = keyof typeof USAGES;

type JobState = JobStatus['state'];

/** What `--state` takes: the states the API shows. */
const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * `noob jobs ACTION …`: the job API from the command line, against `--url`/`NOOB_URL` (the
 * local `noob serve` by default) with `--key`/`NOOB_KEY`. Text for people by default,
 * the API's JSON with `--json`. A server that cannot be reached, a refused key or an
 * unknown job is one line on stderr and exit 1.
 */
export async function jobsCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || !Object.hasOwn(USAGES, action)) {
    const what =
      action === undefined || action.startsWith('-')
        ? 'noob jobs needs an action first'
        : `unknown jobs action "${action}"`;
    throw new UsageError(`${what}: ${Object.keys(USAGES).join(', ')}`);
  }
  const run = ACTIONS[action as Action];
  const { values, positionals } = parseClientArguments(
    rest,
    run.options,
    run.positionals,
    USAGES[action as Action],
  );
  const connection = connect(values);
  try {
    return await run.run(connection, values, positionals, io);
  } catch (error) {
    throw explainApiError(error, connection.url);
  }
}

interface ActionSpec {
  options: Parameters<typeof parseClientArguments>[1];
  positionals: readonly string[];
  run(
    connection: Connection,
    values: ClientValues,
    positionals: string[],
    io: CommandIO,
  ): Promise<number>;
}

const ACTIONS: Record<Action, ActionSpec> = {
  submit: {
    options: {
      epochs: { type: 'string', short: 'n' },
      input: { type: 'string', short: 'i', multiple: true },
      priority: { type: 'string' },
      tags: { type: 'string' },
      attempts: { type: 'string' },
      runner: { type: 'string' },
      verification: { type: 'string' },
      settlement: { type: 'string' },
      watch: { type: 'boolean', default: false },
    },
    positionals: ['TUBE'],
    async run({ client }, values, [tube], io) {
      const runner = values.runner as string | undefined;
      if (runner !== undefined && runner !== 'queued' && runner !== 'p2p')
        throw new UsageError(`--runner takes queued or p2p for noob jobs submit, got "${runner}"`);
      const verification = values.verification as string | undefined;
      if (verification !== undefined && runner !== 'p2p')
        throw new UsageError('--verification is for --runner p2p');
      const settlement = values.settlement as string | undefined;
      if (settlement !== undefined && runner !== 'p2p')
        throw new UsageError(
          "--settlement is for --runner p2p (only peers sign their answers; the server's workers are not paid on chain)",
        );
      const request = jobRequest({
        tube: tube!,
        inputText: inputPairs(values.input as string[] | undefined),
        epochs: wholeNumber(values.epochs as string | undefined, '--epochs'),
        priority: (values.priority as string | undefined)?.toUpperCase(),
        tags: String(values.tags ?? '')
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        attempts: wholeNumber(values.attempts as string | undefined, '--attempts'),
        ...(runner ? { runner: runner as 'queued' | 'p2p' } : {}),
        // Read only when given: the reader's module loads the p2p runner.
        ...(verification
          ? {
              verification: (await import('./p2p-runner-choice.ts')).parseVerification(
                verification,
              ),
            }
          : {}),
        ...(settlement !== undefined
          ? {
              settlement: (await import('./settlement-choice.ts')).parseSettlementChoice(
                settlement,
              ),
            }
          : {}),
      });
      const { id } = await client.submitJob(request);
      if (values.watch) {
        if (!values.json) io.stderr.write(`submitted job ${id}\n`);
        return watchWithCtrlC(client, id, io, Boolean(values.json));
      }
      io.stdout.write(values.json ? `${toJson({ id })}\n` : `${id}\n`);
      if (!values.json) io.stderr.write(`submitted; follow it with: noob jobs watch ${id}\n`);
      return 0;
    },
  },
  list: {
    options: {
      state: { type: 'string' },
      limit: { type: 'string' },
      after: { type: 'string' },
    },
    positionals: [],
    async run({ client }, values, _, io) {
      const state = values.state as JobState | undefined;
      if (state !== undefined && !JOB_STATES.includes(state))
        throw new UsageError(`--state takes ${JOB_STATES.join(', ')}; got "${state}"`);
      const page = await client.listJobs({
        ...(state === undefined ? {} : { state }),
        ...(values.limit === undefined
          ? {}
          : { limit: wholeNumber(values.limit as string, '--limit')! }),
        ...(values.after === undefined ? {} : { after: values.after as string }),
      });
      if (values.json) {
        io.stdout.write(`${toJson(page)}\n`);
        return 0;
      }
      if (page.jobs.length === 0) io.stderr.write('no jobs\n');
      else io.stdout.write(formatJobTable(page.jobs));
      if (page.next !== null) io.stderr.write(`more: noob jobs list --after ${page.next}\n`);
      return 0;
    },
  },
  get: {
    options: {},
    positionals: ['ID'],
    async run({ client }, values, [id], io) {
      const job = await client.getJob(id!);
      io.stdout.write(values.json ? `${toJson(job)}\n` : formatJob(job));
      return 0;
    },
  },
  cancel: {
    options: {},
    positionals: ['ID'],
    async run({ client }, values, [id], io) {
      const job = await client.cancelJob(id!);
      io.stdout.write(values.json ? `${toJson(job)}\n` : `job ${job.id} ${job.state}\n`);
      return 0;
    },
  },
  watch: {
    options: {},
    positionals: ['ID'],
    run: ({ client }, values, [id], io) => watchWithCtrlC(client, id!, io, Boolean(values.json)),
  },
  logs: {
    options: { follow: { type: 'boolean', short: 'f', default: false } },
    positionals: ['ID'],
    run: ({ client }, values, [id], io) =>
      untilCtrlC((signal) =>
        jobLogs(client, id!, io, {
          follow: Boolean(values.follow),
          json: Boolean(values.json),
          signal,
        }),
      ),
  },
};

/** {@link watchJob} that Ctrl-C stops (the job goes on). */
function watchWithCtrlC(
  client: Connection['client'],
  id: string,
  io: CommandIO,
  json: boolean,
): Promise<number> {
  return untilCtrlC((signal) => watchJob(client, id, io, { json, signal }));
}

/** Run `work` with a signal that Ctrl-C (SIGINT) aborts, instead of killing the process. */
async function untilCtrlC(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
