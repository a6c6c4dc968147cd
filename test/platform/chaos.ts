import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import type { Sqld } from '../queue/sqld.ts';
import { api, type ServeProcess, startServe, tempDb } from './serve-process.ts';

/**
 * The chaos matrix (issue #13): faults a real `noob serve` meets, each while jobs run, each
 * followed by the same invariant: every acknowledged job (a 202) completes with the right
 * results, no task's result is accepted twice, and a new job from another moment still
 * finishes (no worker wedged). `test/platform/chaos.test.ts` runs a short matrix in
 * `npm test`; `npm run bench -- chaos` a longer one with a soak.
 */

/** One scenario's outcome, a row of the printed table. */
export interface ChaosRow {
  scenario: string;
  /** Jobs the API answered 202 for. */
  acknowledged: number;
  /** Acknowledged jobs that succeeded with the right results. */
  succeeded: number;
  /** Acknowledged jobs missing, failed or wrong: must be 0. */
  lost: string[];
  /** Task results accepted more than once: must be 0. */
  duplicates: number;
  /** Faults injected. */
  faults: number;
  seconds: number;
  /** The random seed, to run it again alike. */
  seed: number;
}

/** Each job: 4 epochs of a 50 ms wait, results 0…3 (long enough to be hit mid-run). */
export const CHAOS_TUBE = `noob_id: chaos-wait
nodes:
  count:
    type: noob.testing.count_source
  wait:
    type: noob.testing.just_wait
    params:
      wait_for: 0.05
    depends:
      - value: count.index
  out:
    type: return
    depends: wait.value
`;
const EPOCHS = 4;
const EXPECTED = [0, 1, 2, 3];

/** A small seeded generator (mulberry32): the same seed gives the same fault times. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids `noob serve` runs now: its banner's, then the restarts it said on stderr. */
export function currentPids(serve: ServeProcess): { coordinator: number; workers: number[] } {
  let coordinator = serve.coordinatorPid;
  const workers = [...serve.workerPids];
  for (const [, name, pid] of serve
    .stderr()
    .matchAll(/(coordinator|worker \d+) restarted \(pid (\d+)\)/g)) {
    if (name === 'coordinator') coordinator = Number(pid);
    else workers[Number(name!.split(' ')[1]) - 1] = Number(pid);
  }
  return { coordinator, workers };
}

/** What a scenario does to a running platform: its faults, at random moments. */
export interface Fault {
  name: string;
  /**
   * Injects one fault; may replace the server (kill and start it again), returning the
   * new one. `rng` is the scenario's generator.
   */
  inject(serve: ServeProcess, db: string, rng: () => number): Promise<ServeProcess>;
}

/** kill -9 of a random worker (`noob serve` restarts it). */
export const killWorker: Fault = {
  name: 'kill -9 a worker',
  async inject(serve, _db, rng) {
    const { workers } = currentPids(serve);
    killQuietly(workers[Math.floor(rng() * workers.length)]!);
    return serve;
  },
};

/** kill -9 of the coordinator (`noob serve` restarts it; it takes its runs back). */
export const killCoordinator: Fault = {
  name: 'kill -9 the coordinator',
  async inject(serve) {
    killQuietly(currentPids(serve).coordinator);
    return serve;
  },
};

/** kill -9 of `noob serve` itself (the API): its children exit; it is started again. */
export const killServe: Fault = {
  name: 'kill -9 noob serve (the API)',
  async inject(serve, db) {
    serve.child.kill('SIGKILL');
    await new Promise((resolve) => serve.child.once('exit', resolve));
    return startServe(db);
  },
};

/** SIGKILL to `pid`, if it is still there. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone (restarting): the fault is the same.
  }
}

/** How a scenario runs. */
export interface ScenarioOptions {
  fault: Fault;
  /** Jobs submitted over the run (default 8). */
  jobs?: number;
  /** Faults injected, at random moments among the submissions (default 2). */
  faults?: number;
  seed?: number;
  /** Queue database (default a fresh temp file). */
  db?: string;
  /** Extra `noob serve` arguments. */
  args?: readonly string[];
}

/**
 * Runs one scenario on a fresh `noob serve`: submits `jobs` jobs one by one, injecting the
 * faults at random points between them (a submission that finds the server down is sent
 * again with the same idempotency key once it is back, as a client would), then checks
 * the invariants. Every wait is bounded.
 */
export async function runScenario(options: ScenarioOptions): Promise<ChaosRow> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rng = random(seed);
  const db = options.db ?? tempDb();
  const jobs = options.jobs ?? 8;
  const faults = options.faults ?? 2;
  const started = Date.now();
  let serve = await startServe(db, options.args ?? []);
  const faultAt = new Set(Array.from({ length: faults }, () => Math.floor(rng() * jobs)));
  const acknowledged: string[] = [];
  let injected = 0;
  for (let i = 0; i < jobs; i++) {
    if (faultAt.has(i)) {
      await sleep(Math.floor(rng() * 300));
      serve = await options.fault.inject(serve, db, rng);
      injected++;
    }
    const id = await submitUntilAcknowledged(serve, `chaos-${seed}-${i}`);
    acknowledged.push(id);
  }
  const row = await checkInvariants(serve, db, acknowledged);
  return {
    scenario: options.fault.name,
    ...row,
    faults: injected,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    seed,
  };
}

