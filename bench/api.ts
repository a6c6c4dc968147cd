/**
 * `npm run bench -- api [--duration S] [--warmup S] [--connections N] [--rounds N] [--backlog N]`:
 * job submissions per second through the real job API (`startApiServer`, `POST /v1/jobs`
 * with an API key, tube `testing-basic` by noob_id, `epochs: 1`) over an embedded libSQL
 * queue on a fresh temporary file, against the route a user would otherwise build: Hono
 * doing BullMQ's `queue.add` on Redis with `appendfsync always` (a 202 from either means
 * the job is on disk), a bare Hono route with the same shape and no database (the
 * ceiling of the HTTP stack), and a bare Hono route storing the same job through noob's
 * own queue and writer thread with none of the API's checks (the floor under noob's
 * figure: what any route on its durable queue reaches here), all measured in the same run under the same bounded
 * autocannon load (fixed connections, pipelining 1, fixed duration after a warm-up). No
 * coordinator or workers run meanwhile. autocannon runs in a child process so the servers
 * keep a core of their own; the targets are measured in turns and the best round of each
 * is kept, so a burst of other work on the machine hits them alike. Then each step of one
 * submission is timed alone, to show where the time goes, and a backlog of `--backlog`
 * (2,000) jobs is drained by the platform `noob serve` runs (coordinator process and
 * worker processes). Prints a table, then the JSON line; `value` is noob's 2xx responses
 * per second, `baseline` the BullMQ route's (goal: ratio ≥ 2).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchServer, startBareHono } from './api/baseline.ts';
import { timeSubmissionSteps } from './api/breakdown.ts';
import { startBullmqRoute } from './api/bullmq-route.ts';
import { measureDrain } from './api/drain.ts';
import { type LoadOptions, type LoadSummary, measureLoad } from './api/load.ts';
import { type NoobApi, startNoobApi } from './api/noob.ts';
import { startQueueRoute } from './api/queue-route.ts';
import { printResult } from './report.ts';

/** Above this share of failed requests (non-2xx, errors, timeouts) the run fails. */
const MAX_FAILED_SHARE = 0.001;
const BREAKDOWN_CALLS = 100;
const BODY = JSON.stringify({ tube: 'testing-basic', epochs: 1 });
const USAGE =
  'Usage: npm run bench -- api [--duration S (4)] [--warmup S (1)] [--connections N (16)] [--rounds N (2)] [--backlog N (2000)]';

const { rounds, backlog, ...load } = readSettings(process.argv.slice(2));
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

