/**
 * `npm run bench -- chaos [--jobs 20] [--faults 4] [--soak-jobs 60] [--seed N]`: the long
 * chaos matrix (issue #13) on real processes. Each scenario runs `noob serve` with jobs
 * going, injects its faults at seeded random points, then checks that every acknowledged
 * job succeeded with the right results and no task result was accepted twice (see
 * test/platform/chaos.ts; `npm test` runs a short matrix), a power loss among them (the
 * database on a FUSE layer that drops unsynced writes: test/platform/chaos-power-loss.ts).
 * Then a soak: many jobs with kills of workers and the coordinator mixed; then the load
 * scenarios, larger than in `npm test`: a retry storm with another tenant's job, and a
 * LOW-priority flood with HIGH jobs and another tenant's. It prints the table, and last
 * the JSON line: acknowledged jobs per second through the faults against the same jobs
 * with none (the baseline, same run; the load scenarios are not in that figure). Exits 1
 * if any invariant broke.
 *
 * Skipped with the reason where this machine cannot: a full disk needs root (a tmpfs is
 * mounted), a power loss /dev/fuse, fusermount3 and a python3 venv.
 */
import { parseArgs } from 'node:util';
import {
  type ChaosRow,
  chaosTable,
  diskFull,
  type Fault,
  killCoordinator,
  killServe,
  killWorker,
  random,
  restartSqld,
  runScenario,
  smallDisk,
} from '../test/platform/chaos.ts';
import { powerLossDisk } from '../test/platform/chaos-power-loss.ts';
import { runPriorityStarvation } from '../test/platform/chaos-priority.ts';
import { runRetryStorm } from '../test/platform/chaos-retry-storm.ts';
import { cleanUpServes } from '../test/platform/serve-process.ts';
import { startSqld } from '../test/queue/sqld.ts';
import { printResult } from './report.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20' },
    faults: { type: 'string', default: '4' },
    'soak-jobs': { type: 'string', default: '60' },
    seed: { type: 'string' },
  },
});
const jobs = Number(values.jobs);
const faults = Number(values.faults);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const rng = random(seed);
const nextSeed = () => Math.floor(rng() * 2 ** 31);

const none: Fault = { name: 'no fault (baseline)', inject: async (serve) => serve };
/** Kills of workers and of the coordinator, in random turn. */
const mixed: Fault = {
  name: 'soak: workers and coordinator killed in turn',
  inject: (serve, db, next) =>
    (next() < 0.5 ? killWorker : killCoordinator).inject(serve, db, next),
};

const rows: ChaosRow[] = [];
async function scenario(
  fault: Fault,
  options: { jobs?: number; faults?: number; db?: string } = {},
) {
  const row = await runScenario({ fault, jobs, faults, seed: nextSeed(), ...options });
  await cleanUpServes();
  rows.push(row);
  process.stderr.write(`${chaosTable([row]).split('\n').at(-1)}\n`);
  return row;
}

const baseline = await scenario(none, { faults: 0 });
for (const fault of [killWorker, killCoordinator, killServe]) await scenario(fault);
const sqld = await startSqld();
try {
  await scenario(restartSqld(sqld), { db: sqld.url });
} finally {
  await cleanUpServes();
  await sqld.stop();
}
const disk = smallDisk(16);
if ('reason' in disk) process.stderr.write(`disk full: skipped, ${disk.reason}\n`);
else {
  try {
    await scenario(diskFull(disk.path), { db: `${disk.path}/noob.db` });
  } finally {
    await cleanUpServes();
    disk.unmount();
  }
}
const power = await powerLossDisk();
if ('reason' in power) process.stderr.write(`power loss: skipped, ${power.reason}\n`);
else {
  try {
    await scenario(power.fault, { db: power.db });
  } finally {
    await cleanUpServes();
    await power.remove();
  }
}
await scenario(mixed, { jobs: Number(values['soak-jobs']), faults: Math.max(1, faults * 3) });

// The fault scenarios' rows, before the load scenarios join the table.
const faulted = rows.slice(1);
for (const run of [
  () => runRetryStorm({ failing: jobs, passing: Math.ceil(jobs / 3), attempts: 5 }),
  () => runPriorityStarvation({ flood: Math.max(32, jobs * 2), urgent: 4, others: 4 }),
]) {
  const row = await run();
  await cleanUpServes();
  rows.push(row);
  process.stderr.write(`${chaosTable([row]).split('\n').at(-1)}\n`);
}

const rate = (row: ChaosRow) => row.acknowledged / row.seconds;
const value =
  faulted.reduce((sum, row) => sum + row.acknowledged, 0) /
  faulted.reduce((sum, row) => sum + row.seconds, 0);
const broken = rows.filter((row) => row.lost.length > 0 || row.duplicates > 0);
process.stdout.write(`\n${chaosTable(rows)}\n\nseed ${seed}\n`);
for (const row of broken) process.stdout.write(`${row.scenario}: ${row.lost.join('; ')}\n`);
printResult({
  bench: 'chaos',
  metric: 'acknowledged jobs/s through the faults (all checked: none lost, none accepted twice)',
  value: Math.round(value * 100) / 100,
  baseline: Math.round(rate(baseline) * 100) / 100,
  baselineName: 'the same jobs on noob serve with no fault',
  ratio: Math.round((value / rate(baseline)) * 100) / 100,
  details: {
    seed,
    lost: rows.reduce((sum, row) => sum + row.lost.length, 0),
    acceptedTwice: rows.reduce((sum, row) => sum + row.duplicates, 0),
    rows,
  },
});
process.exit(broken.length > 0 ? 1 : 0);