/** Submits one job, again with the same key while the server is restarting (bounded). */
async function submitUntilAcknowledged(serve: ServeProcess, key: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const { status, body } = await api(serve.url, serve.key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: CHAOS_TUBE, epochs: EPOCHS, idempotencyKey: key }),
      });
      if (status === 202) return body.id as string;
    } catch {
      // The server is down for a moment: the same key again.
    }
    await sleep(100);
  }
  throw new Error(`job ${key} was never acknowledged`);
}

/**
 * The invariants after a scenario: each acknowledged job succeeded with {@link EXPECTED}
 * (waited for, bounded), no task result accepted twice (`tasks.succeeded` events name each
 * task once), and a fresh job still succeeds.
 */
export async function checkInvariants(
  serve: ServeProcess,
  db: string,
  acknowledged: readonly string[],
): Promise<Pick<ChaosRow, 'acknowledged' | 'succeeded' | 'lost' | 'duplicates'>> {
  const lost: string[] = [];
  for (const id of acknowledged) {
    const job = await finalJob(serve, id);
    if (job?.state !== 'succeeded' || JSON.stringify(job.results) !== JSON.stringify(EXPECTED)) {
      lost.push(
        `${id}: ${job ? `${job.state} ${JSON.stringify(job.error ?? job.results)}` : 'not finished'}`,
      );
    }
  }
  const fresh = await submitUntilAcknowledged(serve, `chaos-after-${Date.now()}`);
  const after = await finalJob(serve, fresh);
  if (after?.state !== 'succeeded') lost.push(`a job submitted after the faults: ${after?.state}`);
  const queue = await openQueue(db);
  try {
    const { rows } = await queue.driver.execute({
      sql: `SELECT json_extract(t.value, '$.id') AS task, count(*) AS accepted
        FROM events AS e, json_each(json_extract(e.data, '$.tasks')) AS t
        WHERE e.type = 'tasks.succeeded' GROUP BY task HAVING count(*) > 1`,
      params: [],
    });
    return {
      acknowledged: acknowledged.length,
      succeeded: acknowledged.length - lost.filter((l) => !l.startsWith('a job')).length,
      lost,
      duplicates: rows.length,
    };
  } finally {
    await queue.close();
  }
}

/** The job once final (polled, at most 60 s), or undefined. */
async function finalJob(serve: ServeProcess, id: string) {
  for (let i = 0; i < 600; i++) {
    const { body } = await api(serve.url, serve.key, `/v1/jobs/${id}`).catch(() => ({
      body: undefined,
    }));
    if (body && ['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
    await sleep(100);
  }
  return undefined;
}

/** The rows as a Markdown table. */
export function chaosTable(rows: readonly ChaosRow[]): string {
  const lines = [
    '| scenario | faults | acknowledged | succeeded | lost | accepted twice | seconds | seed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.faults} | ${r.acknowledged} | ${r.succeeded} | ${r.lost.length} | ${r.duplicates} | ${r.seconds} | ${r.seed} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * A tmpfs of `sizeMb` MiB mounted at a fresh folder (root only): where a disk-full
 * scenario puts its database. Undefined, with the reason, where this machine cannot.
 */
export function smallDisk(sizeMb: number): { path: string; unmount(): void } | { reason: string } {
  const path = mkdtempSync(join(tmpdir(), 'noob-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', path], {
      stdio: 'pipe',
    });
  } catch (error) {
    return { reason: `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})` };
  }
  return {
    path,
    unmount: () => {
      // Bounded: the processes that held files there were just killed.
      let unmounted = false;
      for (let i = 0; i < 50 && !unmounted; i++) {
        try {
          execFileSync('umount', [path], { stdio: 'pipe' });
          unmounted = true;
        } catch {
          execFileSync('sleep', ['0.1']);
        }
      }
      // Still busy (a process slow to exit): detached now, freed when it lets go, instead
      // of a tmpfs left mounted for good.
      if (!unmounted) execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      // A mount point just unmounted can stay busy a moment: leave the empty folder then.
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {}
    },
  };
}

/** Fills the disk holding `folder` until it is full; returns the filler file to remove. */
export function fillDisk(folder: string): string {
  const filler = join(folder, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' });
  } catch {
    // dd stops with ENOSPC: the disk is full, as wanted.
  }
  return filler;
}

/**
 * The disk holding the database fills up for a moment (a tmpfs from {@link smallDisk}):
 * writes fail with ENOSPC meanwhile; then space is freed. A server that stopped over it
 * is started again, as its supervisor (systemd, a container runtime) would.
 */
export function diskFull(folder: string): Fault {
  return {
    name: 'disk full, then freed',
    async inject(serve, db) {
      const filler = fillDisk(folder);
      await sleep(1_000);
      rmSync(filler, { force: true });
      const down = serve.child.exitCode !== null || serve.child.signalCode !== null;
      return down ? startServe(db) : serve;
    },
  };
}

/** The remote database (`sqld`) killed with -9 and started again after `downMs`. */
export function restartSqld(sqld: Sqld, downMs = 500): Fault {
  return {
    name: `sqld killed -9, back after ${downMs} ms`,
    async inject(serve, db) {
      await sqld.restart(downMs);
      const down = serve.child.exitCode !== null || serve.child.signalCode !== null;
      return down ? startServe(db) : serve;
    },
  };
}
