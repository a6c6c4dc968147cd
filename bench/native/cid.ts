/**
 * Task CIDs per second: `taskCid` with the addon (plain JSON of short strings → one
 * native call; anything else: dag-cbor here, BLAKE3 there) against the TypeScript path
 * (`cidOf`: @ipld/dag-cbor, @noble/hashes BLAKE3, multiformats' base32), for a typical
 * small task and for tasks carrying each 1 MB object of the codec rows.
 */
import { cidOf, type TaskDescription, taskCid } from '../../core/cid.ts';
import { sampleObjects } from './codec.ts';
import { nsPerCall, round } from './time.ts';

/** A typical node call: the tube's CID, node, epoch and a few small inputs. */
const TASK: TaskDescription = {
  tube: 'bafyr4iaptfqjkzv2vgianmzm5x7vogqc5kq6m5ppfky2og5prsqzsxep5u',
  nodeId: 'double',
  epoch: '3/(split,0)',
  inputs: { left: 2, right: [1, 2, 3], label: 'abc' },
};

/** CIDs per second of each task, native and TypeScript (they must agree, or this throws). */
export function cidRows(): Record<string, { native: number; twin: number; ratio: number }> {
  const tasks: Record<string, TaskDescription> = { 'small task': TASK };
  for (const [shape, value] of Object.entries(sampleObjects()))
    tasks[`1 MB ${shape}`] = { ...TASK, inputs: { value } };
  const rows: Record<string, { native: number; twin: number; ratio: number }> = {};
  for (const [name, task] of Object.entries(tasks)) {
    const twinCid = () => cidOf(task).toString();
    if (taskCid(task) !== twinCid()) throw new Error(`${name}: the addon's CID differs`);
    const native = 1e9 / nsPerCall(() => taskCid(task));
    const twin = 1e9 / nsPerCall(twinCid);
    rows[name] = { native: round(native), twin: round(twin), ratio: round(native / twin) };
  }
  return rows;
}
