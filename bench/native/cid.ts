/**
 * Task CIDs per second: `taskCid` with the addon (plain JSON → one native call) against
 * the TypeScript path (`cidOf`: dag-cbor, @noble/hashes BLAKE3, multiformats' base32).
 */
import { cidOf, taskCid } from '../../core/cid.ts';
import { nsPerCall, round } from './time.ts';

/** A typical node call: the tube's CID, node, epoch and a few small inputs. */
const TASK = {
  tube: 'bafyr4iaptfqjkzv2vgianmzm5x7vogqc5kq6m5ppfky2og5prsqzsxep5u',
  nodeId: 'double',
  epoch: '3/(split,0)',
  inputs: { left: 2, right: [1, 2, 3], label: 'abc' },
};

/** Task CIDs per second, native and TypeScript (the two must agree, or this throws). */
export function cidRow(): { native: number; twin: number } {
  const twinCid = () => cidOf(TASK).toString();
  if (taskCid(TASK) !== twinCid()) throw new Error('the addon and the twin give different CIDs');
  return {
    native: round(1e9 / nsPerCall(() => taskCid(TASK))),
    twin: round(1e9 / nsPerCall(twinCid)),
  };
}
