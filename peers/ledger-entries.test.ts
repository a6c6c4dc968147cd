import * as Automerge from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { entry, entryKey, readLedger, type StoredLedger } from './ledger-entries.ts';

const task = `bafkr${'a'.repeat(52)}`;
const result = `bafkr${'b'.repeat(52)}`;
const peers = ['12D3KooWA', '12D3KooWB', '12D3KooWC'].map((id) => id + 'x'.repeat(43));

/** The entries a quorum call of k = 3 leaves: a claim, 3 commitments, 3 reveals, a verdict. */
function quorumCall(d: StoredLedger): void {
  d.tasks[task] = {};
  const entries = d.tasks[task];
  entries[entryKey.claim] = entry({ owner: peers[0], executors: peers, k: 3, q: 2, ts: 1 });
  for (const peer of peers) {
    entries[entryKey.commitment(peer)] = entry('ab'.repeat(32));
    entries[entryKey.reveal(peer)] = entry({ result, valid: peer !== peers[2] });
  }
  entries[entryKey.verdict(peers[0]!)] = entry({ result, executors: peers.slice(0, 2) });
}

const empty = () =>
  Automerge.change(Automerge.init<StoredLedger>(), (d) => {
    d.tasks = {};
    d.evidence = {};
  });

describe('ledger entries', () => {
  it('behavior: a quorum call costs one Automerge operation per entry, not one per character', () => {
    const before = Automerge.stats(empty()).numOps;
    const doc = Automerge.change(empty(), quorumCall);
    // The task's map, and 8 entries.
    expect(Automerge.stats(doc).numOps - before).toBe(9);
  });

  it('behavior: the stored entries read back as claims, commitments, reveals and verdicts', () => {
    const doc = Automerge.change(empty(), quorumCall);
    const read = readLedger(Automerge.toJS(doc) as StoredLedger);
    expect(read.claims[task]).toEqual({ owner: peers[0], executors: peers, k: 3, q: 2, ts: 1 });
    expect(Object.keys(read.commitments[task]!)).toEqual(peers);
    expect(read.reveals[task]![peers[2]!]).toEqual({ result, valid: false });
    expect(read.verdicts[task]).toEqual({
      [peers[0]!]: { result, executors: peers.slice(0, 2) },
    });
  });

  it('error: an entry that is not JSON (anyone can write into the ledger) is left out, the rest read', () => {
    const doc = Automerge.change(Automerge.change(empty(), quorumCall), (d) => {
      d.tasks[task]![entryKey.verdict(peers[1]!)] = new Automerge.ImmutableString('{not json');
    });
    const read = readLedger(Automerge.toJS(doc) as StoredLedger);
    expect(Object.keys(read.verdicts[task]!)).toEqual([peers[0]]);
    expect(read.claims[task]).toBeDefined();
  });
});
