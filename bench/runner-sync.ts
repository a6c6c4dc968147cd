/**
 * `npm run bench -- runner-sync [--seconds=1] [--repeats=3]`: node calls per second of
 * noob's SyncRunner against upstream Python noob's SynchronousRunner (PyPI, pinned in
 * `bench/python/setup.ts`), both measured in this run on the same tubes: upstream's 3-node
 * `basic` and the 50-node `bench/tubes/wide-deep-50.yaml`.
 *
 * Both sides measure alike (the Python half is `bench/python/runner_sync.py`): one
 * `process()` call per epoch, awaited one at a time, no batching; a probe sets how many
 * epochs fill `--seconds`; the figure is the median of `--repeats` such runs. A run that
 * would outlast a bounded source (basic's `count_source` stops at 10000) uses several
 * fresh runners in a row, each loaded, initialised and warmed up outside the timed region.
 * Node calls per epoch are counted from the tube file: in these tubes every node, `return`
 * included, runs every epoch, which the Python half confirms from its runner's events.
 *
 * The limit, in the same run: the same node functions called in a plain loop with no
 * engine (`bench/limit/hand-loop.ts`), for as many epochs as noob's measured run; the
 * engine's share is the part of noob's time per call that the loop does not spend.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { parse } from 'yaml';
import { SyncRunner } from '../core/runners/sync.ts';
import { loadTube } from '../core/tube/load.ts';
import { handLoop } from './limit/hand-loop.ts';
import { ensureUpstreamPython } from './python/setup.ts';
import { printResult } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
  },
});
/** Each measured run lasts about this long on each side. */
const TARGET_SECONDS = Number(flags.seconds);
const REPEATS = Number(flags.repeats);
/** Untimed epochs every fresh runner gives before its timed ones. */
const WARMUP = 100;
/** Epochs whose results both engines report, compared before anything is timed. */
const CHECK_EPOCHS = 5;
/** A probe at least this long sets the epochs of a measured run. */
const CALIBRATION_SECONDS = 0.1;

interface TubeCase {
  name: string;
  path: string;
  /** Node calls per epoch: the tube file's node count (every node runs every epoch). */
  nodeCallsPerEpoch: number;
  /** Epochs one runner can give before a bounded `count_source` runs dry (null: never). */
  epochsPerRunner: number | null;
}

/** One side's figures for one tube. */
interface Measurement {
  tube: string;
  epochs: number;
  seconds: number;
  nodeCallsPerEpoch: number;
  callsPerSecond: number;
  runs: number[];
  runnersPerRun: number;
  firstResults: unknown[];
}

interface UpstreamMeasurement extends Measurement {
  observedCallsPerEpoch: number;
}

function tubeCase(name: string, path: string): TubeCase {
  const nodes = (parse(readFileSync(path, 'utf8')) as { nodes: Record<string, any> }).nodes;
  let epochsPerRunner: number | null = null;
  for (const node of Object.values(nodes)) {
    if (node.type !== 'noob.testing.count_source') continue;
    // count_source(limit=10000, start=0) yields start … limit - 1; limit 0 never stops.
    const limit = node.params?.limit ?? 10000;
    const available = limit - (node.params?.start ?? 0);
    if (limit !== 0) epochsPerRunner = Math.min(epochsPerRunner ?? available, available);
  }
  return { name, path, nodeCallsPerEpoch: Object.keys(nodes).length, epochsPerRunner };
}

const upstreamBasic = resolve(root, '../shared/conformance/upstream/basic/basic.yaml');
const tubes = [
  tubeCase('basic', existsSync(upstreamBasic) ? upstreamBasic : join(here, 'tubes/basic.yaml')),
  tubeCase('wide-deep-50', join(here, 'tubes/wide-deep-50.yaml')),
];

/** The Python half's whole budget: about twice what its runs and probes should take. */
const UPSTREAM_TIMEOUT_MS = (30 + 4 * TARGET_SECONDS * (REPEATS + 1) * tubes.length) * 1000;

