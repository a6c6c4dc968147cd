import { CHAOS_TUBE, type ChaosRow, checkInvariants } from './chaos.ts';
import { isFinal, queryQueue, submitAll, submitJob, tenantKey, untilFinal } from './chaos-jobs.ts';
import { eventually, startServe, tempDb } from './serve-process.ts';
import { waitingTube } from './tubes.ts';

/**
 * Calls of 500 ms (results 0…3 over 4 epochs, as CHAOS_TUBE's): 32 such jobs hold the
 * coordinator's 16 slots twice over and 2 workers' 16 calls at once for 4 s at least.
 */
const FLOOD_TUBE = waitingTube(0.5);

/**
 * The priority-starvation scenario of the chaos matrix: one tenant floods the queue with
 * LOW jobs; once the flood is running, the same tenant submits HIGH jobs and another
 * tenant NORMAL ones. Each of those must finish while more than half the flood is still open
 * (progress seen, never a time), and every job, the flood's too, must succeed with its
 * results, none accepted twice.
 */

/** How a flood runs. */
export interface PriorityOptions {
  /** LOW jobs in the flood (default 32, each 4 calls of 500 ms). */
  flood?: number;
  /** HIGH jobs of the flooding tenant (default 2). */
  urgent?: number;
  /** NORMAL jobs of another tenant (default 2). */
  others?: number;
}

/**
 * Runs the scenario on a fresh `noob serve` and checks it; its row of the table, where a
 * job that finished only once half the flood had counts as lost (starved).
 */
export async function runPriorityStarvation(options: PriorityOptions = {}): Promise<ChaosRow> {
  const { flood = 32, urgent = 2, others = 2 } = options;
  const started = Date.now();
  const db = tempDb();
  const serve = await startServe(db);
  const otherKey = await tenantKey(db, 'other');
  const body = { tube: FLOOD_TUBE, epochs: 4, priority: 'LOW' };
  const lowIds = await submitAll(
    serve,
    serve.key,
    Array.from({ length: flood }, () => body),
  );
  const lowJobs = lowIds.map((id) => ({ id, key: serve.key }));
  // Once the flood holds the workers: its first calls are done.
  await eventually('the flood running', async () => {
    const [row] = await queryQueue(db, "SELECT count(*) AS n FROM tasks WHERE state = 'succeeded'");
    return Number(row!.n) > 0 ? true : undefined;
  });
  const late: { id: string; key: string; who: string }[] = [];
  for (let i = 0; i < urgent; i++) {
    const body = { tube: CHAOS_TUBE, epochs: 4, priority: 'HIGH' };
    late.push({ id: await submitJob(serve, serve.key, body), key: serve.key, who: 'HIGH job' });
  }
  for (let i = 0; i < others; i++) {
    const body = { tube: CHAOS_TUBE, epochs: 4 };
    late.push({ id: await submitJob(serve, otherKey, body), key: otherKey, who: 'other tenant' });
  }
  // For each late job: how many flood jobs were still open when it was first seen final.
  const floodOpenAtEnd = new Map<string, number>();
  const views = await untilFinal(serve, [...lowJobs, ...late], (round) => {
    const open = round.slice(0, flood).filter((view) => !isFinal(view)).length;
    for (const [i, job] of late.entries()) {
      if (!floodOpenAtEnd.has(job.id) && isFinal(round[flood + i]!))
        floodOpenAtEnd.set(job.id, open);
    }
  });
  const wrong = late.flatMap((job, i) => {
    const view = views[flood + i]!;
    const open = floodOpenAtEnd.get(job.id) ?? 0;
    if (view.state !== 'succeeded' || JSON.stringify(view.results) !== '[0,1,2,3]') {
      return [
        `${job.id} (${job.who}): ${view.state} ${JSON.stringify(view.error ?? view.results)}`,
      ];
    }
    // Starved: with jobs admitted oldest first (16 slots), it would have waited until the
    // flood had no more than 16 open, half of it.
    if (open <= flood / 2)
      return [`${job.id} (${job.who}): finished with ${open} of ${flood} flood jobs open`];
    return [];
  });
  // The flood (the operator key sees it): the matrix's invariant.
  const invariant = await checkInvariants(serve, db, lowIds);
  return {
    scenario: `priority starvation (${flood} LOW jobs, then ${urgent} HIGH and ${others} of another tenant)`,
    acknowledged: invariant.acknowledged + late.length,
    succeeded: invariant.succeeded + late.length - wrong.length,
    lost: [...wrong, ...invariant.lost],
    duplicates: invariant.duplicates,
    faults: flood,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    seed: 0,
  };
}
