import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { OWN } from '../test/conformance/suite.ts';
import { BLAKE3_CODE, cidOf, taskCid, tubeCid } from './cid.ts';
import { loadTube } from './tube/load.ts';

const task = {
  tube: 'bafy-tube',
  nodeId: 'b',
  epoch: '3/(split,0)',
  inputs: { left: 2, right: [1, 2] },
};

describe('task CIDs', () => {
  it('default: a CIDv1, dag-cbor, BLAKE3', () => {
    const cid = CID.parse(taskCid(task));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(0x71);
    expect(cid.multihash.code).toBe(BLAKE3_CODE);
    expect(cid.multihash.digest).toHaveLength(32);
  });

  it('behavior: the same call has the same CID, whatever the key order', () => {
    const reordered = {
      inputs: { right: [1, 2], left: 2 },
      epoch: '3/(split,0)',
      nodeId: 'b',
      tube: 'bafy-tube',
    };
    expect(taskCid(reordered)).toBe(taskCid(task));
  });

  it('behavior: any difference in tube, node, epoch or inputs changes the CID', () => {
    const cids = new Set([
      taskCid(task),
      taskCid({ ...task, tube: 'other' }),
      taskCid({ ...task, nodeId: 'c' }),
      taskCid({ ...task, epoch: '3/(split,1)' }),
      taskCid({ ...task, inputs: { left: 3, right: [1, 2] } }),
    ]);
    expect(cids.size).toBe(5);
  });

  it('behavior: a tube’s CID depends on its spec and bound inputs', async () => {
    const path = join(OWN, 'input', 'input_tube_params.yaml');
    const seven = tubeCid(await loadTube(path, { input: { start: 7 } }));
    expect(tubeCid(await loadTube(path, { input: { start: 7 } }))).toBe(seven);
    expect(tubeCid(await loadTube(path, { input: { start: 8 } }))).not.toBe(seven);
  });

  it('behavior: the native addon, where built, gives the CIDs of the dag-cbor path', () => {
    // Plain JSON goes through JSON text, bytes and CIDs through dag-cbor: both as before.
    const withBytes = {
      ...task,
      inputs: { blob: new Uint8Array([1, 2]), link: CID.parse(taskCid(task)) },
    };
    for (const call of [task, withBytes]) expect(taskCid(call)).toBe(cidOf(call).toString());
  });

  it('error: a value that cannot be addressed names the node and epoch', () => {
    expect(() => taskCid({ ...task, inputs: { left: () => 1 } })).toThrow(
      /inputs of node b in epoch 3\/\(split,0\)/,
    );
  });
});