function measureUpstream(): { about: Record<string, string>; results: UpstreamMeasurement[] } {
  const { python } = ensureUpstreamPython();
  const config = {
    tubes: tubes.map(({ name, path, epochsPerRunner }) => ({ name, path, epochsPerRunner })),
    targetSeconds: TARGET_SECONDS,
    repeats: REPEATS,
    warmup: WARMUP,
    checkEpochs: CHECK_EPOCHS,
  };
  process.stderr.write('[runner-sync] measuring upstream noob (Python)…\n');
  const child = spawnSync(python, [join(here, 'python/runner_sync.py'), JSON.stringify(config)], {
    cwd: join(here, 'python'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: UPSTREAM_TIMEOUT_MS,
  });
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit code ${child.status}`;
    throw new Error(`the upstream harness failed (${why}); its stderr is above`);
  }
  const lines = child.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { about: lines[0].upstream, results: lines.slice(1) };
}

async function newRunner(path: string): Promise<SyncRunner> {
  const runner = new SyncRunner(await loadTube(path));
  await runner.init();
  for (let i = 0; i < WARMUP; i++) await runner.process();
  return runner;
}

/** Seconds spent inside `process()` for `epochs` epochs, one awaited call per epoch. */
async function timedEpochs(tube: TubeCase, epochs: number): Promise<number> {
  const perRunner = tube.epochsPerRunner === null ? epochs : tube.epochsPerRunner - WARMUP;
  let seconds = 0;
  for (let left = epochs; left > 0; ) {
    const runner = await newRunner(tube.path);
    const n = Math.min(left, perRunner);
    let out: unknown;
    const start = performance.now();
    for (let i = 0; i < n; i++) out = await runner.process();
    seconds += (performance.now() - start) / 1000;
    await runner.deinit();
    if (out === undefined || out === null) {
      throw new Error(`${tube.path}: the tube returned nothing; a source ran dry mid-run`);
    }
    left -= n;
  }
  return seconds;
}

async function measureNoob(tube: TubeCase): Promise<Measurement> {
  const loaded = await loadTube(tube.path);
  if (loaded.nodes.length !== tube.nodeCallsPerEpoch) {
    throw new Error(
      `${tube.path}: noob loaded ${loaded.nodes.length} nodes, the file has ${tube.nodeCallsPerEpoch}`,
    );
  }
  const checker = new SyncRunner(loaded);
  await checker.init();
  const firstResults: unknown[] = [];
  for (let i = 0; i < CHECK_EPOCHS; i++) firstResults.push(await checker.process());
  await checker.deinit();

  let epochs = 16;
  let probe = await timedEpochs(tube, epochs);
  while (probe < CALIBRATION_SECONDS) {
    epochs *= 2;
    probe = await timedEpochs(tube, epochs);
  }
  epochs = Math.ceil((epochs / probe) * TARGET_SECONDS);
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await timedEpochs(tube, epochs));
  const seconds = median(runs);
  const perRunner = tube.epochsPerRunner === null ? epochs : tube.epochsPerRunner - WARMUP;
  return {
    tube: tube.name,
    epochs,
    seconds,
    nodeCallsPerEpoch: tube.nodeCallsPerEpoch,
    callsPerSecond: (epochs * tube.nodeCallsPerEpoch) / seconds,
    runs,
    runnersPerRun: Math.ceil(epochs / perRunner),
    firstResults,
  };
}

/** Seconds the hand-written loop takes for `epochs` epochs (fresh loops where a source is bounded). */
async function timedLoop(tube: TubeCase, epochs: number): Promise<number> {
  const perLoop = tube.epochsPerRunner === null ? epochs : tube.epochsPerRunner - WARMUP;
  const loaded = await loadTube(tube.path);
  let seconds = 0;
  for (let left = epochs; left > 0; ) {
    const epoch = handLoop(loaded);
    for (let i = 0; i < WARMUP; i++) epoch();
    const n = Math.min(left, perLoop);
    let out: unknown;
    const start = performance.now();
    for (let i = 0; i < n; i++) out = epoch();
    seconds += (performance.now() - start) / 1000;
    if (out === undefined || out === null)
      throw new Error(`${tube.path}: the loop returned nothing`);
    left -= n;
  }
  return seconds;
}

/** The hand-written loop's figures, for noob's measured number of epochs. */
async function measureLimit(tube: TubeCase, noob: Measurement): Promise<Measurement> {
  const check = handLoop(await loadTube(tube.path));
  const firstResults = Array.from({ length: CHECK_EPOCHS }, () => check());
  if (!isDeepStrictEqual(firstResults, noob.firstResults)) {
    throw new Error(
      `${tube.path}: the hand-written loop and noob disagree: ${JSON.stringify(firstResults)} vs ${JSON.stringify(noob.firstResults)}`,
    );
  }
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await timedLoop(tube, noob.epochs));
  const seconds = median(runs);
  return {
    ...noob,
    seconds,
    callsPerSecond: (noob.epochs * tube.nodeCallsPerEpoch) / seconds,
    runs,
    firstResults,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Both engines must compute the same thing before their speeds mean anything. */
function checkAgreement(tube: TubeCase, noob: Measurement, upstream: UpstreamMeasurement): void {
  if (upstream.nodeCallsPerEpoch !== tube.nodeCallsPerEpoch) {
    throw new Error(
      `${tube.path}: upstream loaded ${upstream.nodeCallsPerEpoch} nodes, the file has ${tube.nodeCallsPerEpoch}`,
    );
  }
  if (upstream.observedCallsPerEpoch !== tube.nodeCallsPerEpoch) {
    throw new Error(
      `${tube.path}: upstream ran ${upstream.observedCallsPerEpoch} nodes per epoch, not every node`,
    );
  }
  // Through JSON, as the upstream figures came: Python's 2.0 and JavaScript's 2 agree.
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(noob.firstResults)), upstream.firstResults)) {
    throw new Error(
      `${tube.path}: noob and upstream disagree on the first ${CHECK_EPOCHS} results: ` +
        `${JSON.stringify(noob.firstResults)} vs ${JSON.stringify(upstream.firstResults)}`,
    );
  }
}

const microsPerCall = (m: Measurement): number => 1e6 / m.callsPerSecond;

function sideDetails(m: Measurement): Record<string, unknown> {
  return {
    callsPerSecond: Math.round(m.callsPerSecond),
    usPerCall: Number(microsPerCall(m).toFixed(4)),
    epochs: m.epochs,
    secondsMedian: Number(m.seconds.toFixed(4)),
    secondsRuns: m.runs.map((s) => Number(s.toFixed(4))),
    runnersPerRun: m.runnersPerRun,
  };
}

const upstream = measureUpstream();
process.stderr.write('[runner-sync] measuring noob…\n');
const rows: {
  tube: TubeCase;
  noob: Measurement;
  upstream: UpstreamMeasurement;
  limit: Measurement;
}[] = [];
for (const tube of tubes) {
  const theirs = upstream.results.find((m) => m.tube === tube.name);
  if (!theirs) throw new Error(`the upstream harness reported nothing for ${tube.name}`);
  const ours = await measureNoob(tube);
  checkAgreement(tube, ours, theirs);
  rows.push({ tube, noob: ours, upstream: theirs, limit: await measureLimit(tube, ours) });
}
/** The part of noob's time per call that the hand-written loop does not spend. */
const engineShare = (noob: Measurement, limit: Measurement): number =>
  1 - microsPerCall(limit) / microsPerCall(noob);

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const header = [
  'tube',
  'calls/epoch',
  'noob calls/s',
  'µs/call',
  'upstream calls/s',
  'µs/call',
  'ratio',
  'loop µs/call',
  'engine share',
];
const table = rows.map(({ tube, noob, upstream: up, limit }) => [
  tube.name,
  String(tube.nodeCallsPerEpoch),
  fmt(noob.callsPerSecond),
  fmt(microsPerCall(noob), 3),
  fmt(up.callsPerSecond),
  fmt(microsPerCall(up), 3),
  `${fmt(noob.callsPerSecond / up.callsPerSecond, 1)}x`,
  fmt(microsPerCall(limit), 3),
  `${fmt(100 * engineShare(noob, limit), 0)}%`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
for (const row of [header, ...table]) {
  process.stdout.write(`${row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}\n`);
}

const headline = rows.find((row) => row.tube.name === 'wide-deep-50')!;
printResult({
  bench: 'runner-sync',
  metric: 'node calls/s, sync runner, 50-node wide/deep tube',
  value: Math.round(headline.noob.callsPerSecond),
  baseline: Math.round(headline.upstream.callsPerSecond),
  baselineName: `upstream Python noob ${upstream.about.noob} SynchronousRunner (Python ${upstream.about.python})`,
  ratio: Number((headline.noob.callsPerSecond / headline.upstream.callsPerSecond).toFixed(2)),
  details: {
    goal: 'ratio >= 30',
    method: `median of ${REPEATS} runs of ~${TARGET_SECONDS} s each per side; one awaited process() per epoch; ${WARMUP} warm-up epochs per fresh runner, untimed`,
    limit:
      'the same node functions in a plain loop with no engine (bench/limit/hand-loop.ts), as many epochs as noob, same warm-up; engineShare = 1 − loop µs/call ÷ noob µs/call',
    node: process.version,
    upstream: upstream.about,
    tubes: Object.fromEntries(
      rows.map(({ tube, noob, upstream: up, limit }) => [
        tube.name,
        {
          nodeCallsPerEpoch: tube.nodeCallsPerEpoch,
          ratio: Number((noob.callsPerSecond / up.callsPerSecond).toFixed(2)),
          noob: sideDetails(noob),
          upstream: sideDetails(up),
          limit: sideDetails(limit),
          engineShare: Number(engineShare(noob, limit).toFixed(3)),
        },
      ]),
    ),
  },
});
