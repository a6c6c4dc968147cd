/**
 * Codec rows: encoding a 1 MB task input to bytes. dag-cbor is what CIDs hash today; the
 * addon makes the same dag-cbor bytes from JSON text (`JSON.stringify`, then one call),
 * so CIDs do not change. v8.serialize, msgpackr, cbor-x and JSON are the other choices
 * for carrying inputs and results (their bytes differ, so none can name a task).
 */
import v8 from 'node:v8';
import * as dagCbor from '@ipld/dag-cbor';
import { encode as cborX } from 'cbor-x';
import { pack } from 'msgpackr';
import type { NativeCore } from '../../native/contract.ts';
import { isPlainJson } from '../../native/plain-json.ts';
import { nsPerCall, round } from './time.ts';

/** Two shapes of about 1 MB: many small records, and one long string. */
export function sampleObjects(): Record<string, unknown> {
  const rows = Array.from({ length: 9000 }, (_, i) => ({
    id: i,
    name: `item-${i}`,
    score: i * 1.5 + 0.25,
    ok: i % 3 === 0,
    tags: ['a', 'bb', `t${i % 17}`],
    pos: [i, i + 1, i + 2],
  }));
  return { records: { job: 'bench', rows }, text: { job: 'bench', text: 'noob '.repeat(200_000) } };
}

/** Microseconds to encode each shape, per codec. */
export function codecRows(addon: NativeCore): Record<string, Record<string, number>> {
  const rows: Record<string, Record<string, number>> = {};
  for (const [shape, value] of Object.entries(sampleObjects())) {
    const us = (fn: () => unknown) => round(nsPerCall(fn, 300, 3) / 1000);
    const native = () => isPlainJson(value) && addon.dagCborFromJson(JSON.stringify(value));
    if (!Buffer.from(native() as Uint8Array).equals(dagCbor.encode(value)))
      throw new Error(`the addon's dag-cbor of the ${shape} object differs from @ipld/dag-cbor's`);
    rows[shape] = {
      'native dag-cbor (JSON text → addon)': us(native),
      'dag-cbor (@ipld/dag-cbor)': us(() => dagCbor.encode(value)),
      'v8.serialize': us(() => v8.serialize(value)),
      msgpackr: us(() => pack(value)),
      'cbor-x': us(() => cborX(value)),
      'JSON.stringify': us(() => JSON.stringify(value)),
    };
  }
  return rows;
}