let bare: BenchServer | undefined;
let bullmq: BenchServer | undefined;
let noob: NoobApi | undefined;
let floor: BenchServer | undefined;
try {
  bare = await startBareHono();
  bullmq = await startBullmqRoute();
  noob = await startNoobApi();
  floor = await startQueueRoute(noob);
  const headers = { authorization: `Bearer ${noob.key}`, 'content-type': 'application/json' };
  await expectAccepted(bare.url, headers);
  await expectAccepted(bullmq.url, headers);
  await expectAccepted(noob.url, headers);
  await expectAccepted(floor.url, headers);

  const target = (url: string): LoadOptions => ({
    url: `${url}/v1/jobs`,
    headers,
    body: BODY,
    ...load,
  });
  const bareRuns: LoadSummary[] = [];
  const bullmqRuns: LoadSummary[] = [];
  const noobRuns: LoadSummary[] = [];
  const floorRuns: LoadSummary[] = [];
  for (let round = 0; round < rounds; round++) {
    bareRuns.push(await measureLoad(target(bare.url), stop.signal));
    bullmqRuns.push(
      await measureLoad(target(bullmq.url), stop.signal, bullmq.outsideCpuMicroseconds),
    );
    noobRuns.push(await measureLoad(target(noob.url), stop.signal));
    floorRuns.push(await measureLoad(target(floor.url), stop.signal));
  }
  const ceiling = best(bareRuns);
  const baseline = best(bullmqRuns);
  const measured = best(noobRuns);
  const queueFloor = best(floorRuns);
  const steps = await timeSubmissionSteps(noob, BREAKDOWN_CALLS);
  // The servers above are idle now: the drain has the machine to itself.
  const drain = await measureDrain(backlog, Math.min(2, availableParallelism()));

  const row = (name: string, s: LoadSummary) =>
    columns(
      name,
      rate(s).toFixed(0),
      s.latencyMs.p50,
      s.latencyMs.p99,
      failed(s),
      s.cpuMicrosecondsPerRequest ?? '-',
      s.mainThreadCpuMicrosecondsPerRequest ?? '-',
      s.machineCpuMicrosecondsPerRequest ?? '-',
    );
  process.stdout.write(
    [
      columns(
        'target (best round)',
        '2xx/s',
        'p50 ms',
        'p99 ms',
        'failed',
        'CPU µs/req',
        'loop µs/req',
        'machine µs/req',
      ),
      row('bare Hono (no database)', ceiling),
      row('Hono + BullMQ add (appendfsync)', baseline),
      row(`noob POST /v1/jobs (${noob.queue.driver.kind})`, measured),
      row("bare Hono + noob's queue (no API)", queueFloor),
      `noob vs the BullMQ route: ${(rate(measured) / rate(baseline)).toFixed(2)}× (goal ≥ 2×); noob's queue alone behind a bare route: ${(rate(queueFloor) / rate(baseline)).toFixed(2)}×, the most any route on it reaches here`,
      `${load.connections} connections, ${rounds} rounds of ${load.durationSeconds} s after ${load.warmupSeconds} s warm-up, per target`,
      "CPU µs/req: the servers' process per request (the BullMQ route's Redis not counted); loop µs/req: its main thread's alone, where the HTTP servers run (not noob's submission writer thread); machine µs/req: every process a request costs (the servers', Redis, autocannon); on a busy machine all grow with the contention, but alike for each target",
      goalBudget(baseline, queueFloor, ceiling),
      `one submission, steps alone (µs): auth ${steps.authMicroseconds}, tube check ${steps.cachedTubeCheckMicroseconds} (uncached ${steps.tubeCheckMicroseconds}), commit ${steps.commitMicroseconds} (disk fsync ${steps.fsyncMicroseconds})`,
      `backlog drain: ${drain.jobs} queued jobs worked off at ${drain.jobsPerSecond} jobs/s (coordinator process + ${drain.workers} workers, ${drain.seconds} s)`,
      '',
    ].join('\n'),
  );
  const failures = [
    ...bareRuns.filter(tooManyFailed).map((s) => `bare Hono: ${describeFailures(s)}`),
    ...bullmqRuns.filter(tooManyFailed).map((s) => `BullMQ route: ${describeFailures(s)}`),
    ...noobRuns.filter(tooManyFailed).map((s) => `noob: ${describeFailures(s)}`),
    ...floorRuns.filter(tooManyFailed).map((s) => `noob's queue route: ${describeFailures(s)}`),
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
    baselineName:
      'Hono route doing BullMQ queue.add on Redis with appendfsync always (@hono/node-server)',
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
      bullmqRoute: figures(baseline, bullmqRuns),
      bareHono: figures(ceiling, bareRuns),
      ratioVsBareHono: Number((rate(measured) / rate(ceiling)).toFixed(4)),
      queueRoute: figures(queueFloor, floorRuns),
      queueRouteVsBullmqRoute: Number((rate(queueFloor) / rate(baseline)).toFixed(4)),
      backlogDrain: drain,
      submissionStepsMicroseconds: steps,
      loadGenerator: 'autocannon 9 in a child process',
      latencyResolutionMs: 1,
      cores: availableParallelism(),
    },
  });
} finally {
  await floor?.close();
  await noob?.close();
  await bullmq?.close();
  await bare?.close();
}

type Settings = Pick<LoadOptions, 'connections' | 'warmupSeconds' | 'durationSeconds'> & {
  rounds: number;
  backlog: number;
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
        backlog: { type: 'string', default: '2000' },
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
    backlog: whole('backlog', 1),
  };
}

/** One request first: a target that does not accept the job fails before any load. */
async function expectAccepted(url: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(`${url}/v1/jobs`, { method: 'POST', headers, body: BODY });
  if (response.status !== 202) {
    throw new Error(`POST ${url}/v1/jobs answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * What the goal asks of the machine: at twice the BullMQ route's rate, the CPU time its
 * cores have per submission, against what the bare route and noob's queue alone used per
 * request (every process counted). A floor above the budget means no route on this
 * storage reaches the goal on this machine, however lean its API.
 */
function goalBudget(baseline: LoadSummary, floor: LoadSummary, bare: LoadSummary): string {
  const goal = 2 * rate(baseline);
  const budget = (availableParallelism() * 1e6) / goal;
  return `at the goal (${goal.toFixed(0)}/s) ${availableParallelism()} cores have ${budget.toFixed(0)} µs of CPU per submission for everything; the bare route used ${bare.machineCpuMicrosecondsPerRequest ?? '-'}, noob's queue alone behind it ${floor.machineCpuMicrosecondsPerRequest ?? '-'} (a fair test only when nothing else runs on the machine)`;
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
  return (
    name.padEnd(34) +
    figures
      .map((f, i) => String(f).padStart(i === 0 ? 8 : i >= 4 ? (i === 6 ? 15 : 12) : 9))
      .join('')
  );
}

/** The best round's figures, the rate of every round, and failures over all rounds. */
function figures(s: LoadSummary, runs: LoadSummary[]) {
  return {
    perSecond: Number(rate(s).toFixed(1)),
    perSecondByRound: runs.map((r) => Number(rate(r).toFixed(1))),
    ok: s.ok,
    statusCodes: s.statusCodes,
    latencyMs: s.latencyMs,
    cpuMicrosecondsPerRequest: s.cpuMicrosecondsPerRequest,
    mainThreadCpuMicrosecondsPerRequest: s.mainThreadCpuMicrosecondsPerRequest,
    machineCpuMicrosecondsPerRequest: s.machineCpuMicrosecondsPerRequest,
    seconds: s.seconds,
    failedAllRounds: {
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
    },
  };
}
