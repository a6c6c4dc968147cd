import { ImmutableString } from '@automerge/automerge';
import type { Evidence } from './quorum-verifier.ts';

/** A quorum task as its submitter announced it. */
export interface Claim {
  owner: string;
  executors: string[];
  k: number;
  q: number;
  ts: number;
}

/** An executor's reveal, and whether it opened that executor's commitment. */
export interface Reveal {
  result: string;
  valid: boolean;
}

/** A submitter's verdict: the accepted result and the executors whose answers made it. */
export interface Verdict {
  result: string;
  executors: string[];
}

/** What one peer learned of one task between two of its writes (see {@link StoredLedger}). */
export interface TaskEntries {
  claim?: Claim;
  /** By executor. */
  commitments?: Record<string, string>;
  /** By executor. */
  reveals?: Record<string, Reveal>;
  /** By submitter. */
  verdicts?: Record<string, Verdict>;
}

/**
 * How the ledger stores what it holds. Automerge costs per operation, and a JavaScript
 * string in a change becomes collaborative text, one operation per character: a claim
 * with its executors' ids was hundreds of operations, a piece of evidence (signed messages
 * in base64) thousands, and applying other peers' changes was most of a quorum run's CPU.
 * So what a peer learned of a task between two writes (a quorum call's claim, k
 * commitments, k reveals and verdict, usually) is ONE scalar, its JSON as an immutable
 * string, under a key of its own (`<task>/<writer>/<nonce>`): written once, never
 * changed, so concurrent writers never overwrite each other. The keys are spread over
 * {@link SHARDS} maps made in the ledgers' common first change: Automerge's JavaScript
 * view copies the map a change touches, so one map of every task made each write cost
 * more as the ledger grew, and a map per task cost an operation more per task.
 * A piece of evidence is one scalar too.
 */
export interface StoredLedger {
  /** By shard ({@link shardOf} the task), then by `<task>/<writer>/<nonce>`: JSON {@link TaskEntries}. */
  tasks: Record<string, Record<string, ImmutableString>>;
  /** By `<task>/<offender>`: JSON {@link Evidence}. */
  evidence: Record<string, ImmutableString>;
}

/** How many maps the tasks' entries are spread over. */
export const SHARDS = 256;

/** The shard of a task: FNV-1a of its CID, as two hex digits. */
export function shardOf(task: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < task.length; i++) hash = Math.imul(hash ^ task.charCodeAt(i), 0x01000193);
  return shardName((hash >>> 0) % SHARDS);
}

/** Every shard's name. */
export function shards(): string[] {
  return Array.from({ length: SHARDS }, (_, i) => shardName(i));
}

function shardName(index: number): string {
  return index.toString(16).padStart(2, '0');
}

/** What the ledger holds, by task CID (and by peer within a task), as its readers see it. */
export interface LedgerDocument {
  claims: Record<string, Claim>;
  commitments: Record<string, Record<string, string>>;
  reveals: Record<string, Record<string, Reveal>>;
  /** Keyed by task, then by the submitter that decided: concurrent verdicts never overwrite. */
  verdicts: Record<string, Record<string, Verdict>>;
  evidence: Record<string, Evidence>;
}

/** A value's stored form: its JSON as one scalar. */
export function entry(value: unknown): ImmutableString {
  return new ImmutableString(JSON.stringify(value));
}

/**
 * Adds what `entries` says of `task` to `document`, keeping what is there: the first
 * claim, and the first commitment, reveal and verdict of each peer, count.
 */
function mergeEntries(document: LedgerDocument, task: string, entries: TaskEntries): void {
  if (entries.claim && !document.claims[task]) document.claims[task] = entries.claim;
  for (const field of ['commitments', 'reveals', 'verdicts'] as const) {
    const byPeer = entries[field];
    if (!byPeer || typeof byPeer !== 'object') continue;
    const byTask = document[field] as Record<string, Record<string, unknown>>;
    byTask[task] ??= {};
    const into = byTask[task];
    for (const [peer, value] of Object.entries(byPeer)) into[peer] ??= value;
  }
}

function emptyLedger(): LedgerDocument {
  return { claims: {}, commitments: {}, reveals: {}, verdicts: {}, evidence: {} };
}

/**
 * The stored ledger in its readers' shape. Anyone can write into a replicated ledger, so
 * a value that is not JSON is left out rather than failing the whole read.
 */
export function readLedger(stored: StoredLedger): LedgerDocument {
  const document = emptyLedger();
  for (const values of Object.values(stored.tasks ?? {}))
    for (const [key, value] of Object.entries(values ?? {})) {
      const entries = parse(value);
      const task = key.slice(0, key.indexOf('/'));
      if (task && entries && typeof entries === 'object') mergeEntries(document, task, entries);
    }
  for (const [key, value] of Object.entries(stored.evidence ?? {})) {
    const evidence = parse(value);
    if (evidence !== undefined) document.evidence[key] = evidence as Evidence;
  }
  return document;
}

function parse(value: unknown): TaskEntries | undefined {
  try {
    return JSON.parse(String(value)) as TaskEntries;
  } catch {
    return undefined;
  }
}
