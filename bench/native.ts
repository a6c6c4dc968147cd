/**
 * `npm run bench -- native [--rounds 2]`: the Rust addon (native/) against what runs
 * without it, measured in the same run:
 *
 * - BLAKE3 on 64 B, 1 KiB and 1 MiB: the addon, `@noble/hashes` (its twin) and the
 *   `blake3-wasm` package, in MiB/s; and 1,000 inputs of 64 B in one call.
 * - Encoding a 1 MB task input: the addon's dag-cbor from JSON text against
 *   @ipld/dag-cbor (what CIDs hash now), v8.serialize, msgpackr, cbor-x and JSON.
 * - Task CIDs per second: `taskCid` with the addon against the TypeScript path, for a
 *   small task and for tasks carrying each 1 MB object.
 * - End to end, each in a process of its own with the addon and with `NOOB_NATIVE=0`,
 *   taken in turns, best of `--rounds`: SyncRunner node calls/s, the queue's no-op
 *   tasks/s, and the queued runner's node calls/s (see bench/native/e2e.ts).
 *
 * The JSON line: a small task's CIDs/s with the addon against the TypeScript twin.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedNative } from '../native/load.ts';
import { hashRows, manyRow } from './native/blake3.ts';
import { cidRows } from './native/cid.ts';
import { codecRows } from './native/codec.ts';
import { E2E_KINDS } from './native/e2e.ts';
import { round } from './native/time.ts';
import { printResult } from './report.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { rounds: { type: 'string', default: '2' } },
});
const rounds = Math.max(1, Number(values.rounds) || 1);

const { addon, reason } = sharedNative();
if (!addon) {
  process.stderr.write(`the native addon is not loaded (${reason}); nothing to compare\n`);
  process.exit(2);
}

function log(line: string): void {
  process.stderr.write(`[native] ${line}\n`);
}

/** Best figure of `kind` over the rounds, with the addon and without, taken in turns. */
function endToEnd(kind: string): { native: number; without: number } {
  const best = { native: 0, without: 0 };
  const script = join(import.meta.dirname, 'native', 'e2e.ts');
  for (let round = 0; round < rounds; round++)
    for (const mode of ['native', 'without'] as const) {
      const env = { ...process.env, NOOB_NATIVE: mode === 'native' ? '1' : '0' };
      const child = spawnSync(process.execPath, [script, kind], { env, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`e2e ${kind} (${mode}) failed:\n${child.stderr}`);
      best[mode] = Math.max(best[mode], Number(child.stdout.trim()));
    }
  return best;
}

log('BLAKE3…');
const hashes = hashRows(addon);
const many = manyRow(addon);
log('codecs on 1 MB…');
const codecs = codecRows(addon);
log('task CIDs…');
const cids = cidRows();
const small = cids['small task']!;
const e2e: Record<string, { native: number; without: number; ratio: number }> = {};
for (const kind of E2E_KINDS) {
  log(`end to end: ${kind}…`);
  const { native, without } = endToEnd(kind);
  e2e[kind] = { native: round(native), without: round(without), ratio: round(native / without) };
}

console.log('\nBLAKE3, MiB/s (higher is better)');
console.table(
  Object.fromEntries(
    hashes.map((row) => [
      row.size,
      {
        addon: row.native,
        '@noble/hashes': row.noble,
        'blake3-wasm': row.wasm,
        'vs noble': round(row.native / row.noble),
        'vs wasm': round(row.native / row.wasm),
      },
    ]),
  ),
);
console.log(`1,000 × 64 B in one call, digests/s: addon ${many.native}, twin ${many.twin}`);
console.log('\nEncoding a 1 MB object, µs (lower is better)');
console.table(codecs);
console.log('\nTask CIDs/s (higher is better)');
console.table(cids);
console.log('\nEnd to end, with the addon and without (NOOB_NATIVE=0)');
console.table(e2e);

printResult({
  bench: 'native',
  metric: 'task CIDs/s',
  value: small.native,
  baseline: small.twin,
  baselineName: 'TypeScript twin (@ipld/dag-cbor + @noble/hashes BLAKE3 + multiformats)',
  ratio: small.ratio,
  details: {
    blake3MiBps: hashes,
    blake3Many64B: many,
    encode1MBus: codecs,
    taskCidsPerSecond: cids,
    endToEnd: e2e,
  },
});
