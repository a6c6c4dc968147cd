/**
 * `npm run bench -- node-logs [--tasks N] [--rounds N]`: what capturing node output costs a
 * queue worker, against the same worker not capturing (`captureLogs: false`), measured in
 * the same run.
 *
 * A queue worker captures every call's output: what a node's own code writes, by a slot
 * set around it; what it writes after an await, by AsyncLocalStorage (which on Node 22
 * hooks every promise in the process), used only for node types seen doing that (see
 * functions/worker/output-capture.ts). Each round runs the same worker over N no-op calls,
 * each in a fresh process (bench/node-logs/round.ts): not capturing; capturing (the
 * default); and capturing a node that prints a line per call (its output kept with each
 * task). Figures are the best of the rounds. Prints a table, then the JSON line: capturing
 * against not capturing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { printResult } from './report.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    tasks: { type: 'string', default: '40000' },
    rounds: { type: 'string', default: '3' },
  },
});
const tasks = whole('tasks', values.tasks);
const rounds = whole('rounds', values.rounds);

function whole(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} takes a whole number ≥ 1, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}

/** One round in its own process; its tasks per second. */
function round(node: 'quiet' | 'chatty', capture: 'on' | 'off'): number {
  const script = join(import.meta.dirname, 'node-logs', 'round.ts');
  const run = spawnSync(process.execPath, [script, String(tasks), node, capture], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`round failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!).tasksPerSecond as number;
}

const best = { off: 0, on: 0, chatty: 0 };
for (let i = 0; i < rounds; i++) {
  best.off = Math.max(best.off, round('quiet', 'off'));
  best.on = Math.max(best.on, round('quiet', 'on'));
  best.chatty = Math.max(best.chatty, round('chatty', 'on'));
}
const rate = (n: number) => `${Math.round(n).toLocaleString('en')} tasks/s`;
process.stdout.write(
  [
    `queue worker, concurrency 16, ${tasks} calls, best of ${rounds} rounds:`,
    `  not capturing (captureLogs: false)            ${rate(best.off)}`,
    `  capturing (the default)                       ${rate(best.on)}`,
    `  capturing, every call printing a line (kept)  ${rate(best.chatty)}`,
    '',
  ].join('\n'),
);
printResult({
  bench: 'node-logs',
  metric: 'no-op node calls/s of one queue worker, output captured',
  value: Math.round(best.on),
  baseline: Math.round(best.off),
  baselineName: 'the same worker not capturing output (captureLogs: false)',
  ratio: Number((best.on / best.off).toFixed(2)),
  details: {
    printingCallsPerSecond: Math.round(best.chatty),
    tasks,
    rounds,
  },
});
