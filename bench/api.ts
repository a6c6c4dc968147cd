/**
 * `npm run bench -- api [--duration S] [--warmup S] [--connections N] [--rounds N]`: job
 * submissions per second through the real job API (`startApiServer`, `POST /v1/jobs` with
 * an API key, tube `testing-basic` by noob_id, `epochs: 1`) over an embedded libSQL queue
 * on a fresh temporary file, against a bare Hono route on `@hono/node-server` with the
 * same shape and no database, measured in the same run under the same bounded autocannon
 * load (fixed connections, pipelining 1, fixed duration after a warm-up). A 202 means the
 * job is committed to disk; no coordinator or workers run. autocannon runs in a child
 * process so the servers keep a core of their own; the two targets are measured in turns
 * and the best round of each is kept, so a burst of other work on the machine hits both
 * alike. Then each step of one submission is timed alone, to show where the time goes.
 * Prints a table, then the JSON line; `value` is noob's 2xx responses per second.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchServer, startBareHono } from './api/baseline.ts';
import { timeSubmissionSteps } from './api/breakdown.ts';
import { type LoadOptions, type LoadSummary, measureLoad } from './api/load.ts';
import { type NoobApi, startNoobApi } from './api/noob.ts';
import { printResult } from './report.ts';

/** Above this share of failed requests (non-2xx, errors, timeouts) the run fails. */
const MAX_FAILED_SHARE = 0.001;
const BREAKDOWN_CALLS = 100;
const BODY = JSON.stringify({ tube: 'testing-basic', epochs: 1 });
const USAGE =
  'Usage: npm run bench -- api [--duration S (4)] [--warmup S (1)] [--connections N (16)] [--rounds N (2)]';

const { rounds, ...load } = readSettings(process.argv.slice(2));
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

let bare: BenchServer | undefined;
let noob: NoobApi | undefined;
try {
  bare = await startBareHono();
  noob = await startNoobApi();
  const headers = { authorization: `Bearer ${noob.key}`, 'content-type': 'application/json' };
  await expectAccepted(bare.url, headers);
  await expectAccepted(noob.url, headers);

  const target = (url: string): LoadOptions => ({
    url: `${url}/v1/jobs`,
    headers,
    body: BODY,
    ...load,
  });
  const bareRuns: LoadSummary[] = [];
  const noobRuns: LoadSummary[] = [];
  for (let round = 0; round < rounds; round++) {
    bareRuns.push(await measureLoad(target(bare.url), stop.signal));
    noobRuns.push(await measureLoad(target(noob.url), stop.signal));
  }
  const baseline = best(bareRuns);
  const measured = best(noobRuns);
  const steps = await timeSubmissionSteps(noob, BREAKDOWN_CALLS);

  const row = (name: string, s: LoadSummary) =>
    columns(name, rate(s).toFixed(0), s.latencyMs.p50, s.latencyMs.p99, failed(s));
  process.stdout.write(
    [
      columns('target (best round)', '2xx/s', 'p50 ms', 'p99 ms', 'failed'),
      row('bare Hono (no database)', baseline),
      row(`noob POST /v1/jobs (${noob.queue.driver.kind})`, measured),
      `${load.connections} connections, ${rounds} rounds of ${load.durationSeconds} s after ${load.warmupSeconds} s warm-up, per target`,
      `one submission, steps alone (µs): auth ${steps.authMicroseconds}, tube check ${steps.cachedTubeCheckMicroseconds} (uncached ${steps.tubeCheckMicroseconds}), commit ${steps.commitMicroseconds} (disk fsync ${steps.fsyncMicroseconds})`,
      '',
    ].join('\n'),
  );
  const failures = [
    ...bareRuns.filter(tooManyFailed).map((s) => `bare Hono: ${describeFailures(s)}`),
    ...noobRuns.filter(tooManyFailed).map((s) => `noob: ${describeFailures(s)}`),
  ];
  if (failures.length > 0) {
    process.stderr.write(
      `api bench: no 2xx, or more than ${MAX_FAILED_SHARE * 100}% of requests failed (${failures.join('; ')})\n`,
    );
    process.exitCode = 1;
  }
  printResult({
    bench: 'api',
    metric: 'job submissions/s (POST /v1/jobs answered 2xx)',
    value: Number(rate(measured).toFixed(1)),
    baseline: Number(rate(baseline).toFixed(1)),
    baselineName: 'bare Hono route on @hono/node-server (no database)',
    ratio: Number((rate(measured) / rate(baseline)).toFixed(4)),
    details: {
      database: noob.queue.driver.kind,
      connections: load.connections,
      pipelining: 1,
      durationSeconds: load.durationSeconds,
      warmupSeconds: load.warmupSeconds,
      rounds,
      timing: 'best round of each target, targets measured in turns',
      noob: figures(measured, noobRuns),
      bareHono: figures(baseline, bareRuns),
      submissionStepsMicroseconds: steps,
      loadGenerator: 'autocannon 9 in a child process',
      latencyResolutionMs: 1,
      cores: availableParallelism(),
    },
  });
} finally {
  await noob?.close();
  await bare?.close();
}

