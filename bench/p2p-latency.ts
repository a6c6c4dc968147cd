/**
 * Publish→receipt latency on a gossipsub network of noob peers with the topic validators
 * on (size, schema, signer, freshness, replay) and StrictSign signatures checked: the
 * peers (`bench/p2p/latency-peer.ts`) all in this process, or each in its own.
 * Messages are `working` messages published by each peer in turn at a steady rate (the
 * next one does not wait for the last one's receipts), each timed at every other peer on
 * the host's clock. A network just formed is still settling for several seconds
 * (duplicate connections closed, each newcomer announced to every peer, first ledger
 * syncs) at several times the CPU of a settled one, so it is left alone for `warmupMs`,
 * then sent messages at the same rate for `warmupMs` more that are not counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { cidOf } from '../core/cid.ts';
import { type LatencyCommand, type LatencyReport, startLatencyPeer } from './p2p/latency-peer.ts';

const PEER_PROGRAM = join(import.meta.dirname, 'p2p', 'latency-peer.ts');

/** Latency percentiles in milliseconds, and how many receipts never came. */
export interface Latency {
  p50: number;
  p99: number;
  receipts: number;
  missing: number;
}

/** How the latency is measured. */
export interface LatencyOptions {
  peers: number;
  /** Messages timed (after the warm-up ones). */
  messages: number;
  /** How long the network settles, then how long untimed messages are sent (ms each). */
  warmupMs: number;
  /** Time between two publishes (ms): the network carries 1000 / intervalMs messages/s. */
  intervalMs: number;
  /**
   * Each peer in a process of its own (as on a network), or all in this one (one thread
   * does every peer's work, so a message waits behind the other peers' copies of it).
   */
  processes: boolean;
}

/** Percentile `p` (0–1) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** A latency peer, in this process or its own, and what it reports. */
class LatencyPeer {
  readonly #listeners = new Set<(report: LatencyReport) => void>();
  readonly #child: ChildProcess | undefined;
  readonly #tell: Promise<(command: LatencyCommand) => Promise<void>> | undefined;
  #failed: Error | undefined;

  constructor(peers: number, bootstrap: string, own: boolean) {
    const report = (message: LatencyReport) => {
      for (const listener of this.#listeners) listener(message);
    };
    if (!own) {
      this.#tell = startLatencyPeer(peers, bootstrap, report);
      this.#tell.catch((error: Error) => {
        this.#failed = error;
      });
      return;
    }
    this.#child = spawn(
      process.execPath,
      [PEER_PROGRAM, '--peers', String(peers), '--bootstrap', bootstrap],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    this.#child.on('message', report);
    this.#child.once('exit', (code) => {
      this.#failed = new Error(`a latency peer exited with ${code}`);
    });
  }

  on(listener: (report: LatencyReport) => void): void {
    this.#listeners.add(listener);
  }

  /** Waits (90 s at most) for the first report that `pick` maps to a value. */
  async wait<T>(pick: (report: LatencyReport) => T | undefined): Promise<T> {
    let found: T | undefined;
    const listener = (report: LatencyReport) => {
      found ??= pick(report);
    };
    this.#listeners.add(listener);
    try {
      for (let waited = 0; found === undefined; waited += 20) {
        if (this.#failed) throw this.#failed;
        if (waited > 90_000) throw new Error('a latency peer said nothing for 90 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return found;
    } finally {
      this.#listeners.delete(listener);
    }
  }

  tell(command: LatencyCommand): void {
    if (this.#child?.connected) this.#child.send(command);
    else void this.#tell?.then((tell) => tell(command));
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return void (await (await this.#tell?.catch(() => undefined))?.({ stop: true }));
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    this.tell({ stop: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `count` peers joined through the first; resolves when all are ready. */
async function network(count: number, own: boolean): Promise<LatencyPeer[]> {
  const first = new LatencyPeer(count, '', own);
  const peers = [first];
  try {
    const started = await first.wait((r) => ('started' in r ? r.started : undefined));
    const bootstrap = started.addresses[0]!;
    for (let i = 1; i < count; i++) peers.push(new LatencyPeer(count, bootstrap, own));
    await Promise.all(peers.map((peer) => peer.wait((r) => ('ready' in r ? true : undefined))));
    return peers;
  } catch (error) {
    await Promise.all(peers.map((peer) => peer.stop()));
    throw error;
  }
}

/** Measures publish→receipt on a network of `options.peers` peers; stops them. */
export async function publishLatency(options: LatencyOptions): Promise<Latency> {
  const { peers: count, messages, intervalMs } = options;
  const warmup = Math.ceil(options.warmupMs / intervalMs);
  const peers = await network(count, options.processes);
  try {
    const sent = new Map<string, number>();
    const received = new Map<string, number[]>();
    for (const peer of peers)
      peer.on((report) => {
        if ('sent' in report) sent.set(report.sent, report.at);
        if ('received' in report)
          received.set(report.received, [...(received.get(report.received) ?? []), report.at]);
      });
    // A network just formed is settling (see above): let it, then warm it up.
    await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
    const tasks = Array.from({ length: warmup + messages }, (_, i) =>
      cidOf({ bench: 'p2p-latency', run: process.pid, i }).toString(),
    );
    for (const [i, task] of tasks.entries()) {
      peers[i % count]!.tell({ publish: task });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    // The last receipts: every one in, or 5 s.
    const complete = () => tasks.every((task) => (received.get(task)?.length ?? 0) >= count - 1);
    for (let waited = 0; waited < 5000 && !complete(); waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const times: number[] = [];
    let missing = 0;
    for (const task of tasks.slice(warmup)) {
      const at = sent.get(task);
      const receipts = received.get(task) ?? [];
      missing += count - 1 - receipts.length;
      if (at !== undefined) times.push(...receipts.map((time) => time - at));
    }
    times.sort((a, b) => a - b);
    return {
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      receipts: times.length,
      missing,
    };
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}
