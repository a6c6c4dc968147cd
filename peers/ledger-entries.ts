import { ImmutableString } from '@automerge/automerge';
import type { Evidence } from './quorum-verifier.ts';

/**
 * How the ledger stores what it holds. Automerge costs per operation, and a JavaScript
 * string in a change becomes collaborative text, one operation per character: a claim
 * with its executors' ids was hundreds of operations, a piece of evidence (signed messages
 * in base64) thousands, and applying other peers' changes was most of a quorum run's CPU.
 * So each entry (a claim, one executor's commitment or reveal, one submitter's verdict, a
 * piece of evidence) is ONE scalar, its JSON as an immutable string, under one key; a
 * task's entries share a small map (a key of one large map costs the more the larger it
 * is). Entries are written once and never changed: concurrent writers of one task write
 * different keys (the executor's or the submitter's id is in the key).
 */
export interface StoredLedger {
  /** By task CID, then by entry key ({@link entryKey}). */
  tasks: Record<string, Record<string, ImmutableString>>;
  /** By `<task>/<offender>`. */
  evidence: Record<string, ImmutableString>;
}

/** What the ledger holds, by task CID (and by peer within a task), as its readers see it. */
export interface LedgerDocument {
  claims: Record<string, { owner: string; executors: string[]; k: number; q: number; ts: number }>;
  commitments: Record<string, Record<string, string>>;
  reveals: Record<string, Record<string, { result: string; valid: boolean }>>;
  /** Keyed by task, then by the submitter that decided: concurrent verdicts never overwrite. */
  verdicts: Record<string, Record<string, { result: string; executors: string[] }>>;
  evidence: Record<string, Evidence>;
}

/** The key of each kind of entry in a task's map. */
export const entryKey = {
  claim: 'claim',
  commitment: (executor: string) => `commitment/${executor}`,
  reveal: (executor: string) => `reveal/${executor}`,
  verdict: (submitter: string) => `verdict/${submitter}`,
};

/** An entry's stored form. */
export function entry(value: unknown): ImmutableString {
  return new ImmutableString(JSON.stringify(value));
}

/**
 * The stored ledger in its readers' shape. Anyone can write into a replicated ledger, so
 * an entry that is not JSON is left out rather than failing the whole read.
 */
export function readLedger(stored: StoredLedger): LedgerDocument {
  const document: LedgerDocument = {
    claims: {},
    commitments: {},
    reveals: {},
    verdicts: {},
    evidence: {},
  };
  for (const [task, entries] of Object.entries(stored.tasks ?? {}))
    for (const [key, value] of Object.entries(entries ?? {})) {
      const parsed = parse(value);
      if (parsed === undefined) continue;
      const slash = key.indexOf('/');
      const kind = slash < 0 ? key : key.slice(0, slash);
      const peer = key.slice(slash + 1);
      if (kind === 'claim') document.claims[task] = parsed as LedgerDocument['claims'][string];
      else if (kind === 'commitment') byPeer(document.commitments, task)[peer] = parsed as string;
      else if (kind === 'reveal')
        byPeer(document.reveals, task)[peer] = parsed as { result: string; valid: boolean };
      else if (kind === 'verdict')
        byPeer(document.verdicts, task)[peer] = parsed as { result: string; executors: string[] };
    }
  for (const [key, value] of Object.entries(stored.evidence ?? {})) {
    const parsed = parse(value);
    if (parsed !== undefined) document.evidence[key] = parsed as Evidence;
  }
  return document;
}

/** The map of `task`'s entries by peer, made if missing. */
function byPeer<T>(map: Record<string, Record<string, T>>, task: string): Record<string, T> {
  map[task] ??= {};
  return map[task];
}

function parse(value: unknown): unknown {
  try {
    return JSON.parse(String(value));
  } catch {
    return undefined;
  }
}