type Settings = Pick<LoadOptions, 'connections' | 'warmupSeconds' | 'durationSeconds'> & {
  rounds: number;
};

/** Settings from the command line (`--` separators that npm passes along are ignored). */
function readSettings(argv: string[]): Settings {
  const fail = (problem: string): never => {
    process.stderr.write(`api bench: ${problem}\n${USAGE}\n`);
    process.exit(2);
  };
  let values: Record<string, string | undefined> = {};
  try {
    values = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        duration: { type: 'string', default: '4' },
        warmup: { type: 'string', default: '1' },
        connections: { type: 'string', default: '16' },
        rounds: { type: 'string', default: '2' },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  const whole = (name: string, min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) {
      fail(`--${name} takes a whole number ≥ ${min}, got "${values[name]}"`);
    }
    return n;
  };
  return {
    durationSeconds: whole('duration', 1),
    warmupSeconds: whole('warmup', 0),
    connections: whole('connections', 1),
    rounds: whole('rounds', 1),
  };
}

/** One request first: a target that does not accept the job fails before any load. */
async function expectAccepted(url: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(`${url}/v1/jobs`, { method: 'POST', headers, body: BODY });
  if (response.status !== 202) {
    throw new Error(`POST ${url}/v1/jobs answered ${response.status}: ${await response.text()}`);
  }
}

/** 2xx responses per second. */
function rate(s: LoadSummary): number {
  return s.ok / s.seconds;
}

function best(runs: LoadSummary[]): LoadSummary {
  return runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
}

function failed(s: LoadSummary): number {
  return s.non2xx + s.errors + s.timeouts;
}

/** No 2xx at all, or more than {@link MAX_FAILED_SHARE} of requests failed. */
function tooManyFailed(s: LoadSummary): boolean {
  return s.ok === 0 || failed(s) > MAX_FAILED_SHARE * (s.ok + failed(s));
}

function describeFailures(s: LoadSummary): string {
  return `${failed(s)} of ${s.ok + failed(s)}: status ${JSON.stringify(s.statusCodes)}, ${s.errors} errors, ${s.timeouts} timeouts`;
}

/** A table row: a name, then right-aligned figures. */
function columns(name: string, ...figures: (string | number)[]): string {
  return name.padEnd(34) + figures.map((f, i) => String(f).padStart(i === 0 ? 8 : 9)).join('');
}

/** The best round's figures, the rate of every round, and failures over all rounds. */
function figures(s: LoadSummary, runs: LoadSummary[]) {
  return {
    perSecond: Number(rate(s).toFixed(1)),
    perSecondByRound: runs.map((r) => Number(rate(r).toFixed(1))),
    ok: s.ok,
    statusCodes: s.statusCodes,
    latencyMs: s.latencyMs,
    seconds: s.seconds,
    failedAllRounds: {
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
    },
  };
}
