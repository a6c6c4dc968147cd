import * as Automerge from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.ts';
import {
  entry,
  readLedger,
  SHARDS,
  type StoredLedger,
  shardOf,
  type TaskEntries,
} from './ledger-entries.ts';
import type { TaskMessage } from './messages.ts';

const task = `bafkr${'a'.repeat(52)}`;
const result = `bafkr${'b'.repeat(52)}`;
const peers = ['12D3KooWA', '12D3KooWB', '12D3KooWC'].map((id) => id + 'x'.repeat(43));
const [a, b, c] = peers as [string, string, string];

/** What a submitter learns of a quorum call (k = 3): a claim, 3 commitments, 3 reveals, a verdict. */
const call: TaskEntries = {
  claim: { owner: a, executors: peers, k: 3, q: 2, ts: 1 },
  commitments: { [a]: 'ab'.repeat(32), [b]: 'cd'.repeat(32), [c]: 'ef'.repeat(32) },
  reveals: {
    [a]: { result, valid: true },
    [b]: { result, valid: true },
    [c]: { result, valid: false },
  },
  verdicts: { [a]: { result, executors: [a, b] } },
};

const empty = () =>
  Automerge.change(Automerge.init<StoredLedger>(), (d) => {
    d.tasks = { [shardOf(task)]: {} };
    d.evidence = {};
  });
const stored = (...values: unknown[]) =>
  Automerge.change(empty(), (d) => {
    for (const [i, value] of values.entries())
      d.tasks[shardOf(task)]![`${task}/writer${i}/0`] =
        typeof value === 'string' ? new Automerge.ImmutableString(value) : entry(value);
  });

describe('ledger entries', () => {
  it('behavior: a quorum call learned between two writes costs one Automerge operation, not one per character', () => {
    const before = Automerge.stats(empty()).numOps;
    expect(Automerge.stats(stored(call)).numOps - before).toBe(1);
  });

  it('behavior: what a ledger is told reads back as claims, commitments, reveals, verdicts and evidence', () => {
    const ledger = new Ledger(a);
    ledger.claimed({
      task,
      owner: a,
      executors: peers,
      verification: { mode: 'quorum', k: 3, q: 2 },
    } as TaskMessage);
    for (const [peer, commitment] of Object.entries(call.commitments!))
      ledger.committed(task, peer, commitment);
    for (const [peer, reveal] of Object.entries(call.reveals!))
      ledger.revealed(task, peer, reveal.result, reveal.valid);
    ledger.decided(task, result, [a, b]);
    const evidence = { task, offender: c, kind: 'unopened' } as never;
    ledger.evidence(evidence);
    const read = ledger.document;
    expect(read.claims[task]).toMatchObject({ owner: a, executors: peers, k: 3, q: 2 });
    expect(read.commitments[task]).toEqual(call.commitments);
    expect(read.reveals[task]).toEqual(call.reveals);
    expect(read.verdicts[task]).toEqual(call.verdicts);
    expect(read.evidence[`${task}/${c}`]).toEqual(evidence);
  });

  it("behavior: two submitters' entries of one task merge: both verdicts kept, each executor's first commitment", () => {
    const other: TaskEntries = {
      commitments: { [a]: '00'.repeat(32) },
      verdicts: { [b]: { result, executors: [b, c] } },
    };
    const read = readLedger(Automerge.toJS(stored(call, other)) as StoredLedger);
    expect(Object.keys(read.verdicts[task]!).sort()).toEqual([a, b].sort());
    expect(read.commitments[task]![a]).toBe('ab'.repeat(32));
  });

  it('error: a value that is not JSON (anyone can write into the ledger) is left out, the rest read', () => {
    const read = readLedger(Automerge.toJS(stored(call, '{not json')) as StoredLedger);
    expect(read.verdicts[task]).toEqual(call.verdicts);
    expect(read.claims[task]).toEqual(call.claim);
  });

  it('behavior: tasks spread over the shards', () => {
    const used = new Set(Array.from({ length: 4096 }, (_, i) => shardOf(`bafkr${i}`)));
    expect(used.size).toBe(SHARDS);
  });
});
